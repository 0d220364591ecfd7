// PostgreSQL twin of ../../repositories/messages.ts (being written).
export {}
