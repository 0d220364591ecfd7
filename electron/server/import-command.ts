import Database from 'better-sqlite3'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseArgs } from 'node:util'
import { DATABASE_FILE, openDatabase } from '../core/db/open'
import { verifyLedger } from '../core/db/repositories/ledger'
import { getOrgUser } from '../core/db/repositories/org-users'
import { importSoloHistory, type ImportCounts } from '../core/db/repositories/solo-import'
import { createMediaStore, isValidMediaId } from '../core/media/media-store'
import { ConfigError, SERVER_FLAGS, resolveServerConfig } from './config'
import { lockDataDir } from './data-dir-lock'

const USAGE = 'Usage: npm run server -- import --from <path to greenline.db> --as <userId> [--data-dir DIR]'

/**
 * `npm run server -- import --from <greenline.db> --as <userId>`: brings a solo desktop's history
 * into this server as that user. The server must be stopped (the data directory's lock says so);
 * the solo file is only read (a migrated copy is made in a temporary folder). Refuses a solo file
 * whose consent ledger does not verify: a broken chain must be looked at, not carried along.
 */
export async function importCommand(argv: string[], print: (line: string) => void): Promise<ImportCounts> {
  const { values } = parseArgs({ args: argv, options: { ...SERVER_FLAGS, from: { type: 'string' }, as: { type: 'string' } } })
  if (!values.from || !values.as) throw new ConfigError(USAGE)
  const from = values.from.endsWith('.db') ? values.from : join(values.from, DATABASE_FILE)
  if (!existsSync(from)) throw new ConfigError(`There is no Greenline database at ${from}`)
  const { dataDir, database } = resolveServerConfig(values['data-dir'] ? ['--data-dir', values['data-dir']] : [], process.env)
  if (database)
    throw new ConfigError(
      'Importing a solo history into a server on PostgreSQL is not built yet (README "Scaling out"): ' +
        'import into a SQLite server first, or unset GREENLINE_DATABASE_URL.',
    )

  const scratch = mkdtempSync(join(tmpdir(), 'greenline-import-'))
  const unlock = await lockDataDir(dataDir)
  try {
    // A consistent copy (the desktop may still have it open), migrated to this version in scratch.
    const source = new Database(from, { readonly: true, fileMustExist: true })
    try {
      await source.backup(join(scratch, DATABASE_FILE))
    } finally {
      source.close()
    }
    openDatabase(scratch).close()
    const solo = new Database(join(scratch, DATABASE_FILE), { readonly: true })
    try {
      const verdict = verifyLedger(solo, 'consents')
      if (!verdict.ok)
        throw new ConfigError(
          `The consent ledger in ${from} is broken at row ${verdict.brokenSeq} (${verdict.reason}); nothing was imported`,
        )
    } finally {
      solo.close()
    }

    const db = openDatabase(dataDir)
    try {
      if (!getOrgUser(db, values.as)) throw new ConfigError(`${values.as} is not a user of this server; invite them first`)
      // Files first: a row pointing to a missing picture would be worse than a picture nobody points to.
      const media = createMediaStore(join(dataDir, 'media'))
      const soloMedia = join(dirname(from), 'media')
      let files = 0
      db.exec(`ATTACH DATABASE '${join(scratch, DATABASE_FILE).replaceAll("'", "''")}' AS solo`)
      try {
        for (const row of db.prepare('SELECT id, mime_type FROM solo.media').all() as Array<{ id: string; mime_type: string }>) {
          if (!isValidMediaId(row.id)) continue
          const file = join(soloMedia, row.id.slice(0, 2), row.id)
          if (!existsSync(file)) continue
          await media.put(readFileSync(file), row.mime_type)
          files++
        }
        const result = importSoloHistory(db, values.as, Date.now())
        print(
          `Imported into ${dataDir} as ${values.as}: ${result.contacts} contacts, ${result.conversations} conversations, ` +
            `${result.messages} messages, ${result.media} media (${files} files), ${result.consentEvents} consent ledger entries.`,
        )
        if (result.ledger)
          print(`Consent ledger rows ${result.ledger.fromSeq}–${result.ledger.toSeq} of the solo file verify against the server's copies.`)
        return result
      } finally {
        db.exec('DETACH DATABASE solo')
      }
    } finally {
      db.close()
    }
  } finally {
    await unlock()
    rmSync(scratch, { recursive: true, force: true })
  }
}
