import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { tanstackStart } from '@tanstack/react-start/plugin/vite';
import viteReact from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

export default defineConfig(({ command }) => {
  // Libraries choose their production code by NODE_ENV (React's client is ~40% smaller and
  // faster); a build is for production unless NODE_ENV says otherwise.
  if (command === 'build') process.env.NODE_ENV ??= 'production';
  return {
    resolve: { tsconfigPaths: true },
    server: {
      // `npm run dev -w @yeet/web`: the browser's /api calls go to a platform started with
      // `--role api` (or `all`) on :3000. SSR uses API_URL.
      proxy: { '/api': 'http://127.0.0.1:3000' },
    },
    plugins: [inlineProtoEnums(), tanstackStart(), viteReact(), firstLoadChunk()],
  };
});

/**
 * The contract's enums as plain objects, in modules of their own. protoc-gen-es (target js)
 * builds each enum from its file's descriptor at load time (`tsEnum(XSchema)`), so reading
 * `RecipeStatus.PUBLISHED` would bring the descriptors and the protobuf runtime into every
 * page's first load. Here each generated file re-exports its enums from a module written at
 * build time (the same objects, made by running the generated file), which needs neither:
 * the descriptors stay with the API clients, loaded on first call (lib/rpc.ts). Decision 0037.
 */
function inlineProtoEnums(): Plugin {
  const prefix = '\0yeet-proto-enums:';
  const enumsOf = async (file: string) => {
    const generated = (await import(pathToFileURL(file).href)) as Record<string, object>;
    const code = await readFile(file, 'utf8');
    const names = [...code.matchAll(/export const (\w+) = \/\*@__PURE__\*\/\s*tsEnum\(\w+\);/g)].map((m) => m[1]!);
    return names.map((name) => `export const ${name} = ${JSON.stringify(generated[name])};`).join('\n');
  };
  return {
    name: 'yeet:proto-enums',
    resolveId: { filter: { id: /^\0yeet-proto-enums:/ }, handler: (id) => id },
    load: { filter: { id: /^\0yeet-proto-enums:/ }, handler: (id) => enumsOf(id.slice(prefix.length)) },
    transform: {
      filter: { id: /\/contract\/src\/gen\/.*_pb\.js$/, code: 'tsEnum(' },
      handler(code, id) {
        const file = id.split('?')[0]!;
        const names: string[] = [];
        const rest = code.replace(/export const (\w+) = \/\*@__PURE__\*\/\s*tsEnum\(\w+\);/g, (_, name: string) => {
          names.push(name);
          return '';
        });
        return `${rest}\nexport { ${names.join(', ')} } from ${JSON.stringify(prefix + file)};\n`;
      },
    },
  };
}

/**
 * What every page runs before it is interactive, in one chunk: the client entry and every
 * module it imports statically (React, the router, Query, the route tree, the layout and the
 * libraries they use). Left to itself, Rolldown puts each module the entry shares with lazy
 * chunks (route components, API clients) in a common chunk of its own instead of the entry's
 * (rolldown/rolldown#9963): a visitor's page loaded 17 files where one does, each compressed
 * on its own. One chunk is ~4–5 KB of gzip less per page (issue 17's first-load budget,
 * docs/decisions/0045-first-load-javascript-budget.md).
 *
 * The modules are those reachable from the entry by static imports, as the build found them
 * (before tree-shaking), except the API layer, whose code comes with a page's first call
 * (decision 0037): of the contract's generated files, Connect and the protobuf runtime only
 * what the first load uses by design (the enums, in modules of their own: inlineProtoEnums;
 * Connect's Code; timestamp conversion). A module imported here but used only by lazy chunks
 * comes along (Query's mutation hook, ~1 KB): cheaper than the extra files. Route components,
 * API clients and German stay chunks of their own.
 */
function firstLoadChunk(): Plugin {
  // (an enum module's id starts with \0 and names its generated file)
  const apiLayer = /^[^\0].*(?:\/node_modules\/@(?:bufbuild|connectrpc)\/|\/contract\/src\/gen\/)/;
  const usedAtFirstLoad =
    /\/node_modules\/@connectrpc\/connect\/dist\/esm\/code\.js$|\/node_modules\/@bufbuild\/protobuf\/dist\/esm\/wkt\/timestamp\.js$/;
  const modules = new Set<string>();
  return {
    name: 'yeet:first-load-chunk',
    apply: 'build',
    applyToEnvironment: (environment) => environment.name === 'client',
    buildEnd() {
      modules.clear();
      const queue = [...this.getModuleIds()].filter((id) => this.getModuleInfo(id)?.isEntry);
      const seen = new Set<string>();
      while (queue.length) {
        const id = queue.pop()!;
        if (seen.has(id)) continue;
        seen.add(id);
        if (!apiLayer.test(id) || usedAtFirstLoad.test(id)) modules.add(id);
        queue.push(...(this.getModuleInfo(id)?.importedIds ?? []));
      }
    },
    outputOptions(options) {
      const codeSplitting = typeof options.codeSplitting === 'object' ? options.codeSplitting : {};
      return {
        ...options,
        codeSplitting: {
          ...codeSplitting,
          groups: [
            // captured modules only (their other imports are lazy or the API layer's)
            { name: 'app', test: (id: string) => modules.has(id), includeDependenciesRecursively: false },
            ...(codeSplitting.groups ?? []),
          ],
        },
      };
    },
  };
}
