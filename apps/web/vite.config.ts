import { tanstackStart } from '@tanstack/react-start/plugin/vite';
import viteReact from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

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
    plugins: [tanstackStart(), viteReact()],
  };
});
