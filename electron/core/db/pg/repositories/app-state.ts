// PostgreSQL twin of ../../repositories/app-state.ts (being written).
export {}
