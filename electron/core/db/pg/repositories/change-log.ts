// PostgreSQL twin of ../../repositories/change-log.ts (being written).
export {}
