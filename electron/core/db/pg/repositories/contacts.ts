// PostgreSQL twin of ../../repositories/contacts.ts (being written).
export {}
