// PostgreSQL twin of ../../repositories/org-users.ts (being written).
export {}
