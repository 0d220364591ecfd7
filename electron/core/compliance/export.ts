import { basename, join } from 'node:path'
import { engineText } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { EngineContext } from '../context'
import { openDatabase } from '../db/open'
import { createSqliteStore, type SnapshotReader, type Store } from '../db/store'
import { createMediaStore, type MediaStore } from '../media/media-store'
import { requireReader } from '../services/access'
import { writeArchive, type ExportReport } from './archive-writer'
import { createExportQueries, type ExportQueries, type ExportScope } from './export-queries'
import { createPgExportQueries } from './export-queries-pg'

export type { ExportReport } from './archive-writer'
export type { ExportScope } from './export-queries'

export interface ExportRequest {
  /** Whose view to export (what they may read); undefined: everything (an admin's org-wide export). */
  userId?: string
  /** Who asked (audited, told the progress); defaults to `userId`. */
  actorId?: string
  contactId?: string
  conversationId?: string
  from?: number
  to?: number
  outDir: string
}

/** The export's read side on a snapshot connection, in its dialect. */
function queriesFor(reader: SnapshotReader, scope: ExportScope): ExportQueries {
  return reader.dialect === 'sqlite' ? createExportQueries(reader.db, scope) : createPgExportQueries(reader.db, scope)
}

function checkRange(from?: number, to?: number) {
  if (from !== undefined && to !== undefined && from >= to) throw new ApiFailure('invalid', engineText('export.rangeInvalid'))
}

async function auditExport(store: Store, at: number, actorId: string | undefined, scope: ExportScope, report: ExportReport, via: string) {
  await store.ledger.appendAudit({
    at,
    actorId,
    action: 'export.run',
    conversationId: scope.conversationId,
    detail: {
      via,
      scope: {
        ...(scope.contactId ? { contactId: scope.contactId } : {}),
        ...(scope.conversationId ? { conversationId: scope.conversationId } : {}),
        ...(scope.from !== undefined ? { from: scope.from } : {}),
        ...(scope.to !== undefined ? { to: scope.to } : {}),
        ...(scope.userId ? { readableBy: scope.userId } : { everything: true }),
      },
      folder: basename(report.outDir),
      counts: {
        messages: report.messages,
        conversations: report.conversations,
        consentEvents: report.consentEvents,
        auditEvents: report.auditEvents,
        mediaFiles: report.mediaFiles,
        emlFiles: report.emlFiles,
      },
    },
  })
}

/**
 * Archive export from the app: a contact, a thread or a time range, limited to what `userId` can
 * read. Publishes `export:progress` to that user and audits `export.run` with scope and counts.
 * @throws ApiFailure invalid (bad range), not_found (contact/thread), forbidden (thread not readable)
 */
export async function runExport(ctx: EngineContext, media: MediaStore, request: ExportRequest): Promise<ExportReport> {
  checkRange(request.from, request.to)
  if (request.conversationId && request.userId) await requireReader(ctx, request.conversationId, request.userId)
  if (request.contactId && (await ctx.store.contacts.getContactName(request.contactId)) === undefined) {
    throw new ApiFailure('not_found', engineText('contact.notFound'))
  }
  const scope: ExportScope = {
    userId: request.userId,
    contactId: request.contactId,
    conversationId: request.conversationId,
    from: request.from,
    to: request.to,
  }
  const userId = request.actorId ?? request.userId
  const report = await ctx.store.snapshot((reader) =>
    writeArchive(queriesFor(reader, scope), media, scope, {
      parentDir: request.outDir,
      orgName: ctx.org.name,
      now: ctx.clock.now(),
      onProgress: userId ? (done, total) => ctx.events.publish([userId], 'export:progress', { done, total }) : undefined,
    }),
  )
  await auditExport(ctx.store, ctx.clock.now(), userId, scope, report, 'app')
  return report
}

/**
 * Everything in scope (no user filter) straight from a data folder: the command line and the
 * benchmark. The export is audited in that folder's ledger.
 */
export async function exportDataDir(options: {
  dataDir: string
  outDir: string
  scope?: Omit<ExportScope, 'userId'>
  orgName?: string
  now?: () => number
  onProgress?: (done: number, total: number) => void
  /** Default true: the export is recorded in the folder's audit log. */
  audit?: boolean
}): Promise<ExportReport> {
  const scope = options.scope ?? {}
  checkRange(scope.from, scope.to)
  const now = options.now ?? Date.now
  const db = openDatabase(options.dataDir, { now })
  try {
    const store = createSqliteStore(db)
    const media = createMediaStore(join(options.dataDir, 'media'))
    const report = await store.snapshot((reader) =>
      writeArchive(queriesFor(reader, scope), media, scope, {
        parentDir: options.outDir,
        orgName: options.orgName ?? 'Greenline',
        now: now(),
        onProgress: options.onProgress,
      }),
    )
    if (options.audit !== false) await auditExport(store, now(), undefined, scope, report, 'cli')
    return report
  } finally {
    db.close()
  }
}
