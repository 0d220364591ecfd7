/** Why the team client is not connected, each with its own words for the user. */
export type ConnectionProblem = 'unreachable' | 'certificate' | 'refused-token' | 'server-error'

export const PROBLEM_MESSAGES: Record<ConnectionProblem, string> = {
  unreachable: "Can't reach the Greenline server. Check the address and your network; Greenline keeps trying.",
  certificate:
    "The server's security certificate could not be verified, so Greenline did not connect. Ask your administrator to check the server's certificate.",
  'refused-token': 'The server no longer accepts this device. Sign in again; messages waiting to be sent are kept.',
  'server-error': 'The Greenline server had a problem answering. Greenline keeps trying.',
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
