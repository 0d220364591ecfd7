// PostgreSQL twin of ../../repositories/webhook-events.ts (being written).
export {}
