import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DescService } from '@bufbuild/protobuf';
import * as contract from '@yeet/contract';
import { v1, v1alpha } from '@yeet/contract/reflection';
import { parse } from 'yaml';
import { byKind, chartDir, find, helm, type Manifest, render, root, schemaErrors, valueArgs, workloads } from './chart.ts';

/**
 * The chart as each environment renders it (the layers of values files an Argo CD Application
 * names), validated against the Kubernetes and CRD schemas and held to the deployment policy.
 */
const installation = path.join(import.meta.dirname, 'values-installation.yaml');
const allFeatures = path.join(import.meta.dirname, 'values-all-features.yaml');
const layers: Record<string, string[]> = {
  base: [installation],
  'base+production': ['values-production.yaml', installation],
  'base+production+eu': ['values-production.yaml', 'values-production-eu.yaml'],
  local: ['values-local.yaml'],
  'every option (rollouts, CloudNativePG, monitoring, KEDA, network policies)': [
    'values-production.yaml',
    'values-production-eu.yaml',
    allFeatures,
  ],
};
const roles = ['web', 'api', 'worker', 'img'];
const credentials = [
  'DATABASE_URL',
  'PGPASSWORD',
  'SESSION_SECRET',
  'IMGPROXY_KEY',
  'IMGPROXY_SALT',
  'OIDC_CLIENT_SECRET',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
];

const rendered: Record<string, Manifest[]> = {};
beforeAll(async () => {
  await Promise.all(Object.entries(layers).map(async ([name, files]) => (rendered[name] = await render(files))));
});

