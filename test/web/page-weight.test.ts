import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * What a page weighs on the wire before compression, with the demo recipes: the query cache
 * a page carries for hydration holds what its cards show, not whole recipes.
 */
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SEED_DEMO: 'always', SESSION_SECRET: 'page-weight-session-secret-0123456789' });
}, 180_000);
afterAll(async () => {
  await t?.stop();
});

const html = async (path: string) => {
  const res = await fetch(`${t.baseUrl}${path}`, { headers: { 'accept-encoding': 'identity' } });
  expect(res.status).toBe(200);
  return res.text();
};

describe('page weight', () => {
  it('the home page is at most 60 KB of HTML, its shelves carrying card fields only', async () => {
    const page = await html('/');
    const kb = Buffer.byteLength(page) / 1000;
    console.info(`home page: ${kb.toFixed(1)} KB of HTML`);
    expect(kb).toBeLessThanOrEqual(60);
    // every shelf is there, and no card brought its ingredients or steps along
    for (const shelf of ['Newest recipes', 'Top rated', 'Quick: 30 minutes or less']) expect(page).toContain(shelf);
    expect(page.match(/class="card"/g)?.length).toBeGreaterThanOrEqual(20);
    expect(page).not.toMatch(/ingredientSections|yeet\.v1\.Step"/);
  });

  it('a search page carries its hits as cards, not whole recipes', async () => {
    const page = await html('/search?q=chicken');
    console.info(`search page: ${(Buffer.byteLength(page) / 1000).toFixed(1)} KB of HTML`);
    expect(page).toContain('class="hit"');
    expect(page).not.toMatch(/ingredientSections|yeet\.v1\.Step"/);
  });
});
