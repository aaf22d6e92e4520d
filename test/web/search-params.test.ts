import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';

/**
 * Whatever a URL carries, the search page answers with what it can use: an unusable page,
 * sort or filter value is ignored, not a "kitchen is closed" error.
 */
let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform({ ROLE: 'all', SESSION_SECRET: 'search-params-test-session-secret-0123456789' });
});
afterAll(() => t?.stop());

describe('search page parameters', () => {
  it.each([
    'page=abc',
    'page=-1',
    'page=1e9',
    'sort=bogus',
    'meal=nope',
    'difficulty=impossible',
    'time=forever',
    'diet=carnivore',
    'meal=dinner&meal=nope',
  ])('?%s is ignored', async (query) => {
    const res = await fetch(`${t.baseUrl}/search?${query}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>All recipes</h1>');
    expect(html).not.toContain('The kitchen is closed');
  });
});
