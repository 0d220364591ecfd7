import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { OrgPolicyError } from '../../electron/core/org/org-policy'
import { DEMO_USERS, loadOrgPolicyOrDemo } from '../../electron/launcher/demo-org'

describe('the demo organization', () => {
  it('is what runs when no policy file is configured', () => {
    const { policy, raw } = loadOrgPolicyOrDemo(undefined)
    expect(policy.name).toBe('Greenline Demo')
    expect(policy.users.map((u) => u.id)).toEqual(DEMO_USERS.map((u) => u.id))
    expect(policy.whatsapp.enabled).toBe(true)
    expect(raw).toEqual(policy)
  })

  it('never stands in for a configured file, even a broken one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'greenline-demo-org-'))
    const file = join(dir, 'org.json')
    writeFileSync(file, JSON.stringify({ name: 'Office', users: [{ id: 'ana', name: 'Ana Ruiz' }] }))
    expect(loadOrgPolicyOrDemo(file).policy.users.map((u) => u.id)).toEqual(['ana'])
    writeFileSync(file, '{ "name": ')
    expect(() => loadOrgPolicyOrDemo(file)).toThrow(OrgPolicyError)
  })
})
