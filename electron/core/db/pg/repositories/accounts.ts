// PostgreSQL twin of ../../repositories/accounts.ts (being written).
export {}
