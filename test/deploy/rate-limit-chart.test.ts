import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { render } from './chart.ts';

/** How the chart gives the api its rate-limit settings (docs/decisions/0019-rate-limits.md). */
const installation = path.join(import.meta.dirname, 'values-installation.yaml');
const envOf = (manifests: Awaited<ReturnType<typeof render>>, role: string) => {
  const deployment = manifests.find((m) => m.kind === 'Deployment' && m.metadata.name === `eoy-eat-or-yeet-${role}`)!;
  return (deployment as any).spec.template.spec.containers[0].env as Array<{ name: string; valueFrom?: any }>;
};

describe('rate limits in the chart', () => {
  it('exempt the private ranges the web pods call from, on the api only', async () => {
    const manifests = await render([installation]);
    const config = (role: string) =>
      manifests.find((m) => m.kind === 'ConfigMap' && m.metadata.name === `eoy-eat-or-yeet-${role}`)!.data!;
    expect(config('api').RATE_LIMIT_EXEMPT).toContain('10.0.0.0/8');
    expect(config('web').RATE_LIMIT_EXEMPT).toBeUndefined();
  });

  it('hand the api REDIS_URL from a Secret when secrets.redis is enabled, and nobody otherwise', async () => {
    expect(envOf(await render([installation]), 'api').map((e) => e.name)).not.toContain('REDIS_URL');
    const manifests = await render([installation], ['secrets.redis.enabled=true', 'secrets.redis.name=redis-credentials']);
    expect(envOf(manifests, 'api').find((e) => e.name === 'REDIS_URL')?.valueFrom).toEqual({
      secretKeyRef: { name: 'redis-credentials', key: 'REDIS_URL' },
    });
    expect(envOf(manifests, 'web').map((e) => e.name)).not.toContain('REDIS_URL');
  });
});
