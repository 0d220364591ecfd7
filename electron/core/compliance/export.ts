import Database from 'better-sqlite3'
import { basename, join } from 'node:path'
import { engineText } from '../../shared/api/engine-text'
import { ApiFailure } from '../../shared/api/result'
import type { EngineContext } from '../context'
import { getContactName } from '../db/repositories/contacts'
import { appendAudit } from '../db/repositories/ledger'
import { openDatabase, type Db } from '../db/open'
import { createMediaStore, type MediaStore } from '../media/media-store'
import { requireReader } from '../services/access'
import { writeArchive, type ExportReport } from './archive-writer'
import type { ExportScope } from './export-queries'

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

/**
 * Runs `work` against its own read-only connection inside one read transaction: the export sees a
 * consistent snapshot while the engine keeps writing (an open iterator would otherwise keep the
 * engine's connection busy). In-memory databases (unit tests) are read directly.
 */
export async function withReader<T>(db: Db, work: (reader: Db) => Promise<T>): Promise<T> {
  if (db.memory) return work(db)
  const reader = new Database(db.name, { readonly: true, fileMustExist: true })
  try {
    reader.pragma('busy_timeout = 5000')
    reader.exec('BEGIN')
    try {
      return await work(reader)
    } finally {
      reader.exec('COMMIT')
    }
  } finally {
    reader.close()
  }
}

function checkRange(from?: number, to?: number) {
  if (from !== undefined && to !== undefined && from >= to) throw new ApiFailure('invalid', engineText('export.rangeInvalid'))
}

function auditExport(db: Db, at: number, actorId: string | undefined, scope: ExportScope, report: ExportReport, via: string) {
  appendAudit(db, {
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
  // The archive streams from a second SQLite connection; a PostgreSQL reader is not written yet.
  const { db } = ctx
  if (!db) throw new ApiFailure('unavailable', engineText('export.notOnPostgres'))
  if (request.contactId && getContactName(db, request.contactId) === undefined) {
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
  const report = await withReader(db, (reader) =>
    writeArchive(reader, media, scope, {
      parentDir: request.outDir,
      orgName: ctx.org.name,
      now: ctx.clock.now(),
      onProgress: userId ? (done, total) => ctx.events.publish([userId], 'export:progress', { done, total }) : undefined,
    }),
  )
  auditExport(db, ctx.clock.now(), userId, scope, report, 'app')
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
    const media = createMediaStore(join(options.dataDir, 'media'))
    const report = await withReader(db, (reader) =>
      writeArchive(reader, media, scope, {
        parentDir: options.outDir,
        orgName: options.orgName ?? 'Greenline',
        now: now(),
        onProgress: options.onProgress,
      }),
    )
    if (options.audit !== false) auditExport(db, now(), undefined, scope, report, 'cli')
    return report
  } finally {
    db.close()
  }
}
