import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, startEmbeddedPostgres } from '@yeet/db';
import pg from 'pg';
import { nginxPath, type RunningNginx, startNginx } from '../../test/support/nginx.ts';
import type { LoadRequest } from './drivers.ts';
import type { Hold } from './faults.ts';
import { type Cast, cast, catalogue, drafts, recipeDraft, rpc } from './fixtures.ts';
import { type PlatformProcess, startProcess } from './platform.ts';
import { probe, statusMix } from './probe.ts';

/**
 * The faults that need roles in separate processes, as the chart runs them (see
 * test/topology): on a PostgreSQL cluster of the suite's own (embedded, under
 * <dataDir>/topology), two `--role api` replicas behind Debian's nginx (test/support/nginx.ts:
 * reads that fail on one replica are passed to the other, writes never are) and one
 * `--role worker`.
 */
export interface Topology {
  url: string;
  db: pg.Pool;
  api: PlatformProcess[];
  worker: PlatformProcess;
  /** Two authors and an editor, signed in through nginx. */
  people: Cast;
  startWorker(): Promise<PlatformProcess>;
  stop(): Promise<void>;
}

const sessionSecret = 'load-suite-topology-session-secret-0123456789';

export async function startTopology(dataDir: string, log: (m: string) => void): Promise<Topology> {
  if (!nginxPath) throw new Error('the api-kill and worker-kill faults need nginx (apt-get install nginx, or NGINX_PATH)');
  const base = path.join(dataDir, 'topology');
  await mkdir(base, { recursive: true });
  const database = await startEmbeddedPostgres({ dataDir: path.join(base, 'db'), port: 0 });
  const ingressPort = await freePort();
  const url = `http://127.0.0.1:${ingressPort}`;
  const env = (name: string): Record<string, string> => ({
    DATABASE_URL: database.url,
    PUBLIC_URL: url,
    SESSION_SECRET: sessionSecret,
    TRUST_PROXY: 'true',
    DATA_DIR: path.join(base, name),
    IMAGE_DIR: path.join(base, 'images'),
    MCP_RATE_LIMIT: '100000',
    RATE_LIMIT_PERSON: '1000000',
  });
  const started: PlatformProcess[] = [];
  let nginx: RunningNginx | undefined;
  try {
    // The first replica migrates and seeds; the others start on a migrated database.
    const api1 = await startProcess('api', { ...env('api-1'), SEED_DEMO: 'always' });
    started.push(api1);
    const api2 = await startProcess('api', { ...env('api-2'), SEED_DEMO: 'never' });
    started.push(api2);
    const startWorker = async () => {
      const w = await startProcess('worker', { ...env('worker'), WORKER_CONCURRENCY: '2' });
      started.push(w);
      return w;
    };
    const worker = await startWorker();
    nginx = await startNginx({
      dir: path.join(base, 'nginx'),
      upstreams: { api: [api1.port, api2.port] },
      servers: [{ port: ingressPort, routes: [{ prefix: '/', upstream: 'api' }] }],
    });
    log(`topology: nginx ${url} → api ${api1.port}, ${api2.port}; worker ${worker.port}`);
    const db = new pg.Pool({ connectionString: database.url, max: 4 });
    const people = await cast({
      baseUrl: url,
      sessionSecret,
      authors: 2,
      editors: 1,
      readers: 0,
      assistants: 0,
      ledger: path.join(base, 'accounts.json'),
    });
    return {
      url,
      db,
      people,
      api: [api1, api2],
      worker,
      startWorker,
      async stop() {
        await db.end();
        await nginx?.stop();
        for (const p of started) await p.stop();
        await database.stop();
      },
    };
  } catch (e) {
    await nginx?.stop();
    for (const p of started) await p.stop();
    await database.stop();
    throw e;
  }
}

const ms = (n: number) => `${Math.round(n)} ms`;

/**
 * An api replica killed (SIGKILL) under reads and writes through nginx. Must hold: every read
 * is answered (nginx passes a cut-off GET to the other replica); a write cut off by the kill is
 * safe to send again with its Idempotency-Key — the retry succeeds and there is exactly one
 * recipe; writes sent a second after the kill are all served.
 */
