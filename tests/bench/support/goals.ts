/**
 * The goals of issue 21, by figure name: `npm run bench` prints each figure beside its goal and
 * lists the goals it did not measure, so a missing figure is never mistaken for a met one.
 */
export interface Goal {
  op: '<' | '<=' | '>='
  value: number
}

export const GOALS: Record<string, Goal> = {
  conversation_list_paint_ms: { op: '<', value: 100 },
  conversation_list_scroll_frame_ms_p95: { op: '<', value: 16 },
  conversation_list_dom_nodes: { op: '<', value: 400 },
  thread_open_ms: { op: '<', value: 50 },
  thread_dom_nodes_max: { op: '<', value: 300 },
  document_dom_nodes_max: { op: '<', value: 800 },
  search_ms_p95: { op: '<', value: 30 },
  release_latency_ms_p95: { op: '<', value: 20 },
  bulk_release_per_s: { op: '>=', value: 1000 },
  scheduler_block_ms_max: { op: '<', value: 5 },
  webhook_ingest_ratio: { op: '>=', value: 0.8 },
  photo_prepare_ratio: { op: '<=', value: 1.2 },
  event_loop_block_ms_max: { op: '<', value: 50 },
  engine_cold_start_ms: { op: '<', value: 300 },
  export_msgs_per_s: { op: '>=', value: 20_000 },
  // Issue 15: the async storage seam must not slow the SQLite path (the desktop app's) noticeably.
  store_sqlite_overhead_ratio: { op: '<=', value: 1.15 },
}

export function goalText(name: string): string {
  const goal = GOALS[name]
  return goal ? `${goal.op} ${goal.value.toLocaleString('en-US')}` : ''
}

/** 'met', 'MISSED', or '' when the figure has no goal. */
export function goalVerdict(name: string, value: number): string {
  const goal = GOALS[name]
  if (!goal) return ''
  const met = goal.op === '<' ? value < goal.value : goal.op === '<=' ? value <= goal.value : value >= goal.value
  return met ? 'met' : 'MISSED'
}
