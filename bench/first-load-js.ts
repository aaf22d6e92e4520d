/**
 * The JavaScript a page makes the browser load before it is interactive, as sent (gzip -9, as
 * the server's precompressed files): the page's module scripts and modulepreload links, and
 * every module those import statically. Chunks loaded later by `import()` (another route, an
 * API client on first use) do not count. Used by the Lighthouse bench's table and by the
 * budget test (test/web/first-load-js.test.ts).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

/** Issue 17's target for a page, in bytes of gzip (KB = 1000 bytes). */
export const firstLoadTarget = 110_000;

export interface FirstLoad {
  /** Each file (its path under the client build) with its gzip size, largest first. */
  files: Array<{ file: string; gzip: number }>;
  /** Their sum in bytes. */
  gzip: number;
}

/** The first-load JavaScript of `html`, a page of the build whose client files are in `clientDir`. */
export async function firstLoadJs(html: string, clientDir: string): Promise<FirstLoad> {
  const tags = html.matchAll(/<(?:script|link)\b[^>]*>/g);
  const roots = [...tags]
    .map(([tag]) => {
      const isModuleScript = tag.startsWith('<script') && /\btype="module"/.test(tag);
      const isPreload = tag.startsWith('<link') && /\brel="modulepreload"/.test(tag);
      return isModuleScript || isPreload ? /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1] : undefined;
    })
    .filter((url): url is string => url?.startsWith('/') === true);
  const seen = new Set<string>();
  const sizes: FirstLoad['files'] = [];
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = await readFile(path.join(clientDir, file));
    sizes.push({ file, gzip: (await promisify(gzip)(code, { level: 9 })).length });
    // static imports of the minified chunk (`import{a}from"./x.js"`, `import"./x.js"`); `import("./x.js")` is lazy
    const imports = code.toString('utf8').matchAll(/(?:\bfrom|\bimport)\s*["'](\.{1,2}\/[^"']+\.js)["']/g);
    await Promise.all([...imports].map(([, spec]) => visit(path.posix.join(path.posix.dirname(file), spec!))));
  };
  await Promise.all(roots.map((url) => visit(url.replace(/^\//, '').split('?')[0]!)));
  sizes.sort((a, b) => b.gzip - a.gzip);
  return { files: sizes, gzip: sizes.reduce((sum, f) => sum + f.gzip, 0) };
}
