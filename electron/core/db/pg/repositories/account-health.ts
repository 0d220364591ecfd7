// PostgreSQL twin of ../../repositories/account-health.ts (being written).
export {}