export async function apiKill(t: Topology, log: (m: string) => void): Promise<Hold[]> {
  const fault = 'api-kill';
  const { people } = t;
  const slugs = await catalogue(t.url, 30);
  const read = (i: number): LoadRequest => ({
    method: 'GET',
    // Connect's GET for a side-effect-free method: what lets a proxy retry it.
    path: `/api/yeet.v1.RecipeService/GetRecipe?connect=v1&encoding=json&message=${encodeURIComponent(JSON.stringify({ slug: slugs[i % slugs.length] }))}`,
    headers: { 'x-forwarded-for': `10.7.${(i >> 8) & 255}.${i & 255}` },
  });
  const run = randomUUID().slice(0, 8);
  const write = (i: number): LoadRequest => {
    const author = people.authors[i % people.authors.length]!;
    return {
      method: 'POST',
      path: '/api/yeet.v1.RecipeService/CreateRecipe',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${author.tokens.access_token}`,
        'idempotency-key': randomUUID(),
      },
      body: JSON.stringify({ recipe: recipeDraft(`Kill ${run} ${i}`) }),
    };
  };
  const stop = new AbortController();
  const reading = probe(t.url, read, { concurrency: 6, timeoutMs: 15_000, stop: stop.signal });
  const writing = probe(t.url, write, { concurrency: 2, timeoutMs: 15_000, stop: stop.signal });
  await sleep(2_000);
  const victim = t.api[0]!;
  const killed = performance.now();
  victim.child.kill('SIGKILL');
  log(`killed api replica on port ${victim.port}`);
  await sleep(5_000);
  stop.abort();
  const [reads, writes] = await Promise.all([reading, writing]);
  const failedWrites = writes.filter((s) => s.status !== 200);
  // Each cut-off write sent again, as a client would, with the same key, until it is served:
  // 409 (aborted) says the first attempt's claim on the key is still held — a replica killed
  // mid-request never releases it, and claims are taken over once a minute old.
  const seen = new Map<number, number>();
  const retries = await Promise.all(
    failedWrites.map(async (s) => {
      const deadline = performance.now() + 80_000;
      let status = 0;
      while (performance.now() < deadline) {
        status = await fetch(new URL(s.request.path, t.url), {
          method: 'POST',
          headers: s.request.headers,
          body: s.request.body,
        }).then(
          (r) => r.status,
          () => 0,
        );
        seen.set(status, (seen.get(status) ?? 0) + 1);
        if (status === 200) break;
        await sleep(2_000);
      }
      return { status, ms: performance.now() - (deadline - 80_000) };
    }),
  );
  const answered = [...seen].map(([k, n]) => `${k}×${n}`).join(', ') || 'none';
  const slowestRetry = Math.max(0, ...retries.map((r) => r.ms));
  const titles = writes.map((s) => JSON.parse(s.request.body!).recipe.title as string);
  const counts = await t.db.query<{ title: string; n: number }>(
    'select title, count(*)::int as n from recipes where title = any($1::text[]) group by title',
    [titles],
  );
  const twice = counts.rows.filter((r) => r.n > 1).length;
  const missing = titles.length - counts.rows.length;
  const lateWrites = writes.filter((s) => s.start > killed + 1_000);
  return [
    {
      fault,
      what: 'every read is answered 200 (nginx retries a cut-off GET on the survivor)',
      measured: `${statusMix(reads)}`,
      ok: reads.length > 0 && reads.every((s) => s.status === 200),
    },
    {
      fault,
      what: 'writes cut off by the kill: retried with the same Idempotency-Key, each is served (within 80 s)',
      measured: `${failedWrites.length} cut off (${statusMix(failedWrites)}); retries answered ${answered}; all served after ${ms(slowestRetry)}`,
      ok: retries.every((r) => r.status === 200),
    },
    {
      fault,
      what: 'exactly one recipe per write (none twice, none lost)',
      measured: `${titles.length} writes: ${twice} twice, ${missing} missing`,
      ok: twice === 0 && missing === 0,
    },
    {
      fault,
      what: 'writes sent > 1 s after the kill are all served',
      measured: statusMix(lateWrites),
      ok: lateWrites.length > 0 && lateWrites.every((s) => s.status === 200),
    },
  ];
}

/**
 * The worker killed (SIGKILL) in the middle of index jobs, while editors approve recipes.
 * The jobs are caught mid-way by holding the search table locked (as test/api/worker-crash
 * does), so that the kill lands inside them. graphile-worker frees a dead worker's locks after
 * four hours; the suite does now what that sweep does then. Must hold: the interrupted jobs
 * run again and finish on a new worker, and the index then agrees with the published recipes.
 */
export async function workerKill(t: Topology, log: (m: string) => void): Promise<Hold[]> {
  const fault = 'worker-kill';
  const { people } = t;
  const ids = await drafts(t.url, people.authors, 20, 'worker');
  for (const [k, id] of ids.entries()) {
    await rpc(t.url, 'RecipeService/SubmitRecipe', { id }, people.authors[k % people.authors.length]!.tokens.access_token, {
      'idempotency-key': randomUUID(),
    });
  }
  const locker = await t.db.connect();
  const approvals: number[] = [];
  /** The jobs the worker was inside when it was killed (by id: a job's key may be null). */
  let lockedIds: string[] = [];
  let lockedBy: string[] = [];
  try {
    await locker.query('begin');
    await locker.query('lock table search_documents in exclusive mode');
    const editor = people.editors[0]!;
    for (const id of ids) {
      const res = await fetch(`${t.url}/api/yeet.v1.RecipeService/ApproveRecipe`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${editor.tokens.access_token}`,
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({ id }),
      });
      approvals.push(res.status);
    }
    // Wait for the worker to be inside index jobs (locked, blocked on the table).
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      const locked = await t.db.query<{ id: string; locked_by: string }>(
        `select id::text, locked_by from graphile_worker.jobs where locked_at is not null and task_identifier = 'search.index'`,
      );
      if (locked.rows.length) {
        lockedIds = locked.rows.map((r) => r.id);
        lockedBy = [...new Set(locked.rows.map((r) => r.locked_by))];
        break;
      }
      await sleep(50);
    }
    t.worker.child.kill('SIGKILL');
    await t.worker.exited;
    log(`killed the worker inside ${lockedIds.length} index jobs`);
  } finally {
    await locker.query('rollback');
    locker.release();
  }
  if (!lockedIds.length)
    return [{ fault, what: 'the worker is caught mid-job', measured: 'no index job was running within 15 s', ok: false }];
  // What graphile-worker's stale-lock sweep does after four hours, now.
  await t.db.query(
    'update graphile_worker._private_jobs set locked_at = null, locked_by = null, run_at = greatest(run_at, now()) where locked_by = any($1::text[])',
    [lockedBy],
  );
  t.worker = await t.startWorker();
  const started = performance.now();
  let left = Number.POSITIVE_INFINITY;
  while (performance.now() - started < 30_000) {
    left = (
      await t.db.query<{ n: number }>(
        // Runnable ones: a job that used up its attempts stays in the table but never runs again.
        `select count(*)::int as n from graphile_worker.jobs where task_identifier = 'search.index' and attempts < max_attempts`,
      )
    ).rows[0]!.n;
    if (left === 0) break;
    await sleep(100);
  }
  // Finished jobs leave the table. One that stays with its attempts used up, no error and no
  // key was superseded: graphile-worker does that to a locked job when the same key is queued
  // again (here: the recipe changed while it was being indexed), and runs the new job instead.
  const interrupted = (
    await t.db.query<{ unfinished: number; superseded: number }>(
      `select count(*) filter (where attempts < max_attempts or last_error is not null)::int as unfinished,
              count(*) filter (where attempts >= max_attempts and last_error is null and key is null)::int as superseded
         from graphile_worker.jobs where id = any($1::bigint[])`,
      [lockedIds],
    )
  ).rows[0]!;
  const consistency = (
    await t.db.query<{ missing: number; stale: number }>(`
      select
        (select count(*)::int from recipes r where r.status = 'published'
           and not exists (select 1 from search_documents d where d.recipe_id = r.id and d.title = r.title)) as missing,
        (select count(*)::int from search_documents d
           where not exists (select 1 from recipes r where r.id = d.recipe_id and r.status = 'published')) as stale`)
  ).rows[0]!;
  return [
    {
      fault,
      what: 'approvals during the fault are served',
      measured: `${approvals.filter((s) => s === 200).length}/${approvals.length} 200`,
      ok: approvals.every((s) => s === 200),
    },
    {
      fault,
      what: 'the interrupted jobs run again and finish on a new worker (within 30 s)',
      measured:
        `${lockedIds.length} interrupted: ${interrupted.unfinished} unfinished, ${interrupted.superseded} superseded by a newer job; ` +
        `runnable index jobs ${left === 0 ? `none after ${ms(performance.now() - started)}` : `${left} left`}`,
      ok: left === 0 && interrupted.unfinished === 0,
    },
    {
      fault,
      what: 'the index agrees with the published recipes',
      measured: `${consistency.missing} published not indexed, ${consistency.stale} indexed not published`,
      ok: consistency.missing === 0 && consistency.stale === 0,
    },
  ];
}
