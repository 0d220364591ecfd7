import type { PolicyView } from '../shared/api/contract'
import type { Store } from '../core/db/store'
import { parseOrgPolicy, type OrgPolicy } from '../core/org/org-policy'

const KEY = 'server.policy'

/** The policy an admin saved (org-file shape without `users`), if any. */
export async function readSavedPolicy(store: Pick<Store, 'appState'>): Promise<Record<string, unknown> | undefined> {
  const text = await store.appState.getState(KEY)
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>)
}

/**
 * The policy the server starts with: an admin's saved one wins over the org file, which then only
 * seeds users. Validated whole with the file's schema, so a start never runs a half-valid policy.
 */
export function effectivePolicy(filePolicy: OrgPolicy, saved: Record<string, unknown> | undefined): OrgPolicy {
  return saved ? parseOrgPolicy({ ...saved, users: filePolicy.users }, 'the policy saved on the server') : filePolicy
}

function withoutUsers(policy: OrgPolicy | Record<string, unknown>): Record<string, unknown> {
  const { users: _users, ...rest } = policy as Record<string, unknown>
  return rest
}

/**
 * The admin screen's org policy. Saving validates it whole, keeps it, and hands it to `apply`,
 * which puts it to work on the running engine; only a change it cannot apply live waits for a
 * restart (`restartRequired`).
 */
export function createPolicyAdmin(deps: { store: Store; running: OrgPolicy; apply?: (policy: OrgPolicy) => boolean }) {
  let changed = false
  const view = async (): Promise<PolicyView> => {
    const saved = await readSavedPolicy(deps.store)
    return { policy: saved ?? withoutUsers(deps.running), source: saved ? 'saved' : 'file', restartRequired: changed }
  }
  return {
    view,
    /** @throws OrgPolicyError naming the first bad field. */
    async save(policy: Record<string, unknown>): Promise<PolicyView> {
      const checked = parseOrgPolicy({ ...withoutUsers(policy), users: deps.running.users }, 'the policy')
      await deps.store.appState.setState(KEY, JSON.stringify(withoutUsers(checked)))
      // A change that waits for a restart stays pending until one.
      changed = !(deps.apply?.(checked) ?? false) || changed
      return view()
    },
  }
}

export type PolicyAdmin = ReturnType<typeof createPolicyAdmin>
