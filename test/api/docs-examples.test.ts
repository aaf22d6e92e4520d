import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oidcFlow } from '../support/oidc.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * The curl and buf curl examples of docs/api.md, run as written against a test platform
 * (its address in place of http://localhost:3000, $TOKEN an access token of a person signed
 * in through the built-in issuer). An example that stops working fails here, not for a reader.
 */
const root = path.resolve(import.meta.dirname, '../..');
const docs = readFileSync(path.join(root, 'docs/api.md'), 'utf8');

/** The ```sh blocks of a "## <title>" section, cut into examples at blank lines. */
function examples(title: string): string[] {
  const section = docs.split(/^## /m).find((s) => s.startsWith(`${title}\n`));
  if (!section) throw new Error(`docs/api.md has no section "## ${title}"`);
  const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return blocks.flatMap((block) => block.split(/\n\s*\n/)).filter((example) => /^(curl|buf curl) /m.test(example));
}

const sessionSecret = 'docs-examples-test-session-secret-0123456789';
let t: TestPlatform;
let token = '';
beforeAll(async () => {
  t = await startTestPlatform({ SESSION_SECRET: sessionSecret });
  // The first account is an admin: it may write recipes, as the CreateRecipe example does.
  ({ access_token: token } = await oidcFlow(t.baseUrl, t.config, sessionSecret).signUp({
    email: 'reader@example.com',
    password: 'a long enough password',
    displayName: 'Docs Reader',
  }));
  const author = t.recipes('alice', ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput({ title: 'Chicken Soup From The Docs' }) });
  await author.submitRecipe({ id: recipe!.id });
  await t.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
}, 60_000);
afterAll(() => t?.stop());

const run = promisify(execFile);
/** An example in bash, as a reader pastes it; buf is the devDependency's. */
const runExample = (example: string) =>
  run('bash', ['-euo', 'pipefail', '-c', example.replaceAll('http://localhost:3000', t.baseUrl)], {
    env: { ...process.env, TOKEN: token, PATH: `${path.join(root, 'node_modules/.bin')}:${process.env.PATH}` },
    cwd: root,
    timeout: 60_000,
  });

/** What some examples must show besides succeeding, by the method they call. */
const shows: Array<[RegExp, string]> = [
  [/RecipeService\/ListRecipes/, 'Chicken Soup From The Docs'],
  [/UserService\/GetMe/, 'Docs Reader'],
  [/RecipeService\/CreateRecipe/, 'Five-minute tomato toast'],
  [/RecipeService\/ImportRecipe/, '"missingFields"'],
  [/--list-methods/, 'yeet.v1.RecipeService/ListRecipes'],
];

describe.each([['curl (Connect, JSON)'], ['buf curl (gRPC, described by reflection)']])('docs/api.md, %s', (title) => {
  const cases = examples(title);
  it('has examples', () => expect(cases.length).toBeGreaterThanOrEqual(3));
  // Named by the comment heading each example.
  it.each(cases.map((example) => [example.split('\n', 1)[0]!.replace(/^# /, ''), example]))(
    '%s',
    async (_name, example) => {
      const { stdout } = await runExample(example);
      expect(stdout.trim()).not.toBe('');
      // Answers of calls are JSON messages (listing methods prints names, one a line).
      if (!example.includes('--list-methods')) expect(() => JSON.parse(stdout)).not.toThrow();
      for (const [method, text] of shows) if (method.test(example)) expect(stdout).toContain(text);
    },
    60_000,
  );
});
