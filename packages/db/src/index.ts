export * from './connect.ts';
export * from './embedded.ts';
export * from './migrate.ts';
export * from './schema.ts';
export { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
export * from './listen.ts';
