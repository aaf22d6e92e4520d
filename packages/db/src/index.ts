export * from './connect.ts';
export * from './embedded.ts';
export * from './migrate.ts';
export * from './schema.ts';
export { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
export { jsonArrayFrom } from 'kysely/helpers/postgres';
export * from './listen.ts';
