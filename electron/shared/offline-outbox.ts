import type { Message } from './domain'

/**
 * Team mode's offline outbox as the window sees it: a message written while this computer could
 * not reach the team server is shown from the device's outbox under the id `outbox:<clientId>`
 * until the server has it. The server's own message then takes its place (`Message.replaces`).
 */
export const OUTBOX_MESSAGE_PREFIX = 'outbox:'

export function outboxMessageId(clientId: string): string {
  return `${OUTBOX_MESSAGE_PREFIX}${clientId}`
}

/** The outbox entry's clientId behind a window's message id, or undefined for a server message. */
export function outboxClientId(messageId: string): string | undefined {
  return messageId.startsWith(OUTBOX_MESSAGE_PREFIX) ? messageId.slice(OUTBOX_MESSAGE_PREFIX.length) : undefined
}

/** Written on this computer and waiting for the connection to the team server to return. */
export function isWaitingForConnection(message: Pick<Message, 'id' | 'status'>): boolean {
  return message.status === 'queued' && outboxClientId(message.id) !== undefined
}
