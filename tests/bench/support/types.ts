export interface Figure {
  name: string
  value: number
  unit: string
  /** Repeated runs (throughput) or measured samples (latency) behind the value. */
  runs: number
  /** Shown in the table's baseline column, e.g. { value: 0.42, of: 'sqlite_insert_rows_per_s' }. */
  ratio?: { value: number; of: string }
  /** How it was measured, printed under the table and saved in bench-results.json `notes`. */
  note?: string
}

export interface Missing {
  name: string
  missing: string
}

export type Outcome = Figure | Missing

export interface BigDb {
  dataDir: string
  messages: number
  conversations: number
  conversationIds: string[]
  words: string[]
}

export interface BenchContext {
  quick: boolean
  /** A fresh, empty directory for this scenario; removed when the scenario ends. */
  freshDir(label: string): string
  /** The shared 1,000,000-message database (100,000 with --quick), built once per run. */
  bigDb(): Promise<BigDb>
  /** A figure measured earlier in this run (for ratios). */
  figure(name: string): Figure | undefined
  log(line: string): void
}

export interface Scenario {
  id: string
  figures: readonly string[]
  /** Figures this scenario's ratios need; their scenarios run first even with --only. */
  needs?: readonly string[]
  run(ctx: BenchContext): Promise<Outcome[]>
}

export const isMissing = (o: Outcome): o is Missing => 'missing' in o
