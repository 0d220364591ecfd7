/** A contact as typed or imported, before validation and phone normalization. */
export interface ContactDraft {
  name: string
  phone?: string
  company?: string
  email?: string
  /** A language code as typed (`pt-BR`, `pt_BR`, `es`); normalized when validated. */
  language?: string
}
