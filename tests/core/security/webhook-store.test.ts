import { describe, expect, it } from 'vitest'
import { openMemoryDatabase } from '../../../electron/core/db/open'
import { storeWebhookEvent } from '../../../electron/core/db/repositories/webhook-events'

describe('@security webhook store', () => {
  it('stores an identical signed delivery once, whoever stores it; refused ones are all kept', () => {
    const db = openMemoryDatabase()
    try {
      const delivery = { receivedAt: 1, source: 'whatsapp', bodySha256: 'ab'.repeat(32), body: '{"entry":[]}', state: 'pending' as const }
      const first = storeWebhookEvent(db, delivery)
      const replay = storeWebhookEvent(db, { ...delivery, receivedAt: 2 })
      expect(replay).toBe(first)
      // The same bytes for another source are another delivery.
      expect(storeWebhookEvent(db, { ...delivery, source: 'channels' })).not.toBe(first)
      storeWebhookEvent(db, { ...delivery, bodySha256: 'cd'.repeat(32), state: 'rejected', error: 'malformed JSON' })
      storeWebhookEvent(db, { ...delivery, bodySha256: 'cd'.repeat(32), state: 'rejected', error: 'malformed JSON' })
      const rows = db.prepare('SELECT source, state FROM webhook_events ORDER BY seq').all()
      expect(rows).toEqual([
        { source: 'whatsapp', state: 'pending' },
        { source: 'channels', state: 'pending' },
        { source: 'whatsapp', state: 'rejected' },
        { source: 'whatsapp', state: 'rejected' },
      ])
    } finally {
      db.close()
    }
  })
})
