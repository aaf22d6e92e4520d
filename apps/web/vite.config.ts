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
    plugins: [inlineProtoEnums(), tanstackStart(), viteReact()],
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
