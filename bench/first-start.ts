/**
 * The first `npm start` of a fresh clone, as issue 18 measures it: nothing built, no `.data/`,
 * ready = /readyz answers 200 AND a demo recipe is found by search. Then Ctrl-C, and the
 * second start (build current, data kept). Each run clones the commit afresh (node_modules
 * hard-linked from this checkout: `npm ci` is not what is measured) and times each phase
 * from the log. With --baseline, that commit runs too, alternating with HEAD, and the ratio
 * of the medians is printed: figures of one run, side by side, on the same machine state.
 *
 *   node bench/first-start.ts [--runs 3] [--commit HEAD] [--baseline <commit>] [--port 3990]
 *
 * Only committed work is measured (--commit, HEAD by default, and the baseline); a run takes
 * ~20–60 s.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    commit: { type: 'string', default: 'HEAD' },
    baseline: { type: 'string' },
    port: { type: 'string', default: '3990' },
  },
});
const runs = Number(values.runs);
const port = Number(values.port);
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const variants = [
  { label: 'measured', commit: git('rev-parse', values.commit) },
  ...(values.baseline ? [{ label: 'baseline', commit: git('rev-parse', values.baseline) }] : []),
];

/** When each phase ended, in seconds from `npm start`, read from the log lines' arrival. */
const phases = {
  build: /web app: (built|the build in)/,
  postgres: /"embedded PostgreSQL is running"/,
  migrated: /"applied database migrations"/,
  seeded: /"seeded demo data"/,
  listening: /"Eat or Yeet is ready"/,
};
type Phase = keyof typeof phases;

interface Start {
  ready: number;
  phases: Partial<Record<Phase, number>>;
  exit: string;
  stopMs: number;
  /** CPU seconds (user + system) of every process of the start, from npm to PostgreSQL. */
  cpu: number;
}

/** A clone of `commit` with this checkout's node_modules hard-linked in: what a fresh clone has after `npm ci`. */
function freshClone(commit: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yeet-first-start-'));
  execFileSync('git', ['clone', '-q', '--no-checkout', root, dir]);
  execFileSync('git', ['checkout', '-q', commit], { cwd: dir });
  const trees = [
    'node_modules',
    ...['apps', 'packages'].flatMap((d) => readdirSync(path.join(root, d)).map((p) => `${d}/${p}/node_modules`)),
  ];
  for (const tree of trees.filter((t) => existsSync(path.join(root, t)))) {
    execFileSync('cp', ['-al', path.join(root, tree), path.join(dir, tree)]);
  }
  rmSync(path.join(dir, 'node_modules/.vite'), { recursive: true, force: true });
  return dir;
}

async function start(dir: string): Promise<Start> {
  const began = performance.now();
  const at = () => (performance.now() - began) / 1000;
  // GNU time reports the CPU of the whole tree once it has exited (each process reaps its
  // children: npm, the server, PostgreSQL, the build): the work done, whatever the load.
  const child = spawn('/usr/bin/time', ['-f', 'cpu-seconds %U %S', 'npm', 'start'], {
    cwd: dir,
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'info' },
    // its own process group, as a terminal's foreground job: Ctrl-C goes to all of it
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const seen: Partial<Record<Phase, number>> = {};
  let cpu = Number.NaN;
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const times = /cpu-seconds ([\d.]+) ([\d.]+)/.exec(chunk);
      if (times) cpu = Number(times[1]) + Number(times[2]);
      for (const [phase, pattern] of Object.entries(phases) as [Phase, RegExp][]) {
        if (seen[phase] === undefined && pattern.test(chunk)) seen[phase] = at();
      }
    });
  }
  let exited: string | null = null;
  child.once('close', (code, signal) => (exited = `${code ?? signal}`));
  const url = `http://127.0.0.1:${port}`;
  let ready = Number.NaN;
  while (exited === null && at() < 300) {
    const ok = await fetch(`${url}/readyz`)
      .then(async (r) => {
        if (r.status !== 200) return false;
        const found = await fetch(`${url}/api/yeet.v1.SearchService/SearchRecipes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"query":"cacio"}',
        });
        return found.status === 200 && (await found.text()).includes('cacio-e-pepe');
      })
      .catch(() => false);
    if (ok) {
      ready = at();
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stopping = performance.now();
  if (child.pid !== undefined && exited === null) process.kill(-child.pid, 'SIGINT');
  while (exited === null) await new Promise((r) => setTimeout(r, 20));
  return { ready, phases: seen, exit: exited, stopMs: Math.round(performance.now() - stopping), cpu };
}

const median = (xs: number[]) => {
  const s = xs.toSorted((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] ?? Number.NaN) : ((s[s.length / 2 - 1] ?? 0) + (s[s.length / 2] ?? 0)) / 2;
};
const s = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '   –  ' : x.toFixed(1).padStart(6));

const results = new Map<string, { first: Start[]; second: Start[] }>(variants.map((v) => [v.label, { first: [], second: [] }]));
console.log(`first start of a fresh clone, ${runs} run(s) each, ${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}`);
console.log(`variant    run  ready | build  pg    migr  seeded listen |  cpu s | 2nd ready | exit stop-ms`);
for (let run = 1; run <= runs; run++) {
  for (const variant of variants) {
    const dir = freshClone(variant.commit);
    try {
      const first = await start(dir);
      const second = await start(dir);
      results.get(variant.label)?.first.push(first);
      results.get(variant.label)?.second.push(second);
      const p = first.phases;
      console.log(
        `${variant.label.padEnd(9)} ${String(run).padStart(4)} ${s(first.ready)} |${s(p.build)}${s(p.postgres)}${s(p.migrated)}${s(p.seeded)}${s(p.listening)} | ${s(first.cpu)} | ${s(second.ready)}    | ${first.exit}/${second.exit} ${first.stopMs}/${second.stopMs}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
const summary = variants.map((v) => {
  const r = results.get(v.label) ?? { first: [], second: [] };
  return {
    ...v,
    first: median(r.first.map((x) => x.ready)),
    cpu: median(r.first.map((x) => x.cpu)),
    second: median(r.second.map((x) => x.ready)),
  };
});
for (const v of summary) {
  console.log(
    `${v.label} ${v.commit.slice(0, 8)}: first start median ${v.first.toFixed(1)} s (${v.cpu.toFixed(1)} CPU s), second ${v.second.toFixed(1)} s`,
  );
}
const [head, baseline] = summary;
if (head && baseline) {
  console.log(
    `ratio measured / baseline: first ${(head.first / baseline.first).toFixed(2)}, its CPU ${(head.cpu / baseline.cpu).toFixed(2)}, second ${(head.second / baseline.second).toFixed(2)}`,
  );
}
