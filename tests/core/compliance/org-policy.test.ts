import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadOrgPolicy, OrgPolicyError, parseOrgPolicy } from '../../../electron/core/org/org-policy'
import { tempDir } from './helpers'

const base = { name: 'Office', users: [{ id: 'priya', name: 'Priya Shah' }], whatsapp: { enabled: true } }
const rule = { name: 'ssn', pattern: '\\d{3}-\\d{2}-\\d{4}', action: 'block', reason: 'No SSNs' }

function policyError(input: unknown): string {
  try {
    parseOrgPolicy(input, 'org.json')
  } catch (error) {
    expect(error).toBeInstanceOf(OrgPolicyError)
    return (error as Error).message
  }
  throw new Error('the policy was accepted')
}

describe('org policy validation', () => {
  it('accepts a complete policy with retention and lexicon', () => {
    const policy = parseOrgPolicy({ ...base, retention: { messagesDays: 365, mediaDays: 90 }, lexicon: [rule] })
    expect(policy.retention).toEqual({ messagesDays: 365, mediaDays: 90 })
    expect(policy.lexicon[0]).toMatchObject({ name: 'ssn', action: 'block' })
  })

  it('names a lexicon rule with a bad regular expression', () => {
    expect(policyError({ ...base, lexicon: [rule, { ...rule, name: 'broken', pattern: '([a-z' }] })).toBe(
      'In org.json, lexicon.1.pattern is not a valid regular expression',
    )
  })

  it('names flags that do not work with the pattern', () => {
    expect(policyError({ ...base, lexicon: [{ ...rule, pattern: '\\-', flags: 'u' }] })).toBe(
      'In org.json, lexicon.0.flags do not work with this pattern',
    )
  })

  it('names a duplicate user id', () => {
    expect(
      policyError({
        ...base,
        users: [
          { id: 'priya', name: 'Priya Shah' },
          { id: 'priya', name: 'Priya Two' },
        ],
      }),
    ).toBe('In org.json, users.1.id is a duplicate (priya)')
  })

  it('names a missing users list, an empty one and one of the wrong type', () => {
    const { users: _users, ...withoutUsers } = base
    expect(policyError(withoutUsers)).toBe('In org.json, users is missing')
    expect(policyError({ ...base, users: [] })).toBe('In org.json, users must list at least one user')
    expect(policyError({ ...base, users: 'priya' })).toBe('In org.json, users must be a list')
  })

  it('names bad retention values and unknown settings', () => {
    expect(policyError({ ...base, retention: { messagesDays: -1 } })).toMatch(/^In org\.json, retention\.messagesDays /)
    expect(policyError({ ...base, retention: { messagesDayz: 30 } })).toBe('In org.json, retention.messagesDayz is not a known setting')
    expect(policyError({ ...base, lexicon: [{ ...rule, action: 'shout' }] })).toMatch(/^In org\.json, lexicon\.0\.action /)
  })

  it('loadOrgPolicy on a broken JSON file throws OrgPolicyError naming the path; a bad field names the file and field', () => {
    const dir = tempDir('org-policy')
    const broken = join(dir, 'broken.json')
    writeFileSync(broken, '{ "name": "Office", "users": [ }')
    expect(() => loadOrgPolicy(broken)).toThrow(OrgPolicyError)
    expect(() => loadOrgPolicy(broken)).toThrow(`Could not read the org policy file ${broken}`)
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, JSON.stringify({ ...base, lexicon: [{ ...rule, pattern: '(' }] }))
    expect(() => loadOrgPolicy(bad)).toThrow(`In ${bad}, lexicon.0.pattern is not a valid regular expression`)
    expect(() => loadOrgPolicy(join(dir, 'missing.json'))).toThrow(OrgPolicyError)
  })
})

describe('settings changes are audited', () => {
  it('records the first policy, then which settings and users changed between starts', async () => {
    const { compliantEngine } = await import('./helpers')
    const { listAudit } = await import('../../../electron/core/db/repositories/ledger')
    const first = compliantEngine()
    await first.engine.start()
    const dataDir = first.dataDir
    expect(listAudit(first.engine.db, { limit: 1 })[0]).toMatchObject({ action: 'settings.initial' })
    await first.engine.close()

    const same = compliantEngine({}, dataDir)
    await same.engine.start()
    expect(listAudit(same.engine.db, {}).filter((row) => row.action.startsWith('settings.'))).toHaveLength(1)
    await same.engine.close()

    const changed = compliantEngine(
      {
        lexicon: [rule],
        users: [
          { id: 'priya', name: 'Priya Shah' },
          { id: 'dana', name: 'Dana Wu' },
        ],
      },
      dataDir,
    )
    await changed.engine.start()
    const [row] = listAudit(changed.engine.db, { limit: 1 })
    expect(row?.action).toBe('settings.changed')
    expect(JSON.parse(row.detail)).toMatchObject({ changed: ['lexicon', 'users'], usersAdded: ['dana'], usersRemoved: ['sam', 'alex'] })
    await changed.engine.close()
  })
})
