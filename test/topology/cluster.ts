import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Manifest, render, root } from '../deploy/chart.ts';

/**
 * The chart, run as processes on this machine: `helm template` with the test's values, then
 * every Deployment's pods as `node apps/server/src/main.ts <args>` with the environment its
 * ConfigMap and Secret references give, and the migration Job likewise. What a cluster
 * provides is replaced by the nearest thing here, and nothing else changes:
 * - a pod's port 3000 on 0.0.0.0 → a free port on 127.0.0.1;
 * - a Service's DNS name (API_URL) → a port of the test's nginx that proxies to the Service's pods;
 * - a volume → a directory (one per claim, shared by the pods that mount it; one per pod for an
 *   emptyDir), and the rest of the container's filesystem (DATA_DIR=/data) → a directory per pod;
 * - the image's ENV (Containerfile) → the same variables, nothing inherited from the test process.
 */
const main = path.join(root, 'apps/server/src/main.ts');

/** The Containerfile's ENV, under the chart's settings. */
const imageEnv = { NODE_ENV: 'production', HOST: '0.0.0.0', PORT: '3000', DATA_DIR: '/data' };

export interface Workload {
  role: string;
  replicas: number;
  args: string[];
  /** As the container sees it: container paths, Service names, port 3000. */
  env: Record<string, string>;
  mounts: Array<{ mountPath: string; claim: string | null }>;
  /** How long the startup probe gives a new pod (failureThreshold × periodSeconds). */
  startupMs: number;
}

export interface Release {
  workloads: Map<string, Workload>;
  migrate: Workload;
  /** The Ingress's paths, in its order, each to a role (its Service's component). */
  routes: Array<{ prefix: string; role: string }>;
  /** Service name → the role whose pods it selects. */
  services: Map<string, string>;
}

interface Container {
  args: string[];
  envFrom?: Array<{ configMapRef: { name: string } }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
  startupProbe?: { failureThreshold: number; periodSeconds: number };
}
interface PodSpec {
  containers: Container[];
  volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string } }>;
}
interface IngressPath {
  path: string;
  pathType: string;
  backend: { service: { name: string } };
}

const component = (m: Manifest) => m.metadata.labels?.['app.kubernetes.io/component'] ?? m.metadata.name;

/** The release as `helm install` would create it, with the test's Secret `eat-or-yeet` (every key the chart names). */
export async function renderRelease(publicUrl: string, secret: Record<string, string>): Promise<Release> {
  const manifests = await render([path.join(import.meta.dirname, 'values-topology.yaml')], [`publicUrl=${publicUrl}`]);
  const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
  const configMaps = new Map(byKind('ConfigMap').map((m) => [m.metadata.name, m.data ?? {}]));

  const workload = (m: Manifest, replicas: number): Workload => {
    const pod: PodSpec = m.spec.template.spec;
    const [container, ...sidecars] = pod.containers;
    if (!container || sidecars.length) throw new Error(`${m.metadata.name}: the test runs pods of exactly one container`);
    const env: Record<string, string> = { ...imageEnv };
    for (const from of container.envFrom ?? []) Object.assign(env, configMaps.get(from.configMapRef.name));
    for (const e of container.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      const value = e.value ?? (ref?.name === 'eat-or-yeet' ? secret[ref.key] : undefined);
      if (value === undefined)
        throw new Error(`${m.metadata.name}: ${e.name} comes from ${JSON.stringify(e.valueFrom)}, not in the test's Secret`);
      env[e.name] = value;
    }
    const claims = new Map((pod.volumes ?? []).map((v) => [v.name, v.persistentVolumeClaim?.claimName ?? null]));
    const mounts = (container.volumeMounts ?? []).map((vm) => ({ mountPath: vm.mountPath, claim: claims.get(vm.name) ?? null }));
    const probe = container.startupProbe;
    const startupMs = probe ? probe.failureThreshold * probe.periodSeconds * 1000 : 60_000;
    return { role: component(m), replicas, args: container.args, env, mounts, startupMs };
  };

  const workloads = new Map(byKind('Deployment').map((d) => [component(d), workload(d, d.spec.replicas)]));
  const job = byKind('Job').find((j) => component(j) === 'migrate');
  if (!job) throw new Error('the chart renders no migration Job');
  const services = new Map(
    byKind('Service').map((s) => [s.metadata.name, String(s.spec.selector['app.kubernetes.io/component'])]),
  );
  const [ingress] = byKind('Ingress');
  if (!ingress) throw new Error('the chart renders no Ingress');
  const paths: IngressPath[] = ingress.spec.rules[0].http.paths;
  const routes = paths.map((p) => {
    if (p.pathType !== 'Prefix') throw new Error(`the Ingress uses pathType ${p.pathType}; the test's nginx knows Prefix only`);
    const role = services.get(p.backend.service.name);
    if (!role) throw new Error(`the Ingress routes ${p.path} to ${p.backend.service.name}, which is not a Service of the chart`);
    return { prefix: p.path, role };
  });
  return { workloads, migrate: workload(job, 1), routes, services };
}

