export * from './connect.ts';
export * from './embedded.ts';
export * from './migrate.ts';
export * from './schema.ts';
export { sql, type Kysely, type Transaction } from 'kysely';
