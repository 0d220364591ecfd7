// PostgreSQL twin of ../../repositories/whatsapp-users.ts (being written).
export {}