export interface Pod {
  name: string;
  role: string;
  port: number;
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves when the process has exited, with how. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface Placement {
  /** This pod's own directory (its container filesystem and emptyDirs). */
  dir: string;
  /** The directory of each claim, shared by every pod that mounts it. */
  claims: (name: string) => string;
  port: number;
  /** Service name → where the test serves it. */
  services: Map<string, string>;
}

/** Where a path inside the pod's container lives here: in the volume mounted there, else in the pod's own root. */
function hostPath(w: Workload, place: Placement, containerPath: string): string {
  const mount = w.mounts
    .filter((m) => containerPath === m.mountPath || containerPath.startsWith(`${m.mountPath}/`))
    .sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
  if (!mount) return path.join(place.dir, 'root', containerPath);
  const base = mount.claim ? place.claims(mount.claim) : path.join(place.dir, 'volumes', mount.mountPath);
  return path.join(base, containerPath.slice(mount.mountPath.length));
}

/** The environment a pod's process runs with here. */
export function localEnv(w: Workload, place: Placement): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(w.env)) {
    const url = URL.parse(value);
    if (name === 'PORT') env[name] = String(place.port);
    // Every pod has the port to itself in a cluster; here, on one machine, each takes a free one.
    else if (name === 'METRICS_PORT') env[name] = '0';
    else if (name === 'HOST') env[name] = '127.0.0.1';
    else if (value.startsWith('/')) env[name] = hostPath(w, place, value);
    else if (url && /^https?:$/.test(url.protocol) && url.hostname !== '127.0.0.1') {
      const service = place.services.get(url.hostname);
      if (!service) throw new Error(`${w.role}: ${name}=${value} names a host the test does not serve`);
      env[name] = service;
    } else env[name] = value;
  }
  const tmp = hostPath(w, place, '/tmp');
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', TMPDIR: tmp, HOME: tmp, ...env };
}

/** Starts one pod's process; resolves once it is running (not yet ready: see waitReady). */
export async function startPod(name: string, w: Workload, place: Placement): Promise<Pod> {
  const env = localEnv(w, place);
  // Volumes exist before the container starts.
  for (const m of w.mounts) await mkdir(hostPath(w, place, m.mountPath), { recursive: true });
  const child = spawn(process.execPath, [main, ...w.args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer) => {
    output += d;
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { name, role: w.role, port: place.port, url: `http://127.0.0.1:${place.port}`, child, output: () => output, exited };
}

/** As a readiness probe: GET /readyz until it answers 200, within the startup probe's time; fails early if the process exits. */
export async function waitReady(pod: Pod, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (pod.child.exitCode !== null || pod.child.signalCode !== null) {
      throw new Error(`${pod.name} exited (${pod.child.exitCode ?? pod.child.signalCode}):\n${pod.output()}`);
    }
    const status = await fetch(`${pod.url}/readyz`, { signal: AbortSignal.timeout(3_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`${pod.name} was not ready within ${timeoutMs} ms:\n${pod.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs a Job's container to completion, as the hook Job does; its exit code and output. */
export async function runJob(name: string, w: Workload, place: Placement): Promise<{ code: number | null; output: string }> {
  const pod = await startPod(name, w, place);
  const { code } = await pod.exited;
  return { code, output: pod.output() };
}
