import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '@yeet/platform';
import { describe, expect, it } from 'vitest';
import { chartDir, helmError, type Manifest, render, root, valueArgs, workloads } from './chart.ts';

const installation = path.join(import.meta.dirname, 'values-installation.yaml');
const allFeatures = path.join(import.meta.dirname, 'values-all-features.yaml');
const template = (files: string[], set: string[]) =>
  helmError(['template', 'eoy', chartDir, ...valueArgs(files), ...set.flatMap((s) => ['--set', s])]);
const templateString = (files: string[], set: string[]) =>
  helmError(['template', 'eoy', chartDir, ...valueArgs(files), ...set.flatMap((s) => ['--set-string', s])]);

describe('a value of the wrong type fails rendering, naming it', () => {
  it.each([
    ['api.replicas=three', '/api/replicas'],
    ['settings.WORKER_CONCURRENCY=lots', '/settings/WORKER_CONCURRENCY'],
    ['worker.keda.enabled=yes', '/worker/keda/enabled'],
    ['rollouts.analysis.maxErrorRate=low', '/rollouts/analysis/maxErrorRate'],
  ])('%s', async (value, named) => {
    expect(await templateString([installation], [value])).toContain(`at '${named}'`);
  });

  it.each([
    ['image.tag=latest', "'/image/tag'"],
    ['settings.LOG_LEVLE=debug', "'LOG_LEVLE' not allowed"],
    ['settings.DEV_AUTH=true', "'DEV_AUTH' not allowed"],
    ['settings.PORT=8080', "'PORT' not allowed"],
    ['postgresql.cnpg.pooler.poolMode=transaction', "'/postgresql/cnpg/pooler/poolMode'"],
    ['containerSecurityContext.readOnlyRootFilesystem=false', "'/containerSecurityContext/readOnlyRootFilesystem'"],
    ['settings.IMAGE_CACHE_MAX_MB=0', "'/settings/IMAGE_CACHE_MAX_MB'"],
  ])('%s', async (value, named) => {
    expect(await template([installation], [value])).toContain(named);
  });
});

describe('a missing required reference fails rendering, not the pod', () => {
  const base = ['publicUrl=https://recipes.example.com', 'database.url.name=db'];
  it.each([
    ['no Secret for the session secret', base, 'secrets.session: name an existing Secret'],
    ['no Secret for the image keys', [...base, 'secrets.session.name=session'], 'secrets.imgproxy: name an existing Secret'],
    [
      'no database',
      ['publicUrl=https://recipes.example.com', 'secrets.session.name=s', 'secrets.imgproxy.name=i'],
      'database.url: name an existing Secret',
    ],
    [
      'no password for a database host',
      [...base, 'secrets.existingSecret=', 'secrets.session.name=s', 'secrets.imgproxy.name=i', 'database.host=pg'],
      'database.password',
    ],
    ['no public URL', ['secrets.existingSecret=eoy', 'database.url.name=db'], 'publicUrl: where people reach the platform'],
    [
      'S3 without a bucket',
      ['images.storage=s3', 'publicUrl=https://recipes.example.com', 'secrets.existingSecret=eoy', 'database.url.name=db'],
      'settings.S3_BUCKET',
    ],
    [
      'backups without a destination',
      [...base, 'secrets.existingSecret=eoy', 'postgresql.cnpg.enabled=true', 'postgresql.cnpg.backup.enabled=true'],
      'postgresql.cnpg.backup.destinationPath',
    ],
    ['TLS without a certificate', [...base, 'secrets.existingSecret=eoy', 'ingress.tls.enabled=true'], 'ingress.tls.secretName'],
    [
      'canaries without the metrics they are judged on',
      [...base, 'secrets.existingSecret=eoy', 'rollouts.enabled=true'],
      'needs monitoring.podMonitor.enabled',
    ],
  ])('%s', async (_, set, message) => {
    expect(await template([], set)).toContain(message);
  });
});

