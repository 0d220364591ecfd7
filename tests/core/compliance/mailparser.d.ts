// mailparser ships no types; only what the compliance tests use.
declare module 'mailparser' {
  export interface EmailAddress {
    address?: string
    name: string
  }
  export interface AddressObject {
    value: EmailAddress[]
    text: string
  }
  export interface ParsedMail {
    subject?: string
    from?: AddressObject
    to?: AddressObject | AddressObject[]
    cc?: AddressObject | AddressObject[]
    date?: Date
    messageId?: string
    text?: string
    headers: Map<string, unknown>
  }
  export function simpleParser(source: string | Buffer | NodeJS.ReadableStream, options?: Record<string, unknown>): Promise<ParsedMail>
}
