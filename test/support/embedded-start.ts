/** Starts and stops an ephemeral embedded PostgreSQL in the data directory given: run as another user by tests. */
import { startEmbeddedPostgres } from '@yeet/db';

const server = await startEmbeddedPostgres({ dataDir: process.argv[2]!, ephemeral: true });
const { default: pg } = await import('pg');
const client = new pg.Client({ connectionString: server.url });
await client.connect();
const { rows } = await client.query<{ user: string }>('select current_user as user');
await client.end();
await server.stop();
console.log(`started as ${process.getuid?.()}, connected as ${rows[0]!.user}`);
