import { createReadStream, existsSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { MediaStore } from '../media/media-store'
import { ArchiveFile, copyIntoArchive, type ArchivedFile } from './archive-file'
import { emlEntry, emlHead, emlPath, utcDay, type EmlConversation } from './eml'
import type { ExportQueries, ExportScope } from './export-queries'

export interface ExportCounts {
  messages: number
  conversations: number
  consentEvents: number
  auditEvents: number
  mediaFiles: number
  /** Messages whose media is no longer in the media store (retention, never downloaded). */
  mediaMissing: number
  emlFiles: number
}

export interface ExportReport extends ExportCounts {
  outDir: string
  files: number
  bytes: number
}

export interface ArchiveOptions {
  /** The folder the export folder is created in. */
  parentDir: string
  orgName: string
  now: number
  onProgress?: (done: number, total: number) => void
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString())
const parseJson = (text: string | null) => {
  if (text === null) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** `greenline-export-20260125T090000Z`, with `-2`, `-3`… when that name is taken. */
async function createExportDir(parentDir: string, now: number): Promise<string> {
  await mkdir(parentDir, { recursive: true })
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
  for (let n = 1; ; n++) {
    const dir = join(parentDir, `greenline-export-${stamp}${n > 1 ? `-${n}` : ''}`)
    try {
      await mkdir(dir)
      return dir
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
}

/**
 * Writes an archive export read through `queries` (on a snapshot connection, so the engine can
 * keep writing). Rows are iterated, files are written through draining streams and the manifest's
 * file list goes through a temporary file: memory does not grow with history.
 */
export async function writeArchive(
  queries: ExportQueries,
  media: MediaStore,
  scope: ExportScope,
  options: ArchiveOptions,
): Promise<ExportReport> {
  const conversations = await queries.conversations()
  const total = conversations.reduce((sum, c) => sum + c.messageCount, 0)
  const outDir = await createExportDir(options.parentDir, options.now)
  const counts: ExportCounts = {
    messages: 0,
    conversations: 0,
    consentEvents: 0,
    auditEvents: 0,
    mediaFiles: 0,
    mediaMissing: 0,
    emlFiles: 0,
  }
  const listing = await ArchiveFile.create(outDir, '.manifest-files.tmp')
  let files = 0
  let bytes = 0
  const record = async (file: ArchivedFile) => {
    files++
    bytes += file.bytes
    await listing.write(`${files > 1 ? ',\n' : '\n'}    ${JSON.stringify(file)}`)
  }

  const messagesFile = await ArchiveFile.create(outDir, 'messages.jsonl')
  const mediaList = await ArchiveFile.create(outDir, 'media.jsonl')
  const open: ArchiveFile[] = [listing, messagesFile, mediaList]
  const progressEvery = Math.max(1000, Math.floor(total / 100))
  options.onProgress?.(0, total)
  try {
    for (const conversation of conversations) {
      if (conversation.messageCount === 0) continue
      counts.conversations++
      const participants = await queries.participants(conversation.id)
      const emlConversation: EmlConversation = conversation
      let eml: { day: string; file: ArchiveFile } | undefined
      const closeEml = async () => {
        if (!eml) return
        open.splice(open.indexOf(eml.file), 1)
        await record(await eml.file.close())
        counts.emlFiles++
        eml = undefined
      }
      // Constant per thread, or per stretch of time between participant changes: stringified once.
      const threadJson = JSON.stringify({
        conversationId: conversation.id,
        channel: conversation.channel,
        contact: { id: conversation.contactId, name: conversation.contactName, phone: conversation.contactPhone },
      }).slice(1, -1)
      const contactAuthorJson = JSON.stringify({ type: 'contact', id: conversation.contactId, name: conversation.contactName })
      const userAuthorJson = new Map<string, string>()
      const changes = [...new Set(participants.flatMap((p) => (p.left_at === null ? [p.joined_at] : [p.joined_at, p.left_at])))].sort(
        (a, b) => a - b,
      )
      let presentJson = '[]'
      let presentUntil = -Infinity
      for await (const batch of queries.messages(conversation.id))
        for (const row of batch) {
          // Rows come in time order, so the participant list only changes at the next join or leave.
          if (row.created_at >= presentUntil) {
            const t = row.created_at
            presentJson = JSON.stringify(
              participants
                .filter((p) => p.joined_at <= t && (p.left_at === null || p.left_at > t))
                .map((p) => ({ id: p.user_id, name: p.name })),
            )
            presentUntil = changes.find((change) => change > t) ?? Infinity
          }
          let authorJson = 'null'
          if (row.direction === 'in') authorJson = contactAuthorJson
          else if (row.author_id) {
            authorJson =
              userAuthorJson.get(row.author_id) ??
              JSON.stringify({ type: 'user', id: row.author_id, name: row.author_name ?? row.author_id })
            userAuthorJson.set(row.author_id, authorJson)
          }
          let mediaEntry: Record<string, unknown> | null = null
          if (row.media_id) {
            const stored = media.open(row.media_id)
            const path = `media/${row.media_id}`
            mediaEntry = { sha256: row.media_id, mimeType: row.media_mime, size: row.media_size, path: stored ? path : null }
            if (!stored) counts.mediaMissing++
            else if (!existsSync(join(outDir, path))) {
              const copied = await copyIntoArchive(stored.path, outDir, path)
              await record(copied)
              await mediaList.write(`${JSON.stringify({ sha256: copied.sha256, mimeType: row.media_mime, bytes: copied.bytes, path })}\n`)
              counts.mediaFiles++
            }
          }
          const failure = row.error || row.error_code !== null ? { reason: row.error, code: row.error_code } : null
          const rest = JSON.stringify({
            direction: row.direction,
            kind: row.kind,
            text: row.body,
            media: mediaEntry,
            replyToProviderId: row.reply_to_provider_id,
            extra: parseJson(row.extra),
            createdAt: iso(row.created_at),
            updatedAt: iso(row.updated_at),
            status: row.status,
            holdReason: row.status === 'held' ? row.hold_reason : null,
            statusTimes: {
              sentAt: iso(row.sent_at),
              deliveredAt: iso(row.delivered_at),
              readAt: iso(row.read_at),
              failedAt: iso(row.failed_at),
            },
            failure,
          })
          const line = `{"id":${JSON.stringify(row.id)},"seq":${row.seq},"providerId":${JSON.stringify(row.provider_id)},${threadJson},"author":${authorJson},"participants":${presentJson},${rest.slice(1)}`
          const wait = messagesFile.write(`${line}\n`)
          if (wait) await wait

          const day = utcDay(row.created_at)
          if (eml?.day !== day) {
            await closeEml()
            const dayStart = Date.parse(`${day}T00:00:00Z`)
            const colleagues = participants
              .filter((p) => p.joined_at < dayStart + 86_400_000 && (p.left_at === null || p.left_at >= dayStart))
              .map((p) => ({ id: p.user_id, name: p.name }))
            const unique = [...new Map(colleagues.map((c) => [c.id, c])).values()]
            eml = { day, file: await ArchiveFile.create(outDir, emlPath(conversation.id, day)) }
            open.push(eml.file)
            await eml.file.write(emlHead(emlConversation, day, row.created_at, { name: options.orgName }, unique))
          }
          const emlWait = eml.file.write(
            emlEntry({
              at: row.created_at,
              author: row.direction === 'in' ? conversation.contactName : (row.author_name ?? row.author_id ?? '(unknown)'),
              direction: row.direction,
              status: row.status,
              text: row.body,
              kind: row.kind,
              mediaSha256: row.media_id,
              failure: failure ? [failure.reason, failure.code].filter((v) => v !== null && v !== '').join(' ') || null : null,
            }),
          )
          if (emlWait) await emlWait

          counts.messages++
          if (counts.messages % progressEvery === 0) options.onProgress?.(counts.messages, total)
        }
      await closeEml()
    }
    open.splice(open.indexOf(messagesFile), 1)
    await record(await messagesFile.close())
    open.splice(open.indexOf(mediaList), 1)
    await record(await mediaList.close())

    const consentFile = await ArchiveFile.create(outDir, 'consent.jsonl')
    open.push(consentFile)
    for await (const batch of queries.consents())
      for (const row of batch) {
        counts.consentEvents++
        const wait = consentFile.write(
          `${JSON.stringify({ seq: row.seq, contactId: row.contact_id, state: row.state, event: row.event, at: iso(row.at), byUserId: row.by_user_id, evidenceMessageId: row.evidence_message_id, detail: parseJson(row.detail), prevHash: row.prev_hash, hash: row.hash })}\n`,
        )
        if (wait) await wait
      }
    open.splice(open.indexOf(consentFile), 1)
    await record(await consentFile.close())

    const auditFile = await ArchiveFile.create(outDir, 'audit.jsonl')
    open.push(auditFile)
    for await (const batch of queries.audit())
      for (const row of batch) {
        counts.auditEvents++
        const wait = auditFile.write(
          `${JSON.stringify({ seq: row.seq, at: iso(row.at), actorId: row.actor_id, action: row.action, conversationId: row.conversation_id, detail: parseJson(row.detail), prevHash: row.prev_hash, hash: row.hash })}\n`,
        )
        if (wait) await wait
      }
    open.splice(open.indexOf(auditFile), 1)
    await record(await auditFile.close())

    open.splice(open.indexOf(listing), 1)
    await listing.close()
    await writeManifest(outDir, { scope, options, counts, files, bytes })
    options.onProgress?.(counts.messages, total)
    return { outDir, ...counts, files, bytes }
  } catch (error) {
    await Promise.all(open.map((file) => file.abandon()))
    await rm(outDir, { recursive: true, force: true })
    throw error
  }
}

async function writeManifest(
  outDir: string,
  summary: { scope: ExportScope; options: ArchiveOptions; counts: ExportCounts; files: number; bytes: number },
): Promise<void> {
  const manifest = await ArchiveFile.create(outDir, 'manifest.json')
  const scope = {
    ...(summary.scope.userId ? { userId: summary.scope.userId } : {}),
    ...(summary.scope.contactId ? { contactId: summary.scope.contactId } : {}),
    ...(summary.scope.conversationId ? { conversationId: summary.scope.conversationId } : {}),
    from: iso(summary.scope.from),
    to: iso(summary.scope.to),
  }
  const head = {
    format: 'greenline-export/1',
    createdAt: iso(summary.options.now),
    organization: summary.options.orgName,
    scope,
    counts: { ...summary.counts, files: summary.files, bytes: summary.bytes },
    hashAlgorithm: 'sha256',
  }
  const text = JSON.stringify(head, null, 2)
  await manifest.write(`${text.slice(0, -2)},\n  "files": [`)
  for await (const chunk of createReadStream(join(outDir, '.manifest-files.tmp'), 'utf8')) {
    const wait = manifest.write(chunk as string)
    if (wait) await wait
  }
  await manifest.write('\n  ]\n}\n')
  await manifest.close()
  await rm(join(outDir, '.manifest-files.tmp'))
}
