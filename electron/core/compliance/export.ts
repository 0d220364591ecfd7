import { ApiFailure } from '../../shared/api/result'
import type { EngineContext } from '../context'
import type { MediaStore } from '../media/media-store'

export interface ExportRequest {
  userId?: string
  contactId?: string
  conversationId?: string
  from?: number
  to?: number
  outDir: string
}

/** Archive export (compliance). Not built yet. */
export async function runExport(_ctx: EngineContext, _media: MediaStore, _request: ExportRequest): Promise<{ outDir: string; messages: number; conversations: number }> {
  throw new ApiFailure('unavailable', 'Archive export is not available yet')
}
