import { loadOrgPolicy, orgPolicySchema, type OrgPolicy } from '../core/org/org-policy'
import type { OrgUser } from '../shared/domain'

/** The demo organization's users: whom the demo sign-in offers when no policy file is configured. */
export const DEMO_USERS: OrgUser[] = [
  { id: 'priya', name: 'Priya Shah', extension: '201' },
  { id: 'sam', name: 'Sam Lee', extension: '202' },
  { id: 'alex', name: 'Alex Morgan', extension: '203' },
]

/** The built-in demo organization used when no policy file is configured. */
export function demoOrgPolicy(): OrgPolicy {
  return orgPolicySchema.parse({ name: 'Greenline Demo', users: DEMO_USERS, whatsapp: { enabled: true } })
}

/**
 * Reads and validates the policy file at `path`, or the demo organization when `path` is unset.
 * A bad or unreadable file throws OrgPolicyError (it never falls back to the demo).
 */
export function loadOrgPolicyOrDemo(path: string | undefined): { policy: OrgPolicy; raw: unknown } {
  if (!path) {
    const policy = demoOrgPolicy()
    return { policy, raw: policy }
  }
  return loadOrgPolicy(path)
}
