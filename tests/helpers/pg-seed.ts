import type pg from 'pg'

/** One WhatsApp person of the office: their contact (`c<n>`), thread (`v<n>`) and number. */
export interface SeededPerson {
  contactId: string
  conversationId: string
  phone: string
}

/**
 * `count` people who agreed to WhatsApp messages, each with priya's open thread, written straight
 * into a migrated PostgreSQL database (tests and benchmarks of several instances: faster than
 * going through consent, and no instance needs to be running). `lastInboundAt`: when they last
 * wrote (their 24-hour window), unset when they have not.
 */
export async function seedWhatsAppPeople(
  pool: pg.Pool,
  count: number,
  options: { now: number; lastInboundAt?: number; firstNumber?: number },
): Promise<SeededPerson[]> {
  const { now } = options
  const people: SeededPerson[] = []
  await pool.query(`INSERT INTO org_users (id, name) VALUES ('priya', 'Priya Shah') ON CONFLICT DO NOTHING`)
  for (let n = 0; n < count; n++) {
    const person = { contactId: `c${n}`, conversationId: `v${n}`, phone: `+1415${String((options.firstNumber ?? 5551000) + n)}` }
    await pool.query(`INSERT INTO contacts (id, name, phone, wa_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`, [
      person.contactId,
      `Guest ${n}`,
      person.phone,
      person.phone.slice(1),
      now,
    ])
    await pool.query(
      `INSERT INTO whatsapp_users (contact_id, consent, consent_updated_at, last_inbound_at) VALUES ($1, 'granted', $2, $3)`,
      [person.contactId, now, options.lastInboundAt ?? null],
    )
    await pool.query(
      `INSERT INTO conversations (id, contact_id, channel, created_at, last_activity_at) VALUES ($1, $2, 'whatsapp', $3, $3)`,
      [person.conversationId, person.contactId, now],
    )
    await pool.query(`INSERT INTO participants (conversation_id, user_id, joined_at) VALUES ($1, 'priya', $2)`, [
      person.conversationId,
      now,
    ])
    people.push(person)
  }
  return people
}

/**
 * `perPerson` texts from priya to each person, queued (ready to send) in one transaction,
 * interleaved across people; returns each phone's texts in the order they must arrive.
 */
export async function queueTexts(pool: pg.Pool, people: SeededPerson[], perPerson: number, now: number): Promise<Map<string, string[]>> {
  const expected = new Map(people.map((person) => [person.phone, [] as string[]]))
  const client = await pool.connect()
  try {
    await client.query('BEGIN')
    for (let m = 0; m < perPerson; m++) {
      for (const [n, person] of people.entries()) {
        const id = `m_${n}_${m}`
        const text = `update ${m} for guest ${n}`
        expected.get(person.phone)!.push(text)
        const { rows } = await client.query<{ seq: number }>(
          `INSERT INTO messages (id, conversation_id, direction, author_id, kind, body, status, created_at, updated_at)
           VALUES ($1, $2, 'out', 'priya', 'text', $3, 'queued', $4, $4) RETURNING seq`,
          [id, person.conversationId, text, now],
        )
        await client.query(`INSERT INTO outbox (message_id, lane, seq, kind, state, due_at) VALUES ($1, $2, $3, 'text', 'ready', $4)`, [
          id,
          person.contactId,
          rows[0].seq,
          now,
        ])
      }
    }
    await client.query('COMMIT')
  } catch (error) {
    await client.query('ROLLBACK')
    throw error
  } finally {
    client.release()
  }
  return expected
}
