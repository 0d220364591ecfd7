export interface Segment {
  text: string
  mark: boolean
}

/**
 * Splits a snippet into plain segments around the matched ranges, for rendering as text with
 * <mark> elements: the message text is never interpreted as HTML.
 */
export function highlightSegments(text: string, ranges: ReadonlyArray<readonly [number, number]>): Segment[] {
  const sorted = [...ranges]
    .map(([start, end]) => [Math.max(0, Math.min(start, text.length)), Math.max(0, Math.min(end, text.length))] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0])
  const segments: Segment[] = []
  let at = 0
  for (const [start, end] of sorted) {
    if (end <= at) continue
    const from = Math.max(start, at)
    if (from > at) segments.push({ text: text.slice(at, from), mark: false })
    segments.push({ text: text.slice(from, end), mark: true })
    at = end
  }
  if (at < text.length) segments.push({ text: text.slice(at), mark: false })
  return segments
}
