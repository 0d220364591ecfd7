/** What `GET /readyz` answers: 200 when everything is ready, else 503 with the first reason in words. */
export interface Readiness {
  status: 200 | 503
  body: { ready: boolean; database: boolean; connector: boolean; reason?: string }
}

/**
 * Readiness for a load balancer or service manager: the database answers a trivial query (SQLite
 * today; the PostgreSQL engine will pass its pool's `SELECT 1`), and the WhatsApp connector is
 * usable. Never throws: a failing check is a `false` and a reason (never a secret: a
 * database URL's password is not part of any driver message shown here).
 */
export async function checkReadiness(checks: { database: () => unknown; connector: () => Promise<boolean> }): Promise<Readiness> {
  const reasons: string[] = []
  const database = await Promise.resolve()
    .then(checks.database)
    .then(
      () => true,
      (error: unknown) => {
        reasons.push(`database: ${error instanceof Error ? error.message : String(error)}`)
        return false
      },
    )
  const connector = await checks.connector().catch(() => false)
  if (!connector) reasons.push('connector: the WhatsApp connector (the sandbox or the Cloud API settings) is not usable')
  const ready = database && connector
  return { status: ready ? 200 : 503, body: { ready, database, connector, ...(ready ? {} : { reason: reasons.join('; ') }) } }
}
