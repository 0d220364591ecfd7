/**
 * `npm run ledger:verify -- --data-dir DIR`: recomputes the hash chains of the consent ledger and
 * the audit log. Prints one line per table and ends with `ledger ok rows=<n>` (exit 0) or
 * `ledger broken table=<t> row=<seq>: <reason>` (exit 1). Usage or open errors exit 2.
 * The database is opened read-only: verifying never changes it.
 */
import Database from 'better-sqlite3'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { DATABASE_FILE } from '../core/db/open'
import { verifyLedger, type LedgerTable } from '../core/db/repositories/ledger'
import { parseArgs, resolveDataDir, UsageError } from './cli-args'

const TABLES: LedgerTable[] = ['consents', 'audit_log']

export function verifyDataDir(dataDir: string, print: (line: string) => void): number {
  const path = join(dataDir, DATABASE_FILE)
  if (!existsSync(path)) throw new UsageError(`no Greenline database at ${path}`)
  const db = new Database(path, { readonly: true, fileMustExist: true })
  try {
    let total = 0
    for (const table of TABLES) {
      const present = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table)
      if (!present) throw new UsageError(`${path} has no ${table} table; is it a Greenline database?`)
      const verdict = verifyLedger(db, table)
      if (!verdict.ok) {
        print(`${table}: broken at row ${verdict.brokenSeq} after ${verdict.rows - 1} good rows`)
        print(`ledger broken table=${table} row=${verdict.brokenSeq}: ${verdict.reason}`)
        return 1
      }
      print(`${table}: ok rows=${verdict.rows}`)
      total += verdict.rows
    }
    print(`ledger ok rows=${total}`)
    return 0
  } finally {
    db.close()
  }
}

function main(): number {
  try {
    const args = parseArgs(process.argv.slice(2), ['data-dir'])
    return verifyDataDir(resolveDataDir(args), (line) => console.log(line))
  } catch (error) {
    console.error(`ledger:verify: ${error instanceof Error ? error.message : String(error)}`)
    console.error('usage: npm run ledger:verify -- [--data-dir DIR]')
    return 2
  }
}

if (process.argv[1] && /ledger-cli\.[cm]?[jt]s$/.test(process.argv[1])) process.exitCode = main()
