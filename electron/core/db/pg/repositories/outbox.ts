// PostgreSQL twin of ../../repositories/outbox.ts (being written).
export {}
