// PostgreSQL twin of ../../repositories/retention.ts (being written).
export {}
