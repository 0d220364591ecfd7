import { expect } from 'vitest'

/** Signs in through the server's real password route and returns the session cookie (`name=value`). */
export async function passwordSessionCookie(serverUrl: string, userId: string, password: string): Promise<string> {
  const response = await fetch(`${serverUrl}/auth/password`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ userId, password }),
  })
  expect(response.status).toBe(204)
  return response.headers.get('set-cookie')!.split(';')[0]
}
