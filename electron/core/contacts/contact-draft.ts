/** A contact as typed or imported, before validation and phone normalization. */
export interface ContactDraft {
  name: string
  phone?: string
  company?: string
  email?: string
}
