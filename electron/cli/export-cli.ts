/**
 * `npm run export -- --from 2026-01-01 --to 2026-02-01 --out DIR [--data-dir DIR] [--contact ID]
 * [--conversation ID] [--org FILE]`: exports everything in scope (no per-user filter) from a data
 * folder and prints the counts. `--to` is exclusive. The export is recorded in the audit log.
 */
import { resolve } from 'node:path'
import { loadOrgPolicy } from '../core/org/org-policy'
import { parseArgs, parseDate, resolveDataDir, UsageError } from './cli-args'
import { exportDataDir } from '../core/compliance/export'

async function main(): Promise<number> {
  let args: Record<string, string>
  try {
    args = parseArgs(process.argv.slice(2), ['from', 'to', 'out', 'data-dir', 'contact', 'conversation', 'org'])
    if (!args.out) throw new UsageError('--out DIR is required')
  } catch (error) {
    console.error(`export: ${(error as Error).message}`)
    console.error(
      'usage: npm run export -- --out DIR [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--data-dir DIR] [--contact ID] [--conversation ID] [--org FILE]',
    )
    return 2
  }
  try {
    const from = args.from ? parseDate(args.from, 'from') : undefined
    const to = args.to ? parseDate(args.to, 'to') : undefined
    const orgFile = args.org ?? process.env.GREENLINE_ORG_FILE
    const orgName = orgFile ? loadOrgPolicy(orgFile).policy.name : undefined
    const dataDir = resolveDataDir(args)
    let last = 0
    const report = await exportDataDir({
      dataDir,
      outDir: resolve(args.out),
      orgName,
      scope: { from, to, contactId: args.contact, conversationId: args.conversation },
      onProgress: (done, total) => {
        if (process.stderr.isTTY && (done - last >= 50_000 || done === total)) {
          last = done
          process.stderr.write(`\r${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} messages`)
        }
      },
    })
    if (process.stderr.isTTY) process.stderr.write('\n')
    console.log(`export folder: ${report.outDir}`)
    console.log(
      `messages=${report.messages} conversations=${report.conversations} consent_events=${report.consentEvents} audit_events=${report.auditEvents} media_files=${report.mediaFiles} media_missing=${report.mediaMissing} eml_files=${report.emlFiles} files=${report.files} bytes=${report.bytes}`,
    )
    return 0
  } catch (error) {
    console.error(`export failed: ${error instanceof Error ? error.message : String(error)}`)
    return error instanceof UsageError ? 2 : 1
  }
}

process.exitCode = await main()
