import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chartDir, helm, type Manifest, parseManifests, root, schemaErrors } from './chart.ts';

/** deploy/argocd: one Application per environment, each rendering the chart the way the tests do. */
const argocdDir = path.join(root, 'deploy/argocd');
const manifests: Manifest[] = readdirSync(argocdDir)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseManifests(readFileSync(path.join(argocdDir, f), 'utf8')));
const applications = manifests.filter((m) => m.kind === 'Application');

describe('Argo CD', () => {
  it('validates against the Argo CD schemas', async () => {
    expect(await schemaErrors(manifests)).toEqual([]);
  });

  it('has an Application per environment, in the project that allows its source and destination', () => {
    expect(applications.map((a) => a.metadata.name).sort()).toEqual(['eat-or-yeet-local', 'eat-or-yeet-production-eu']);
    const project = manifests.find((m) => m.kind === 'AppProject')!;
    for (const app of applications) {
      expect(app.spec.project).toBe(project.metadata.name);
      expect(project.spec.sourceRepos).toContain(app.spec.source.repoURL);
      expect(project.spec.destinations).toContainEqual({
        server: app.spec.destination.server,
        namespace: app.spec.destination.namespace,
      });
    }
  });

  it.each(applications.map((a) => [a.metadata.name, a] as const))(
    '%s renders the chart with the values files it names',
    async (_, app) => {
      expect(path.join(root, app.spec.source.path)).toBe(chartDir);
      const { releaseName, valueFiles } = app.spec.source.helm as { releaseName: string; valueFiles: string[] };
      const output = await helm([
        'template',
        releaseName,
        chartDir,
        '--namespace',
        app.spec.destination.namespace,
        ...valueFiles.flatMap((f) => ['-f', path.join(chartDir, f)]),
      ]);
      const rendered = parseManifests(output);
      expect(rendered.length).toBeGreaterThan(10);
      expect(await schemaErrors(rendered)).toEqual([]);
    },
  );
});
