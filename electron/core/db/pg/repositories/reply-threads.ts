// PostgreSQL twin of ../../repositories/reply-threads.ts (being written).
export {}