/** The environment a container gets, with plausible values where Secrets would supply them. */
function environment(manifests: Manifest[], container: { envFrom?: Array<{ configMapRef: { name: string } }>; env?: any[] }) {
  const env: Record<string, string> = {};
  for (const from of container.envFrom ?? []) {
    Object.assign(env, manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === from.configMapRef.name)!.data);
  }
  const fromSecret: Record<string, string> = {
    DATABASE_URL: 'postgresql://app:secret@db:5432/app',
    SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
    IMGPROXY_KEY: 'ab'.repeat(32),
    IMGPROXY_SALT: 'cd'.repeat(32),
  };
  for (const e of container.env ?? []) env[e.name] = e.value ?? fromSecret[e.name] ?? 'secret';
  return env;
}

describe("the app's own configuration loader accepts what each role is given", () => {
  it.each([
    ['base', [installation]],
    ['base+production+eu', ['values-production.yaml', 'values-production-eu.yaml']],
    ['local', ['values-local.yaml']],
    ['every option', ['values-production.yaml', 'values-production-eu.yaml', allFeatures]],
  ])('%s', async (_, files) => {
    const manifests = await render(files);
    for (const { manifest, pod } of workloads(manifests)) {
      const container = pod.spec.containers[0];
      const role = container.args[0] === 'migrate' ? 'all' : container.args[2];
      const config = loadConfig(environment(manifests, container), { ROLE: role });
      expect(config.role, manifest.metadata.name).toBe(role);
      if (['api', 'worker'].includes(role) || container.args[0] === 'migrate')
        expect(config.database.url, manifest.metadata.name).toMatch(/^postgresql:/);
      if (role !== 'all') expect(config.host).toBe('0.0.0.0');
    }
  });
});

describe('settings', () => {
  const schema = JSON.parse(readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8'));
  const settings = Object.keys(schema.definitions.settings.properties);
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const documented = [...readme.matchAll(/^\| `([A-Z0-9_]+)`(?:, `([A-Z0-9_]+)`)? \|/gm)].flatMap((m) => [
    m[1]!,
    ...(m[2] ? [m[2]] : []),
  ]);
  // Every variable the README documents is a plain setting, set by the chart, a credential, or kept out on purpose.
  const setByChart = [
    'PORT',
    'METRICS_PORT',
    'HOST',
    'ROLE',
    'PUBLIC_URL',
    'API_URL',
    'DATA_DIR',
    'IMAGE_STORAGE',
    'IMAGE_DIR',
    'IMAGE_CACHE_DIR',
  ];
  const credentials = ['DATABASE_URL', 'SESSION_SECRET', 'OIDC_CLIENT_SECRET', 'IMGPROXY_KEY', 'IMGPROXY_SALT', 'REDIS_URL'];
  const notForACluster = {
    EMBEDDED_PG_PORT: 'the embedded PostgreSQL runs with --role all only',
    DEV_AUTH: 'trusts identity headers: tests and local scripting only',
    MCP_ACCESS_TOKEN: 'for `yeet mcp --stdio` on a desktop',
    NODE_ENV: 'production is the default; development builds are slower',
    ...Object.fromEntries(
      ['BACKUP_SCHEDULE', 'BACKUP_KEEP', 'BACKUP_DIR', 'BACKUP_S3_BUCKET', 'BACKUP_S3_PREFIX'].map((name) => [
        name,
        "archives are the small install's backup; in a cluster CloudNativePG's ScheduledBackup is (docs/operations.md)",
      ]),
    ),
  };

  it('are the variables of the README configuration table, each accounted for', () => {
    expect(documented.length).toBeGreaterThan(30);
    for (const name of settings) expect(documented, name).toContain(name);
    const accounted = [...settings, ...setByChart, ...credentials, ...Object.keys(notForACluster)];
    expect(documented.filter((name) => !accounted.includes(name))).toEqual([]);
  });

  it('come out as the app reads them: whole numbers without an exponent, booleans as words', async () => {
    const manifests = await render(
      [installation],
      ['settings.IMAGE_MAX_BYTES=15728640', 'settings.S3_FORCE_PATH_STYLE=true', 'api.settings.DATABASE_POOL_MAX=25'],
    );
    const api = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'eoy-eat-or-yeet-api')!.data!;
    expect(api).toMatchObject({
      IMAGE_MAX_BYTES: '15728640',
      S3_FORCE_PATH_STYLE: 'true',
      DATABASE_POOL_MAX: '25',
      TRUST_PROXY: 'true',
    });
    const web = manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === 'eoy-eat-or-yeet-web')!.data!;
    expect(web.DATABASE_POOL_MAX).toBeUndefined();
  });
});
