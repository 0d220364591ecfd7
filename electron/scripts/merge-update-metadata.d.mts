// Types for merge-update-metadata.mjs.
export function mergeMetadata(documents: Array<{ files?: Array<{ url: string }>; [key: string]: unknown }>): {
  files: Array<{ url: string }>
  [key: string]: unknown
}
