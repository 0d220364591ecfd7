// PostgreSQL twin of ../../repositories/solo-import.ts (being written).
export {}
