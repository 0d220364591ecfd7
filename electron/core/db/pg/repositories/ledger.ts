// PostgreSQL twin of ../../repositories/ledger.ts (being written).
export {}
