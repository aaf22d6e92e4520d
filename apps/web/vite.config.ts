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
 * The contract's enums as plain objects. protoc-gen-es (target js) builds each enum from its
 * file's descriptor at load time (`tsEnum(XSchema)`), so reading `RecipeStatus.PUBLISHED`
 * would bring the descriptor and the whole protobuf runtime into every page's first load;
 * the same object written out at build time needs neither. The API's code (descriptors,
 * runtime, Connect) then loads on a page's first call (lib/rpc.ts). Decision 0037.
 */
function inlineProtoEnums(): Plugin {
  return {
    name: 'yeet:inline-proto-enums',
    transform: {
      filter: { id: /\/contract\/src\/gen\/.*_pb\.js$/, code: 'tsEnum(' },
      async handler(code, id) {
        // the generated module itself, run here: its enums as the runtime builds them
        const generated = (await import(pathToFileURL(id.split('?')[0]!).href)) as Record<string, object>;
        return code.replace(
          /(export const (\w+) = )\/\*@__PURE__\*\/\s*tsEnum\(\w+\);/g,
          (_, head: string, name: string) => `${head}${JSON.stringify(generated[name])};`,
        );
      },
    },
  };
}
