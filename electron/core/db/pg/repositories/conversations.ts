// PostgreSQL twin of ../../repositories/conversations.ts (being written).
export {}