describe.each(Object.keys(layers))('%s', (name) => {
  const manifests = () => rendered[name]!;

  it('passes helm lint --strict', async () => {
    const output = await helm(['lint', '--strict', chartDir, ...valueArgs(layers[name]!)]);
    expect(output).toContain('0 chart(s) failed');
  });

  it('validates against the Kubernetes and CRD schemas', async () => {
    expect(await schemaErrors(manifests())).toEqual([]);
  });

  it('runs each role once, from the same pinned image, as `start --role <role>`', () => {
    const pods = workloads(manifests()).filter((w) => w.manifest.kind !== 'Job');
    expect(pods.map((w) => w.pod.metadata?.labels?.['app.kubernetes.io/component']).sort()).toEqual([...roles].sort());
    const images = new Set(workloads(manifests()).flatMap((w) => w.pod.spec.containers.map((c: { image: string }) => c.image)));
    expect(images.size).toBe(1);
    const [image] = [...images] as [string];
    expect(image).toMatch(/(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/);
    expect(image).not.toMatch(/:latest$/);
    for (const { pod } of pods) {
      expect(pod.spec.containers[0].args).toEqual(['start', '--role', pod.metadata!.labels!['app.kubernetes.io/component']]);
    }
  });

  it('gives every container requests and limits, probes (the migration Job aside) and a locked-down security context', () => {
    for (const { manifest, pod } of workloads(manifests())) {
      const where = `${manifest.kind}/${manifest.metadata.name}`;
      expect(pod.spec.securityContext, where).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(pod.spec.automountServiceAccountToken, where).toBe(false);
      for (const container of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
        expect(Object.keys(container.resources.requests).sort(), where).toEqual(['cpu', 'memory']);
        expect(Object.keys(container.resources.limits).sort(), where).toEqual(['cpu', 'memory']);
        expect(container.securityContext, where).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(
          container.volumeMounts.map((m: { mountPath: string }) => m.mountPath),
          where,
        ).toContain('/tmp');
        if (manifest.kind === 'Job') continue;
        expect(container.livenessProbe.httpGet.path, where).toBe('/healthz');
        expect(container.readinessProbe.httpGet.path, where).toBe('/readyz');
        expect(container.startupProbe.httpGet.path, where).toBe('/healthz');
      }
    }
  });

  it('serves /metrics on METRICS_PORT, a container port of its own that the PodMonitor scrapes, not on the site port', () => {
    for (const { manifest, pod } of workloads(manifests()).filter((w) => w.manifest.kind !== 'Job')) {
      const role = pod.metadata!.labels!['app.kubernetes.io/component']!;
      const config = find(manifests(), 'ConfigMap', `eoy-eat-or-yeet-${role}`).data!;
      expect(config.METRICS_PORT, manifest.metadata.name).toMatch(/^\d+$/);
      expect(config.METRICS_PORT, manifest.metadata.name).not.toBe(config.PORT);
      expect(pod.spec.containers[0].ports, manifest.metadata.name).toEqual([
        { name: 'http', containerPort: Number(config.PORT), protocol: 'TCP' },
        { name: 'metrics', containerPort: Number(config.METRICS_PORT), protocol: 'TCP' },
      ]);
    }
    for (const monitor of byKind(manifests(), 'PodMonitor')) {
      expect(monitor.spec.podMetricsEndpoints.map((e: { port: string; path: string }) => [e.port, e.path])).toEqual([
        ['metrics', '/metrics'],
      ]);
    }
  });

  it('gives the resizer its cache on an emptyDir at IMAGE_CACHE_DIR', () => {
    const img = workloads(manifests()).find((w) => w.pod.metadata?.labels?.['app.kubernetes.io/component'] === 'img')!;
    const config = find(manifests(), 'ConfigMap', 'eoy-eat-or-yeet-img').data!;
    const mount = img.pod.spec.containers[0].volumeMounts.find(
      (m: { mountPath: string }) => m.mountPath === config.IMAGE_CACHE_DIR,
    );
    expect(img.pod.spec.volumes.find((v: { name: string }) => v.name === mount.name).emptyDir.sizeLimit).toMatch(/^\d+Mi$/);
  });

  it('lets a pod finish its requests: grace period > preStop pause + SHUTDOWN_TIMEOUT_MS', () => {
    for (const { manifest, pod } of workloads(manifests()).filter((w) => w.manifest.kind !== 'Job')) {
      const role = pod.metadata!.labels!['app.kubernetes.io/component']!;
      const shutdownMs = Number(find(manifests(), 'ConfigMap', `eoy-eat-or-yeet-${role}`).data!.SHUTDOWN_TIMEOUT_MS ?? 10_000);
      const pause = pod.spec.containers[0].lifecycle.preStop.sleep.seconds;
      expect(pod.spec.terminationGracePeriodSeconds, manifest.metadata.name).toBeGreaterThan(pause + shutdownMs / 1000);
    }
  });

  it('takes every credential from a Secret reference, never from a value', () => {
    expect(byKind(manifests(), 'Secret')).toEqual([]);
    for (const configMap of byKind(manifests(), 'ConfigMap')) {
      expect(
        Object.keys(configMap.data ?? {}).filter((k) => credentials.includes(k)),
        configMap.metadata.name,
      ).toEqual([]);
    }
    for (const { manifest, pod } of workloads(manifests())) {
      for (const env of pod.spec.containers.flatMap((c: { env?: unknown[] }) => c.env ?? []) as Array<{
        name: string;
        value?: string;
        valueFrom?: any;
      }>) {
        if (!credentials.includes(env.name)) continue;
        const where = `${manifest.metadata.name} ${env.name}`;
        if (env.name === 'DATABASE_URL' && env.value !== undefined) {
          // A URL without its password (PGPASSWORD comes from a Secret).
          expect(new URL(env.value).password, where).toBe('');
          continue;
        }
        expect(env.valueFrom?.secretKeyRef?.name, where).toMatch(/\S/);
        expect(env.valueFrom?.secretKeyRef?.key, where).toMatch(/\S/);
      }
    }
  });

  it('labels every object, and every pod, the app.kubernetes.io way', () => {
    const required = ['name', 'instance', 'component', 'version', 'part-of', 'managed-by'].map((l) => `app.kubernetes.io/${l}`);
    for (const manifest of manifests()) {
      expect(Object.keys(manifest.metadata.labels ?? {}), `${manifest.kind}/${manifest.metadata.name}`).toEqual(
        expect.arrayContaining(required),
      );
    }
    for (const { manifest, pod } of workloads(manifests())) {
      expect(Object.keys(pod.metadata?.labels ?? {}), manifest.metadata.name).toEqual(expect.arrayContaining(required));
    }
  });

  it('selects each role by labels its pods carry, for Services, budgets and autoscalers alike', () => {
    const podLabels = new Map(workloads(manifests()).map((w) => [w.manifest.metadata.name, w.pod.metadata!.labels!]));
    const matches = (selector: Record<string, string>) =>
      [...podLabels].filter(([, labels]) => Object.entries(selector).every(([k, v]) => labels[k] === v)).map(([n]) => n);
    for (const service of byKind(manifests(), 'Service')) expect(matches(service.spec.selector)).toEqual([service.metadata.name]);
    for (const pdb of byKind(manifests(), 'PodDisruptionBudget'))
      expect(matches(pdb.spec.selector.matchLabels)).toEqual([pdb.metadata.name]);
    for (const hpa of byKind(manifests(), 'HorizontalPodAutoscaler')) {
      const target = find(manifests(), hpa.spec.scaleTargetRef.kind, hpa.spec.scaleTargetRef.name);
      expect(target.apiVersion).toBe(hpa.spec.scaleTargetRef.apiVersion);
      expect(target.spec.replicas, 'the autoscaler owns the replica count').toBeUndefined();
    }
  });
});

/** Every service of the contract: a new one needs its route in the Ingress too. */
const contractServices = (Object.values(contract) as unknown[]).filter(
  (x): x is DescService => typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'service',
);

describe('routing', () => {
  it('sends each path to the role that serves it in one process', () => {
    const ingress = find(rendered.base!, 'Ingress', 'eoy-eat-or-yeet');
    const routes = Object.fromEntries(
      ingress.spec.rules[0].http.paths.map((p: { path: string; backend: { service: { name: string } } }) => [
        p.path,
        p.backend.service.name,
      ]),
    );
    expect(routes).toEqual({
      '/api': 'eoy-eat-or-yeet-api',
      '/mcp': 'eoy-eat-or-yeet-api',
      '/.well-known/oauth-protected-resource': 'eoy-eat-or-yeet-api',
      '/oidc': 'eoy-eat-or-yeet-api',
      '/uploads': 'eoy-eat-or-yeet-api',
      // gRPC clients call /<package.Service>/<Method> at the root: every service of the API
      ...Object.fromEntries(
        [...contractServices, v1.ServerReflection, v1alpha.ServerReflection].map((s) => [
          `/${s.typeName}`,
          'eoy-eat-or-yeet-api',
        ]),
      ),
      '/_img': 'eoy-eat-or-yeet-img',
      '/': 'eoy-eat-or-yeet-web',
    });
    expect(ingress.spec.rules[0].host).toBe('recipes.example.com');
    const services = byKind(rendered.base!, 'Service').map((s) => s.metadata.name);
    expect(services.sort()).toEqual(['eoy-eat-or-yeet-api', 'eoy-eat-or-yeet-img', 'eoy-eat-or-yeet-web']);
  });

  it('points server-side rendering at the api Service', () => {
    const web = find(rendered.base!, 'ConfigMap', 'eoy-eat-or-yeet-web').data!;
    expect(web.API_URL).toBe('http://eoy-eat-or-yeet-api:80');
  });
});

describe('production', () => {
  const eu = () => rendered['base+production+eu']!;
  const all = () => rendered['every option (rollouts, CloudNativePG, monitoring, KEDA, network policies)']!;

  it('runs api and web as canaries 10% → 50% → 100%, each under analysis', () => {
    for (const role of ['api', 'web']) {
      const rollout = find(eu(), 'Rollout', `eoy-eat-or-yeet-${role}`);
      const weights = rollout.spec.strategy.canary.steps
        .filter((s: { setWeight?: number }) => s.setWeight)
        .map((s: { setWeight: number }) => s.setWeight);
      expect(weights).toEqual([10, 50, 100]);
      // Back to a recent revision skips the steps: a rollback is not held up by the pauses.
      expect(rollout.spec.rollbackWindow).toEqual({ revisions: 3 });
    }
    for (const [role, templateName] of [
      ['api', 'eoy-eat-or-yeet-rpc-canary'],
      ['web', 'eoy-eat-or-yeet-http-canary'],
    ] as const) {
      const analysis = find(eu(), 'Rollout', `eoy-eat-or-yeet-${role}`).spec.strategy.canary.analysis;
      expect(analysis.templates[0].templateName).toBe(templateName);
      const template = find(eu(), 'AnalysisTemplate', templateName);
      expect(analysis.args).toEqual([{ name: 'canary-hash', valueFrom: { podTemplateHashValue: 'Latest' } }]);
      expect(template.spec.metrics.map((m: { successCondition: string }) => m.successCondition)).toEqual([
        'result[0] < 0.01',
        'result[0] < 0.5',
      ]);
      // failureLimit 1: the second failed measurement fails the analysis and aborts the rollout.
      expect(template.spec.metrics.map((m: { failureLimit: number }) => m.failureLimit)).toEqual([1, 1]);
      for (const metric of template.spec.metrics) {
        expect(metric.provider.prometheus.query).toContain('rollouts_pod_template_hash="{{args.canary-hash}}"');
        expect(metric.provider.prometheus.query).toContain(`app_kubernetes_io_component="${role}"`);
      }
    }
    expect(
      byKind(eu(), 'Deployment')
        .map((d) => d.metadata.name)
        .sort(),
    ).toEqual(['eoy-eat-or-yeet-img', 'eoy-eat-or-yeet-worker']);
  });

  it('copies onto every series the labels the analysis and KEDA select on', () => {
    const monitor = find(eu(), 'PodMonitor', 'eoy-eat-or-yeet');
    const copied = monitor.spec.podTargetLabels.map((l: string) => l.replace(/[^a-zA-Z0-9_]/g, '_'));
    const queries = [
      ...['eoy-eat-or-yeet-rpc-canary', 'eoy-eat-or-yeet-http-canary'].flatMap((name) =>
        find(eu(), 'AnalysisTemplate', name).spec.metrics.map((m: any) => m.provider.prometheus.query as string),
      ),
      ...find(eu(), 'ScaledObject', 'eoy-eat-or-yeet-worker')
        .spec.triggers.filter((t: any) => t.type === 'prometheus')
        .map((t: any) => t.metadata.query as string),
    ];
    const selected = new Set(queries.flatMap((q) => [...q.matchAll(/([a-z_]+)=~?"/g)].map((m) => m[1]!)));
    for (const label of selected) {
      // namespace comes from the scrape; code, route and status are the app's own labels.
      if (['namespace', 'code', 'route', 'status'].includes(label)) continue;
      expect(copied).toContain(label);
    }
  });

  it('scales the worker on queue depth through KEDA instead of a CPU autoscaler', () => {
    const scaled = find(eu(), 'ScaledObject', 'eoy-eat-or-yeet-worker');
    expect(scaled.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'eoy-eat-or-yeet-worker' });
    expect(scaled.spec.triggers.map((t: { type: string }) => t.type)).toEqual(['prometheus', 'cpu']);
    expect(byKind(eu(), 'HorizontalPodAutoscaler').map((h) => h.metadata.name)).not.toContain('eoy-eat-or-yeet-worker');
  });

  it('migrates before an upgrade replaces pods, and after install when the release creates the database', () => {
    const external = find(eu(), 'Job', 'eoy-eat-or-yeet-migrate');
    expect(external.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'pre-install,pre-upgrade',
      'argocd.argoproj.io/hook': 'PreSync',
    });
    expect(external.spec.template.spec.containers[0].args).toEqual(['migrate']);
    // A pre-install hook runs before the release's own objects exist.
    expect(external.spec.template.spec.serviceAccountName).toBeUndefined();
    const inRelease = find(all(), 'Job', 'eoy-eat-or-yeet-migrate');
    expect(inRelease.metadata.annotations).toMatchObject({
      'helm.sh/hook': 'post-install,pre-upgrade',
      'argocd.argoproj.io/hook': 'Sync',
    });
    expect(find(all(), 'Cluster', 'eoy-eat-or-yeet-pg').metadata.annotations!['argocd.argoproj.io/sync-wave']).toBe('-1');
  });

  it('runs PostgreSQL on three instances with daily backups, reached through a session-mode pooler', () => {
    const cluster = find(all(), 'Cluster', 'eoy-eat-or-yeet-pg');
    expect(cluster.spec.instances).toBe(3);
    expect(find(all(), 'ScheduledBackup', 'eoy-eat-or-yeet-pg-daily').spec.cluster.name).toBe('eoy-eat-or-yeet-pg');
    const pooler = find(all(), 'Pooler', 'eoy-eat-or-yeet-pg-pooler-rw');
    expect(pooler.spec.pgbouncer.poolMode).toBe('session');
    const api = find(all(), 'Rollout', 'eoy-eat-or-yeet-api').spec.template.spec.containers[0].env;
    expect(api.find((e: { name: string }) => e.name === 'DATABASE_URL').value).toBe(
      'postgresql://app@eoy-eat-or-yeet-pg-pooler-rw:5432/app',
    );
    expect(api.find((e: { name: string }) => e.name === 'PGPASSWORD').valueFrom.secretKeyRef).toEqual({
      name: 'eoy-eat-or-yeet-pg-app',
      key: 'password',
    });
  });

  it('lets only the ingress controller reach web, api and img, and only the app reach the database', () => {
    const policy = (name: string) => find(all(), 'NetworkPolicy', name).spec;
    for (const role of ['web', 'img']) {
      const sources = policy(`eoy-eat-or-yeet-${role}`).ingress.flatMap((r: { from: unknown[] }) => r.from);
      expect(sources).toEqual([
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, podSelector: {} },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: {} },
      ]);
    }
    const api = policy('eoy-eat-or-yeet-api').ingress.flatMap((r: { from: unknown[] }) => r.from);
    expect(api).toContainEqual({
      podSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/component': 'web' }) },
    });
    expect(policy('eoy-eat-or-yeet-worker').ingress).toHaveLength(1);
    // Prometheus reaches the metrics port only; the site's port is for the ingress controller (and web → api).
    for (const role of ['web', 'api', 'img', 'worker']) {
      const monitoring = policy(`eoy-eat-or-yeet-${role}`).ingress.find(
        (r: { from: Array<{ namespaceSelector?: { matchLabels: Record<string, string> } }> }) =>
          r.from[0]?.namespaceSelector?.matchLabels['kubernetes.io/metadata.name'] === 'monitoring',
      );
      expect(monitoring.ports, role).toEqual([{ port: 'metrics' }]);
    }
    const database = policy('eoy-eat-or-yeet-pg');
    expect(database.podSelector).toEqual({ matchLabels: { 'cnpg.io/cluster': 'eoy-eat-or-yeet-pg' } });
    const postgresPort = database.ingress.find((r: { ports: Array<{ port: number }> }) => r.ports[0]!.port === 5432);
    const appSelector = postgresPort.from[0].podSelector;
    expect(appSelector.matchExpressions).toEqual([
      { key: 'app.kubernetes.io/component', operator: 'In', values: ['api', 'worker', 'migrate'] },
    ]);
    // Every pod that reaches the database is one of those.
    for (const { pod } of workloads(all())) {
      const env: Array<{ name: string }> = pod.spec.containers[0].env ?? [];
      if (env.some((e) => e.name === 'DATABASE_URL')) {
        expect(['api', 'worker', 'migrate']).toContain(pod.metadata!.labels!['app.kubernetes.io/component']);
      }
    }
  });
});

describe('the chart version', () => {
  it('deploys the release in package.json by default', () => {
    const chart = readFileSync(path.join(chartDir, 'Chart.yaml'), 'utf8');
    const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
    expect(chart).toContain(`appVersion: "${version}"`);
    const image = workloads(rendered.base!)[0]!.pod.spec.containers[0].image as string;
    expect(image).toBe(`ghcr.io/eat-or-yeet/eat-or-yeet:${version}`);
  });
});

describe('the alert rules and dashboards of deploy/observability', () => {
  const observability = path.join(root, 'deploy/observability');
  const ruleFiles = ['causes.rules.yaml', 'slo.rules.yaml'].map((f) => path.join(observability, 'prometheus', f));

  it('go into a PrometheusRule, runbook links prefixed with runbookBaseUrl', async () => {
    expect(byKind(rendered.base!, 'PrometheusRule')).toEqual([]);
    const base = 'https://git.example.com/eat-or-yeet/blob/v1.0.0/';
    const manifests = await render(
      ['values-production.yaml', 'values-production-eu.yaml'],
      [`monitoring.prometheusRule.runbookBaseUrl=${base}`, 'monitoring.prometheusRule.labels.release=kube-prometheus-stack'],
    );
    const rule = find(manifests, 'PrometheusRule', 'eoy-eat-or-yeet');
    expect(rule.metadata.labels!.release).toBe('kube-prometheus-stack');
    const expected = ruleFiles.flatMap(
      (f) => parse(readFileSync(f, 'utf8').replaceAll('runbook_url: docs/', `runbook_url: ${base}docs/`)).groups,
    );
    expect(rule.spec.groups).toEqual(expected);
    const urls = rule.spec.groups.flatMap((g: { rules: { annotations?: { runbook_url?: string } }[] }) =>
      g.rules.flatMap((r) => r.annotations?.runbook_url ?? []),
    );
    expect(urls.length).toBeGreaterThan(10);
    for (const url of urls)
      expect(url).toMatch(/^https:\/\/git\.example\.com\/eat-or-yeet\/blob\/v1\.0\.0\/docs\/operations\.md#/);
  });

  it('go into a ConfigMap for the Grafana sidecar, one key per dashboard, unchanged', () => {
    expect(byKind(rendered.base!, 'ConfigMap').map((c) => c.metadata.name)).not.toContain('eoy-eat-or-yeet-dashboards');
    const map = find(rendered['base+production+eu']!, 'ConfigMap', 'eoy-eat-or-yeet-dashboards');
    expect(map.metadata.labels!.grafana_dashboard).toBe('1');
    const files = readdirSync(path.join(observability, 'grafana/dashboards'));
    expect(Object.keys(map.data!).sort()).toEqual(files.sort());
    for (const file of files) {
      expect(JSON.parse(map.data![file]!)).toEqual(
        JSON.parse(readFileSync(path.join(observability, 'grafana/dashboards', file), 'utf8')),
      );
    }
  });
});
