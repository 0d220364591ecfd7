import { describe, expect, it } from 'vitest'
import { shouldApplyStatus, type ProviderStatus } from '../../../electron/core/whatsapp/status-order'

describe('status order', () => {
  it('moves forward through sent, delivered, read and played', () => {
    expect(shouldApplyStatus('sending', 'sent')).toBe(true)
    expect(shouldApplyStatus('sent', 'delivered')).toBe(true)
    expect(shouldApplyStatus('delivered', 'read')).toBe(true)
    expect(shouldApplyStatus('read', 'played')).toBe(true)
  })

  it('never shows blue ticks going grey again when webhooks arrive out of order', () => {
    expect(shouldApplyStatus('read', 'delivered')).toBe(false)
    expect(shouldApplyStatus('read', 'sent')).toBe(false)
    expect(shouldApplyStatus('delivered', 'sent')).toBe(false)
    expect(shouldApplyStatus('played', 'read')).toBe(false)
  })

  it('ignores a duplicate of the current status', () => {
    for (const status of ['sent', 'delivered', 'read', 'played'] as const) expect(shouldApplyStatus(status, status)).toBe(false)
    expect(shouldApplyStatus('failed', 'failed')).toBe(false)
  })

  it('accepts read without delivered (WhatsApp skips delivered for a message read at once)', () => {
    expect(shouldApplyStatus('sent', 'read')).toBe(true)
  })

  it('reconciles a send whose response was lost: a held, queued or sending message takes any status', () => {
    for (const current of ['held', 'queued', 'sending'] as const) {
      for (const incoming of ['sent', 'delivered', 'read', 'failed'] as const) expect(shouldApplyStatus(current, incoming)).toBe(true)
    }
  })

  it('marks failed only before delivery', () => {
    expect(shouldApplyStatus('sent', 'failed')).toBe(true)
    expect(shouldApplyStatus('delivered', 'failed')).toBe(false)
    expect(shouldApplyStatus('read', 'failed')).toBe(false)
    expect(shouldApplyStatus('played', 'failed')).toBe(false)
  })

  it('lets proof of arrival replace failed, but not a late sent', () => {
    expect(shouldApplyStatus('failed', 'delivered')).toBe(true)
    expect(shouldApplyStatus('failed', 'read')).toBe(true)
    expect(shouldApplyStatus('failed', 'sent')).toBe(false)
  })

  it('shows that a cancelled message went out anyway, but never marks it failed', () => {
    expect(shouldApplyStatus('cancelled', 'sent')).toBe(true)
    expect(shouldApplyStatus('cancelled', 'delivered')).toBe(true)
    expect(shouldApplyStatus('cancelled', 'failed')).toBe(false)
  })

  it('never changes an inbound message', () => {
    for (const incoming of ['sent', 'delivered', 'read', 'failed', 'played'] as ProviderStatus[]) {
      expect(shouldApplyStatus('received', incoming)).toBe(false)
    }
  })
})
