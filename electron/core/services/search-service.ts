import type { SearchHit } from '../../shared/domain'
import type { EngineContext } from '../context'
import { loadMessages } from './views'

const START = '\u0002'
const END = '\u0003'

/**
 * Full-text search over the threads the user takes part in, newest first, diacritics- and
 * case-insensitive, one page at a time (`before`: the previous page's last message id). Highlights come back as character ranges, never as markup.
 */
export async function searchMessages(
  ctx: EngineContext,
  userId: string,
  query: string,
  limit: number,
  before?: string,
): Promise<SearchHit[]> {
  const rows = await ctx.store.messages.searchMessageRows(userId, query, limit, before)
  const messages = await loadMessages(ctx.store, rows)
  return rows.map((row, index) => {
    const { text, highlights } = splitMarkers(row.snippet)
    const thread = {
      contactName: row.thread_contact_name,
      channel: row.thread_channel as SearchHit['thread']['channel'],
      ended: row.thread_ended_at !== null,
      current: row.thread_current === 1,
    }
    return { message: messages[index], conversationId: row.conversation_id, snippet: text, highlights, thread }
  })
}

export function splitMarkers(marked: string): { text: string; highlights: Array<[number, number]> } {
  let text = ''
  const highlights: Array<[number, number]> = []
  let start = -1
  for (const char of marked) {
    if (char === START) start = text.length
    else if (char === END) {
      if (start >= 0) highlights.push([start, text.length])
      start = -1
    } else text += char
  }
  return { text, highlights }
}
