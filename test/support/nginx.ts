import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/**
 * Debian's nginx as a test's ingress controller: a child process (never a daemon) with its
 * prefix, configuration, logs, pid and temporary files in one directory of the test's.
 * CI installs it (.ci/run) and sets REQUIRE_NGINX=1, so a missing nginx fails there; on a
 * machine without it the tests that need it are skipped with a note.
 */
const candidates = [process.env.NGINX_PATH, '/usr/sbin/nginx'];
export const nginxPath = candidates.find((p): p is string => Boolean(p && existsSync(p))) ?? null;

if (!nginxPath && process.env.REQUIRE_NGINX) {
  throw new Error('REQUIRE_NGINX is set but no nginx was found (set NGINX_PATH or apt-get install nginx)');
}
if (!nginxPath) console.warn('Topology tests skipped: no nginx found. Install it (apt-get install nginx) or set NGINX_PATH.');

/** Where a path prefix goes: an upstream's name. `/` catches everything else. */
export interface Route {
  prefix: string;
  upstream: string;
}

export interface NginxServer {
  port: number;
  routes: Route[];
}

export interface NginxOptions {
  /** Owned by nginx for the test's duration: nginx.conf, logs, pid, temporary files. */
  dir: string;
  /** Upstream name → the 127.0.0.1 ports of its replicas. */
  upstreams: Record<string, number[]>;
  servers: NginxServer[];
}

/**
 * What a Kubernetes ingress controller (ingress-nginx) makes of an Ingress, reduced to what
 * matters here:
 * - a `Prefix` path matches the path itself and everything below it, never `/apix` for `/api`;
 * - the Host header and X-Forwarded-For/-Proto/-Host reach the pods (the chart sets TRUST_PROXY);
 * - keep-alive HTTP/1.1 connections to the pods, no response buffering;
 * - a request that fails on one replica (connection refused or reset, no answer, 502, 503) is
 *   passed to the next one — but only if it is idempotent. nginx never replays a POST whose
 *   request reached a pod (no `non_idempotent`): CreateRecipe, RateRecipe… are not safe to send
 *   twice. The API's side-effect-free methods (`idempotency_level = NO_SIDE_EFFECTS` in
 *   proto/yeet/v1) accept Connect's GET, which is what makes a read retryable at any proxy.
 * A replica's address stays in its upstream while it is down; nginx skips it after one failure
 * for a second (`max_fails=1 fail_timeout=1s`), as endpoints would drop an unready pod.
 */
export function nginxConfig(o: NginxOptions): string {
  const upstreams = Object.entries(o.upstreams).map(([name, ports]) => {
    const servers = ports.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=1s;`).join('\n');
    return `  upstream ${name} {\n${servers}\n    keepalive 16;\n  }`;
  });
  const tries = Math.max(...Object.values(o.upstreams).map((ports) => ports.length));
  const location = (route: Route) => {
    const pass = `{ proxy_pass http://${route.upstream}; }`;
    if (route.prefix === '/') return `    location / ${pass}`;
    const prefix = route.prefix.replace(/\/$/, '');
    return `    location = ${prefix} ${pass}\n    location ${prefix}/ ${pass}`;
  };
  const servers = o.servers.map((s) => `  server {\n    listen 127.0.0.1:${s.port};\n${s.routes.map(location).join('\n')}\n  }`);
  const dir = o.dir;
  return `# Written by test/support/nginx.ts for one test run.
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;

events {
  worker_connections 1024;
}

http {
  log_format upstreams '$msec $request_method $uri $status $request_time "$upstream_addr" "$upstream_status"';
  access_log ${dir}/access.log upstreams;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;

  # Photos up to IMAGE_MAX_BYTES (15 MB), as values-production-eu.yaml's proxy-body-size.
  client_max_body_size 16m;

  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host $http_host;
  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
  proxy_set_header X-Forwarded-Proto $scheme;
  proxy_set_header X-Forwarded-Host $http_host;
  proxy_buffering off;
  proxy_connect_timeout 2s;
  proxy_read_timeout 30s;
  proxy_next_upstream error timeout http_502 http_503;
  proxy_next_upstream_tries ${tries};
  proxy_next_upstream_timeout 10s;
  # Which replica answered (the last one tried), for the test's own accounting.
  add_header X-Upstream $upstream_addr always;

${upstreams.join('\n')}

${servers.join('\n')}
}
`;
}

export interface RunningNginx {
  /** http://127.0.0.1:<port> of each server, in the order given. */
  urls: string[];
  accessLog(): Promise<string>;
  errorLog(): Promise<string>;
  stop(): Promise<void>;
  /** Synchronous last resort (process exit): tells the master to stop its workers and exit. */
  kill(): void;
}

export async function startNginx(o: NginxOptions): Promise<RunningNginx> {
  if (!nginxPath) throw new Error('no nginx');
  await mkdir(o.dir, { recursive: true });
  // As root, nginx's workers run as nobody and must reach the temporary directories below.
  await chmod(o.dir, 0o755);
  const conf = path.join(o.dir, 'nginx.conf');
  await writeFile(conf, nginxConfig(o));
  const errorLog = path.join(o.dir, 'error.log');
  const child: ChildProcess = spawn(nginxPath, ['-p', `${o.dir}/`, '-c', conf, '-e', errorLog, '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d;
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const read = (file: string) => readFile(path.join(o.dir, file), 'utf8').catch(() => '');
  const running: RunningNginx = {
    urls: o.servers.map((s) => `http://127.0.0.1:${s.port}`),
    accessLog: () => read('access.log'),
    errorLog: () => read('error.log'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // SIGTERM is nginx's fast shutdown: the master stops its workers, then exits.
      child.kill('SIGTERM');
      await exited;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
  const deadline = Date.now() + 10_000;
  for (const server of o.servers) {
    while (!(await accepts(server.port))) {
      if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}): ${output}${await running.errorLog()}`);
      if (Date.now() > deadline) {
        await running.stop();
        throw new Error(`nginx did not listen on ${server.port} within 10 s: ${output}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return running;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
