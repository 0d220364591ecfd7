// PostgreSQL twin of ../../repositories/sms-consent.ts (being written).
export {}
