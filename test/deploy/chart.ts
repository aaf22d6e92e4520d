import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { helmBinary } from '../../scripts/helm.ts';
import { sharedPath } from '../support/shared.ts';

/**
 * Renders the chart with the npm-packaged helm and validates what comes out, offline: core
 * Kubernetes objects against kubernetes-models (a current release's OpenAPI schema), Argo CD,
 * Argo Rollouts, KEDA and Prometheus Operator objects against their @kubernetes-models
 * packages, CloudNativePG objects against the operator's own CRDs in ../shared/k8s-crds (skipped
 * with a note where ../shared is not beside the checkout; CI requires it).
 */
export const root = path.resolve(import.meta.dirname, '../..');
export const chartDir = path.join(root, 'deploy/helm/eat-or-yeet');

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  [key: string]: unknown;
}

const run = promisify(execFile);

export async function helm(args: string[]): Promise<string> {
  const { stdout } = await run(helmBinary(), args, { cwd: root, maxBuffer: 32 * 1024 * 1024 });
  return stdout;
}

/** helm's error output for a command expected to fail (rejects if it succeeds). */
export async function helmError(args: string[]): Promise<string> {
  try {
    await helm(args);
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
  throw new Error(`helm ${args.join(' ')} succeeded`);
}

/** `-f` arguments for value files of the chart (by name) or anywhere (by path). */
export const valueArgs = (files: string[]) => files.flatMap((f) => ['-f', f.includes('/') ? f : path.join(chartDir, f)]);

export async function render(files: string[], set: string[] = [], release = 'eoy'): Promise<Manifest[]> {
  const output = await helm([
    'template',
    release,
    chartDir,
    '--namespace',
    'recipes',
    ...valueArgs(files),
    ...set.flatMap((s) => ['--set', s]),
  ]);
  return parseManifests(output);
}

export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length) throw doc.errors[0];
      return doc.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null);
}

// apiVersion (and kind, where two packages share a group) → the package with its model classes.
const crdModels: Record<string, string> = {
  'argoproj.io/v1alpha1/Rollout': '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1',
  'argoproj.io/v1alpha1/AnalysisTemplate': '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1',
  'argoproj.io/v1alpha1/Application': '@kubernetes-models/argo-cd/argoproj.io/v1alpha1',
  'argoproj.io/v1alpha1/AppProject': '@kubernetes-models/argo-cd/argoproj.io/v1alpha1',
  'keda.sh/v1alpha1': '@kubernetes-models/keda/keda.sh/v1alpha1',
  'monitoring.coreos.com/v1': '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1',
};
const coreGroups = ['v1', 'apps/v1', 'batch/v1', 'policy/v1', 'autoscaling/v2', 'networking.k8s.io/v1'];

type Model = { validate(): void };
type ModelClass = new (data: unknown) => Model;

async function modelClass(apiVersion: string, kind: string): Promise<ModelClass | null> {
  const specifier = coreGroups.includes(apiVersion)
    ? `kubernetes-models/${apiVersion}`
    : (crdModels[`${apiVersion}/${kind}`] ?? crdModels[apiVersion]);
  if (!specifier) return null;
  const module = (await import(specifier)) as Record<string, ModelClass | undefined>;
  return module[kind] ?? null;
}

let cnpgValidators: Map<string, ValidateFunction> | null = null;
const cnpgCrdDir = sharedPath('k8s-crds', 'cloudnative-pg');

/**
 * CloudNativePG's CRDs as JSON Schema validators. Unknown fields are errors, as the API server's
 * strict field validation (kubectl's default) makes them, except where the CRD keeps unknown fields.
 */
function cnpgValidator(apiVersion: string, kind: string): ValidateFunction | null {
  if (!cnpgValidators) {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    cnpgValidators = new Map();
    for (const file of readdirSync(cnpgCrdDir!).filter((f) => f.endsWith('.yaml'))) {
      const crd = parseManifests(readFileSync(path.join(cnpgCrdDir!, file), 'utf8'))[0]!;
      for (const version of crd.spec.versions as Array<{ name: string; schema: { openAPIV3Schema: object } }>) {
        const schema = closeObjects(structuredClone(version.schema.openAPIV3Schema));
        cnpgValidators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
      }
    }
  }
  return cnpgValidators.get(`${apiVersion}/${kind}`) ?? null;
}

function closeObjects(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (!schema || typeof schema !== 'object') return schema;
  for (const [key, value] of Object.entries(schema)) {
    if (key !== 'properties') schema[key] = closeObjects(value);
  }
  if (schema.properties) {
    for (const [key, value] of Object.entries(schema.properties)) schema.properties[key] = closeObjects(value);
    if (schema.additionalProperties === undefined && !schema['x-kubernetes-preserve-unknown-fields'])
      schema.additionalProperties = false;
  }
  return schema;
}

/** Every problem found in the manifests, as "Kind/name: message"; empty when all validate. */
export async function schemaErrors(manifests: Manifest[]): Promise<string[]> {
  const errors: string[] = [];
  for (const manifest of manifests) {
    const where = `${manifest.kind}/${manifest.metadata?.name}`;
    if (manifest.apiVersion.startsWith('postgresql.cnpg.io/')) {
      if (!cnpgCrdDir) continue;
      const validate = cnpgValidator(manifest.apiVersion, manifest.kind);
      if (!validate) errors.push(`${where}: no CloudNativePG CRD for ${manifest.apiVersion}`);
      else if (!validate(manifest))
        errors.push(...validate.errors!.map((e) => `${where}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));
      continue;
    }
    const Model = await modelClass(manifest.apiVersion, manifest.kind);
    if (!Model) {
      errors.push(`${where}: no schema for ${manifest.apiVersion} ${manifest.kind}`);
      continue;
    }
    try {
      new Model(manifest).validate();
    } catch (error) {
      errors.push(`${where}: ${(error as Error).message}`);
    }
  }
  return errors;
}

export interface Workload {
  manifest: Manifest;
  pod: { metadata?: { labels?: Record<string, string> }; spec: any };
}

/** Deployments, Rollouts and Jobs with their pod templates. */
export const workloads = (manifests: Manifest[]): Workload[] =>
  manifests
    .filter((m) => ['Deployment', 'Rollout', 'Job'].includes(m.kind))
    .map((manifest) => ({ manifest, pod: manifest.spec.template }));

export const byKind = (manifests: Manifest[], kind: string) => manifests.filter((m) => m.kind === kind);

export function find(manifests: Manifest[], kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} among ${manifests.map((m) => `${m.kind}/${m.metadata.name}`).join(', ')}`);
  return found;
}
