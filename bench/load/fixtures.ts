import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { loadConfig, sessionCookieName, webSessionCodec } from '@yeet/platform';
import { oidcFlow, type OidcFlow, type Tokens } from '../../test/support/oidc.ts';

/**
 * What the scenarios need before load starts: real accounts signed in at the platform's
 * own issuer (tokens and session cookies as the web app makes them), the published
 * catalogue, and drafts for the writing and reviewing scenarios. Everything goes through
 * the public API, as people would.
 */

/** A Connect JSON call; throws with the answer when it is not 200. */
export async function rpc<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  message: unknown,
  token?: string,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await whenNotBusy(() =>
    fetch(`${baseUrl}/api/yeet.v1.${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
      body: JSON.stringify(message),
      signal: AbortSignal.timeout(30_000),
    }),
  );
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/**
 * The setup between runs behaves as a client should: a 503 with Retry-After (the platform
 * still draining the previous run's queue) is tried again after the wait it names, a few times.
 */
async function whenNotBusy(send: () => Promise<Response>): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    const res = await send();
    const retryAfter = Number(res.headers.get('retry-after'));
    if (res.status !== 503 || !(retryAfter > 0) || attempt >= 6) return res;
    await res.arrayBuffer();
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
  }
}

export interface Person {
  email: string;
  tokens: Tokens;
  id: string;
}

export interface Cast {
  admin: Person;
  authors: Person[];
  editors: Person[];
  readers: Person[];
  /** MCP clients: assistants acting for signed-in people. */
  assistants: Person[];
  /** A signed-in reader's Cookie header, sealed as the web role seals it. */
  cookie(reader: Person): string;
  /** New access tokens for everyone (they live 10 minutes; a full run is longer). */
  refresh(): Promise<void>;
}

export interface CastOptions {
  baseUrl: string;
  sessionSecret: string;
  authors: number;
  editors: number;
  readers: number;
  assistants: number;
  /** Remembers which accounts exist, so a rerun on the same data signs in instead of up. */
  ledger?: string;
}

const password = 'the load suite password, long enough';

/** Signs everyone in (up, the first time), and gives authors and editors their roles. */
export async function cast(o: CastOptions): Promise<Cast> {
  const config = loadConfig({ PUBLIC_URL: o.baseUrl, SESSION_SECRET: o.sessionSecret });
  const flow: OidcFlow = oidcFlow(o.baseUrl, config, o.sessionSecret);
  const known = new Set<string>(o.ledger && existsSync(o.ledger) ? JSON.parse(await readFile(o.ledger, 'utf8')) : []);
  let n = 0;
  const person = async (email: string): Promise<Person> => {
    n += 1;
    const tokens = await fromAddress(`10.200.${n >> 8}.${n & 255}`, () =>
      known.has(email) ? flow.signIn(email, password) : flow.signUp({ email, password, displayName: email.split('@')[0]! }),
    );
    known.add(email);
    if (o.ledger) await writeFile(o.ledger, JSON.stringify([...known]));
    const me = await rpc<{ user: { id: string } }>(o.baseUrl, 'UserService/GetMe', {}, tokens.access_token);
    return { email, tokens, id: me.user.id };
  };
  // The first account of a fresh platform is its admin.
  const admin = await person('load-admin@example.com');
  const many = async (kind: string, n: number) => {
    const people: Person[] = [];
    for (let i = 0; i < n; i++) people.push(await person(`load-${kind}-${i}@example.com`));
    return people;
  };
  const authors = await many('author', o.authors);
  const editors = await many('editor', o.editors);
  const readers = await many('reader', o.readers);
  const assistants = await many('assistant', o.assistants);
  for (const [people, roles] of [
    [authors, ['ROLE_USER', 'ROLE_AUTHOR']],
    [editors, ['ROLE_USER', 'ROLE_EDITOR']],
    [assistants, ['ROLE_USER', 'ROLE_AUTHOR']],
  ] as const) {
    for (const p of people) await rpc(o.baseUrl, 'UserService/SetUserRoles', { userId: p.id, roles }, admin.tokens.access_token);
  }
  const codec = webSessionCodec(o.sessionSecret);
  const everyone = [admin, ...authors, ...editors, ...readers, ...assistants];
  return {
    admin,
    authors,
    editors,
    readers,
    assistants,
    cookie(reader) {
      const session = {
        id: `load-${reader.id}`,
        accessToken: reader.tokens.access_token,
        refreshToken: null,
        expiresAt: Math.floor(Date.now() / 1000) + reader.tokens.expires_in,
      };
      return `${sessionCookieName}=${codec.seal(session, 3600)}`;
    },
    async refresh() {
      for (const p of everyone) {
        if (!p.tokens.refresh_token) continue;
        const refreshToken = p.tokens.refresh_token;
        const res = await whenNotBusy(() => flow.refresh(refreshToken));
        if (!res.ok) throw new Error(`refreshing ${p.email}: ${res.status} ${await res.text()}`);
        p.tokens = (await res.json()) as Tokens;
      }
    },
  };
}

/**
 * Runs `f` with every fetch it makes sent as from `address` (X-Forwarded-For; the platform
 * trusts it under TRUST_PROXY). Each person signs up from an address of their own, as people
 * do: sign-ups are limited per address. The sign-in helpers (test/support/oidc.ts) call the
 * global fetch, so it is wrapped for the while; nothing else runs meanwhile.
 */
async function fromAddress<T>(address: string, f: () => Promise<T>): Promise<T> {
  const original = globalThis.fetch;
  globalThis.fetch = (input, init = {}) => {
    const headers = new Headers(init.headers);
    headers.set('x-forwarded-for', address);
    return original(input, { ...init, headers });
  };
  try {
    return await f();
  } finally {
    globalThis.fetch = original;
  }
}

/** Slugs of the published recipes, the best rated first (the demo catalogue), up to `max`. */
export async function catalogue(baseUrl: string, max = 100): Promise<string[]> {
  return (await publishedRecipes(baseUrl, max)).map((r) => r.slug);
}

/** Like `catalogue`, with each recipe's id (what GetViewer is asked with). */
export async function publishedRecipes(baseUrl: string, max = 100): Promise<Array<{ id: string; slug: string }>> {
  const recipes: Array<{ id: string; slug: string }> = [];
  for (let page = 1; recipes.length < max; page++) {
    const res = await rpc<{ hits?: Array<{ recipe: { id: string; slug: string } }> }>(baseUrl, 'SearchService/SearchRecipes', {
      pageSize: 50,
      page,
      skipFacets: true,
      // Rated recipes first: the demo's, with photos and ratings, before what earlier runs wrote.
      sort: 'SEARCH_SORT_TOP_RATED',
    });
    if (!res.hits?.length) break;
    recipes.push(...res.hits.map((h) => ({ id: h.recipe.id, slug: h.recipe.slug })));
  }
  if (!recipes.length) throw new Error('no published recipes: the platform should have seeded the demo catalogue (SEED_DEMO)');
  return recipes.slice(0, max);
}

/** A complete recipe an author might write, ready for review. */
export function recipeDraft(title: string) {
  return {
    title,
    summary: 'A pot of something warm, written by the load suite.',
    ingredientSections: [
      {
        name: '',
        ingredients: [
          { quantity: 500, unit: 'g', item: 'potatoes', note: 'diced' },
          { quantity: 1, unit: '', item: 'onion', note: '' },
          { unit: '', item: 'salt', note: 'to taste' },
        ],
      },
    ],
    steps: [{ text: 'Soften the onion.' }, { text: 'Add the potatoes, cover with water and simmer for 25 minutes.' }],
    servings: 4,
    prepMinutes: 10,
    cookMinutes: 25,
    difficulty: 'DIFFICULTY_EASY',
    cuisines: ['British'],
    mealTypes: ['MEAL_TYPE_DINNER'],
    tags: ['stew'],
  };
}

/** `n` drafts, written by the given authors in turn, `parallel` at a time; their ids. */
export async function drafts(baseUrl: string, authors: Person[], n: number, label: string, parallel = 6): Promise<string[]> {
  const ids: string[] = new Array(n);
  let next = 0;
  const run = async () => {
    while (next < n) {
      const i = next++;
      const author = authors[i % authors.length]!;
      const res = await rpc<{ recipe: { id: string } }>(
        baseUrl,
        'RecipeService/CreateRecipe',
        { recipe: recipeDraft(`Load ${label} stew ${i}`) },
        author.tokens.access_token,
        { 'idempotency-key': randomUUID() },
      );
      ids[i] = res.recipe.id;
    }
  };
  await Promise.all(Array.from({ length: parallel }, run));
  return ids;
}
