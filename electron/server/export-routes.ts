import { existsSync } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ZipFile } from 'yazl'
import type { Engine } from '../core/engine'
import { createLogger } from '../core/platform/logger'
import type { Caller } from './access'

const log = createLogger('server')

/** The folder names `export:run` writes (`greenline-export-20260125T090000Z`, `-2`… on a clash). */
const EXPORT_FOLDER = /^greenline-export-\d{8}T\d{6}Z(-\d{1,4})?$/
/** Pictures and recordings are compressed already; deflating them again only costs time. */
const STORED_AS_IS = /\.(jpe?g|png|webp|gif|mp4|ogg|mp3|wav|pdf|bin)$/i

export interface ExportRouteOptions {
  engine: Engine
  /** Whether this caller may download an export that `run` describes (who ran it, org-wide or not). */
  mayDownload: (caller: Caller, run: { actorId?: string; everything: boolean }) => boolean
  requireCaller: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
}

/**
 * `GET /exports/:folder` (or `…/:folder.zip`): an archive written by `export:run`, streamed as one
 * zip, so a browser user can take home what the server wrote into its data directory. Who ran an
 * export comes from its `export.run` audit row: an org-wide export is for administrators, any
 * other for the person who ran it. Everything else (unknown, unfinished, someone else's, a name
 * that is not an export folder) answers the same 404, so names cannot be probed. Each download is
 * audited (`export.downloaded`).
 */
export function registerExportRoutes(app: FastifyInstance, options: ExportRouteOptions): void {
  const { engine } = options
  app.get('/exports/:folder', { preHandler: options.requireCaller }, async (request, reply) => {
    const folder = (request.params as { folder: string }).folder.replace(/\.zip$/, '')
    const notFound = () => reply.code(404).type('text/plain').send('No such export')
    if (!EXPORT_FOLDER.test(folder)) return notFound()
    const run = await engine.store.ledger.exportRunOf(folder)
    const dir = join(engine.exportsDir, folder)
    // The manifest is written last: without it the folder is an export still running (or broken).
    if (!run || !options.mayDownload(request.caller!, run) || !existsSync(join(dir, 'manifest.json'))) return notFound()

    const zip = new ZipFile()
    for (const file of await filesUnder(dir)) {
      zip.addFile(join(dir, file), `${folder}/${file}`, { compress: !STORED_AS_IS.test(file) })
    }
    zip.end()
    zip.outputStream.on('error', (error) => log.error('export download failed', { folder, error: String(error) }))
    await engine.store.ledger.appendAudit({
      at: engine.clock.now(),
      actorId: request.caller!.userId,
      action: 'export.downloaded',
      detail: { folder, everything: run.everything },
    })
    log.info('export downloaded', { folder, user: request.caller!.userId })
    return reply
      .header('Content-Type', 'application/zip')
      .header('Content-Disposition', `attachment; filename="${folder}.zip"`)
      .header('Cache-Control', 'no-store')
      .send(zip.outputStream)
  })
}

/** Regular files under `root`, as `/`-separated relative paths; links are never followed. */
async function filesUnder(root: string, prefix = ''): Promise<string[]> {
  const files: string[] = []
  for (const name of (await readdir(join(root, prefix))).sort()) {
    const relative = prefix ? `${prefix}/${name}` : name
    const stat = await lstat(join(root, relative))
    if (stat.isDirectory()) files.push(...(await filesUnder(root, relative)))
    else if (stat.isFile()) files.push(relative)
  }
  return files
}
