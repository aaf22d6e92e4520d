import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

/**
 * Debian's `prometheus` package: promtool for the rule files, the server for the integration
 * test. CI installs it (.ci/run) and sets REQUIRE_PROMETHEUS=1, so a missing one fails there; on
 * a machine without it these tests are skipped with a note.
 */
export const promtoolPath = existsSync('/usr/bin/promtool') ? '/usr/bin/promtool' : null;
export const prometheusPath = existsSync('/usr/bin/prometheus') ? '/usr/bin/prometheus' : null;
if ((!promtoolPath || !prometheusPath) && process.env.REQUIRE_PROMETHEUS) {
  throw new Error(
    'REQUIRE_PROMETHEUS is set but /usr/bin/promtool or /usr/bin/prometheus is missing (apt-get install prometheus)',
  );
}
if (!promtoolPath || !prometheusPath)
  console.warn('Observability tests skipped: install Prometheus (apt-get install prometheus).');

export const root = path.resolve(import.meta.dirname, '../..');
export const observabilityDir = path.join(root, 'deploy/observability');
export const ruleFiles = readdirSync(path.join(observabilityDir, 'prometheus'))
  .filter((f) => f.endsWith('.rules.yaml'))
  .map((f) => path.join(observabilityDir, 'prometheus', f));
export const dashboardFiles = readdirSync(path.join(observabilityDir, 'grafana/dashboards'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => path.join(observabilityDir, 'grafana/dashboards', f));

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
export interface RuleGroup {
  name: string;
  rules: Rule[];
}

export const ruleGroups = (file: string): RuleGroup[] => parse(readFileSync(file, 'utf8')).groups;
export const allRules = (): Rule[] => ruleFiles.flatMap((f) => ruleGroups(f).flatMap((g) => g.rules));

export const run = promisify(execFile);
