// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import SmsSegmentCounter from '../../src/components/composer/SmsSegmentCounter.vue'

describe('SMS composer counter @sms', () => {
  it('shows parts and GSM-7 for plain text, nothing for an empty draft', async () => {
    const wrapper = mount(SmsSegmentCounter, { props: { text: '' } })
    expect(wrapper.find('[data-testid="sms-segments"]').exists()).toBe(false)
    await wrapper.setProps({ text: 'a'.repeat(161) })
    expect(wrapper.get('[data-testid="sms-segments-summary"]').text()).toBe('2 SMS parts · GSM-7 · 145 left in this part')
    expect(wrapper.find('[data-testid="sms-segments-unicode"]').exists()).toBe(false)
  })

  it('names the characters that force UCS-2', () => {
    const wrapper = mount(SmsSegmentCounter, { props: { text: 'See you soon 😊' } })
    expect(wrapper.get('[data-testid="sms-segments-summary"]').text()).toBe('1 SMS · UCS-2 · 55 left in this part')
    expect(wrapper.get('[data-testid="sms-segments-unicode"]').text()).toContain('😊')
  })
})
