import { ENGINE_TEXTS } from '../shared/api/engine-text'

/** Why the team client is not connected, each with its own words for the user. */
export type ConnectionProblem = 'unreachable' | 'certificate' | 'refused-token' | 'server-error'

export const PROBLEM_MESSAGES: Record<ConnectionProblem, string> = {
  unreachable: ENGINE_TEXTS['teamServer.unreachable'],
  certificate: ENGINE_TEXTS['teamServer.certificate'],
  'refused-token': ENGINE_TEXTS['teamServer.refusedToken'],
  'server-error': ENGINE_TEXTS['teamServer.serverError'],
}

const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
])

/** Sorts a socket or fetch error into one of the problems the user is told about. */
export function classifyConnectionError(error: unknown): ConnectionProblem {
  let current: unknown = error
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && CERTIFICATE_CODES.has(code)) return 'certificate'
    current = (current as { cause?: unknown }).cause
  }
  return 'unreachable'
}
