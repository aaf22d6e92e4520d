/**
 * MCP benchmark, one run, side by side: what the MCP layer adds over calling the API
 * directly. The same search and the same recipe, asked for as
 *  - an MCP tool call (POST /mcp, `tools/call`, JSON response), and
 *  - the RPC the tool makes (POST /api/yeet.v1.…, Connect JSON),
 * first one at a time (latency), then under load (throughput). Both hit the same warm
 * search cache, so the difference is the MCP layer: JSON-RPC, argument checks, a fresh
 * stateless server per request, the in-process RPC, and the text rendering.
 *
 *   npm run bench:mcp [-- --seconds 5 --calls 300]
 *
 * Uses DATABASE_URL when set (a database it may fill), else an embedded PostgreSQL kept
 * under .data/bench.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { freePort } from '@yeet/db';
import { createLogger, loadConfig } from '@yeet/platform';
import { startPlatform } from '../apps/server/src/platform.ts';
import { benchDatabase } from './database.ts';
import { percentiles, table } from './stats.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    calls: { type: 'string', default: '300' },
  },
});
const seconds = Number(args.seconds);
const connections = Number(args.connections);
const calls = Number(args.calls);

const database = await benchDatabase('yeet_bench_mcp');

const port = await freePort();
const platform = await startPlatform(
  loadConfig({
    ROLE: 'api',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: database.url,
    SEED_DEMO: database.fresh ? 'always' : 'never',
    MCP_RATE_LIMIT: '100000',
    LOG_LEVEL: 'error',
  }),
  createLogger({ level: 'error' }),
);

interface Request {
  url: string;
  body: string;
  headers: Record<string, string>;
}
const mcp = (tool: string, args: Record<string, unknown>): Request => ({
  url: `${platform.url}/mcp`,
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: tool, arguments: args } }),
  headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
});
const rpc = (method: string, message: Record<string, unknown>): Request => ({
  url: `${platform.url}/api/yeet.v1.${method}`,
  body: JSON.stringify(message),
  headers: { 'content-type': 'application/json' },
});
const cases: Array<{ name: string; ours: Request; theirs: Request }> = [
  {
    name: 'search "chicken", 10 hits + facets',
    ours: mcp('search_recipes', { query: 'chicken', limit: 10 }),
    theirs: rpc('SearchService/SearchRecipes', { query: 'chicken', pageSize: 10 }),
  },
  {
    name: 'one recipe by slug',
    ours: mcp('get_recipe', { recipe: 'cacio-e-pepe' }),
    theirs: rpc('RecipeService/GetRecipe', { slug: 'cacio-e-pepe' }),
  },
];

const send = async (r: Request) => {
  const res = await fetch(r.url, { method: 'POST', body: r.body, headers: r.headers });
  const text = await res.text();
  if (res.status !== 200 || text.includes('"isError":true')) throw new Error(`${r.url}: ${res.status} ${text.slice(0, 300)}`);
};
const latency = async (r: Request) => {
  for (let i = 0; i < 30; i++) await send(r); // warm up (JIT, pools, caches)
  const samples: number[] = [];
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await send(r);
    samples.push(performance.now() - start);
  }
  return percentiles(samples);
};
const throughput = async (r: Request) => {
  const options = { url: r.url, method: 'POST' as const, body: r.body, headers: r.headers, connections, workers: 1 };
  await autocannon({ ...options, duration: 1 });
  const result = await autocannon({ ...options, duration: seconds });
  if (result.non2xx) throw new Error(`${r.url}: ${result.non2xx} non-2xx answers`);
  return result.requests.average;
};

const rows: Array<Array<string | number>> = [];
for (const c of cases) {
  const ours = await latency(c.ours);
  const theirs = await latency(c.theirs);
  const oursRps = await throughput(c.ours);
  const theirsRps = await throughput(c.theirs);
  rows.push(
    [`${c.name}: MCP tool call`, ours.p50, ours.p95, oursRps],
    [`${c.name}: the RPC alone`, theirs.p50, theirs.p95, theirsRps],
    [`${c.name}: ratio MCP / RPC`, ours.p50 / theirs.p50, ours.p95 / theirs.p95, oursRps / theirsRps],
  );
}
console.log(`\nMCP benchmark — ${calls} sequential calls per side, then ${connections} connections for ${seconds} s per side`);
console.log(table(['call', 'p50 ms', 'p95 ms', 'req/s'], rows));

await platform.stop();
await database.stop();
