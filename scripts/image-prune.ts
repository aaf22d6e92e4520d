/**
 * The container image's /app: what the server needs at run time and nothing else.
 *
 *   node scripts/image-prune.ts <out dir>      (run from the repository root, after `npm ci` and `npm run build`)
 *
 * `npm ci --omit=dev` is not enough: the web app's framework (@tanstack/react-start) is a
 * dependency of @yeet/web, and with it come Vite, Rolldown, Babel, TypeScript and Prettier,
 * which only build dist/. So the copy starts from what runs: the server's workspace package
 * and the packages the built SSR bundle imports, and follows `dependencies`,
 * `optionalDependencies` and required peers, resolved the way Node resolves them (a nested
 * node_modules first, then each parent's). Inside packages it leaves out what Node never
 * loads: source maps, type declarations, TypeScript sources (Node does not strip types under
 * node_modules), Markdown other than licences, and static libraries.
 */
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { builtinModules } from 'node:module';

interface Manifest {
  name?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

const root = process.cwd();
const out = path.resolve(process.argv[2] ?? '');
if (!process.argv[2] || existsSync(out)) {
  console.error('usage: node scripts/image-prune.ts <out dir that does not exist yet>');
  process.exit(2);
}

const workspaceDirs = new Set(
  ['apps', 'packages'].flatMap((d) => readdirSync(path.join(root, d)).map((name) => path.join(root, d, name))),
);
/** The real directory of every package in the closure. */
const packages = new Set<string>();
/** node_modules entries that are symlinks (workspace links): copied as links. */
const links = new Set<string>();

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as Manifest;
}

/** Node's lookup: <from>/node_modules/<name>, then every parent's, up to the repository root. */
function resolvePackage(name: string, from: string): string | null {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) {
      if (lstatSync(candidate).isSymbolicLink()) links.add(candidate);
      return realpathSync(candidate);
    }
    if (dir === root || path.dirname(dir) === dir) return null;
  }
}

function visit(dir: string): void {
  if (packages.has(dir)) return;
  packages.add(dir);
  const manifest = readManifest(dir);
  const wanted: Array<[string, boolean]> = [
    ...Object.keys(manifest.dependencies ?? {}).map((n): [string, boolean] => [n, true]),
    ...Object.keys(manifest.optionalDependencies ?? {}).map((n): [string, boolean] => [n, false]),
    // An optional peer is loaded only if the application itself depends on it (cosmiconfig's
    // TypeScript, for .ts config files): it is in the closure through that dependency or not at all.
    ...Object.keys(manifest.peerDependencies ?? {})
      .filter((n) => !manifest.peerDependenciesMeta?.[n]?.optional)
      .map((n): [string, boolean] => [n, true]),
  ];
  for (const [name, required] of wanted) {
    const found = resolvePackage(name, dir);
    if (found) visit(found);
    else if (required) throw new Error(`${name}, needed by ${manifest.name ?? dir}, is not installed: run npm ci first`);
  }
}

/** Bare specifiers the built SSR bundle imports (it keeps its npm dependencies external). */
function bundleImports(dir: string): string[] {
  const names = new Set<string>();
  const builtins = new Set(builtinModules);
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const file = path.join(d, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.m?js$/.test(entry.name)) {
        const source = readFileSync(file, 'utf8');
        for (const m of source.matchAll(
          /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']((?:@[\w.-]+\/)?[\w][\w.-]*(?:\/[\w.@-]+)*)["']/g,
        )) {
          const specifier = m[1] as string;
          if (specifier.startsWith('node:') || builtins.has(specifier)) continue;
          const parts = specifier.split('/');
          names.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string));
        }
      }
    }
  };
  walk(dir);
  return [...names];
}

const webDir = path.join(root, 'apps/web');
const ssrBundle = path.join(webDir, 'dist/server');
if (!existsSync(path.join(ssrBundle, 'server.js'))) throw new Error('apps/web/dist is missing: run npm run build first');

visit(path.join(root, 'apps/server'));
for (const name of bundleImports(ssrBundle)) {
  const found = resolvePackage(name, webDir);
  if (!found) throw new Error(`${name}, imported by the web app's server bundle, is not installed`);
  visit(found);
}

const skipped = /\.(map|d\.[cm]?ts|[cm]?ts|a)$|^(?!licen[cs]e|copying).*\.md$/i;
let files = 0;
let bytes = 0;
function copy(from: string, to: string, skip: (relative: string, isDir: boolean) => boolean): void {
  cpSync(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (source) => {
      const relative = path.relative(from, source);
      const s = lstatSync(source);
      const isDir = s.isDirectory();
      if (relative && skip(relative, isDir)) return false;
      if (s.isFile()) {
        files += 1;
        bytes += s.size;
      }
      return true;
    },
  });
}

for (const dir of packages) {
  const target = path.join(out, path.relative(root, dir));
  if (workspaceDirs.has(dir)) {
    // Our own packages run from their TypeScript sources; their tests and nested installs stay behind
    // (what a nested node_modules holds that is needed is in the closure itself).
    copy(dir, target, (rel, isDir) => (isDir && /(^|\/)(node_modules|test)$/.test(rel)) || /\.test\.ts$/.test(rel));
  } else {
    // A nested node_modules holds other packages: those needed are in the closure and copied on their own.
    copy(dir, target, (rel, isDir) => (isDir ? rel === 'node_modules' : skipped.test(path.basename(rel))));
  }
}
for (const link of links) copy(link, path.join(out, path.relative(root, link)), () => false);
// The web app: its build only (the server loads dist/server/server.js and serves dist/client).
copy(path.join(webDir, 'package.json'), path.join(out, 'apps/web/package.json'), () => false);
copy(path.join(webDir, 'dist'), path.join(out, 'apps/web/dist'), (rel) => rel.endsWith('.map'));
copy(path.join(root, 'package.json'), path.join(out, 'package.json'), () => false);

const thirdParty = [...packages].filter((d) => !workspaceDirs.has(d)).length;
console.log(
  `image-prune: ${thirdParty} npm packages + ${packages.size - thirdParty} workspace packages, ${files} files, ${(bytes / 1048576).toFixed(1)} MiB → ${out}`,
);
