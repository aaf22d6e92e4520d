import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SignedInCaller } from '@yeet/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageController } from '../../apps/api/src/controllers/image.controller.ts';
import { ImportController } from '../../apps/api/src/controllers/import.controller.ts';
import { RecipeController } from '../../apps/api/src/controllers/recipe.controller.ts';
import { dietsOf, draftFromExtracted, fitText, ingredientOf, mealTypesOf, textToHtml } from '../../apps/api/src/import/draft.ts';
import { extractRecipe } from '../../apps/api/src/import/extract.ts';
import { captureLogs } from '../support/logs.ts';

/** Mapping what the importer read into a draft of ours: fitted, never failing, nothing lost. */
describe('a page into a draft', () => {
  it('parses ingredient lines with our parser, and keeps a doubtful line whole', () => {
    expect(ingredientOf('200 g plain flour, sifted')).toEqual({ quantity: 200, unit: 'g', item: 'plain flour', note: 'sifted' });
    expect(ingredientOf('Salt, to taste')).toEqual({ quantity: null, unit: '', item: 'Salt', note: 'to taste' });
    // A range: "2" then "-3 cloves garlic" would be a mangled name.
    expect(ingredientOf('2-3 cloves garlic')).toEqual({ quantity: null, unit: '', item: '2-3 cloves garlic', note: '' });
    expect(ingredientOf('1 (14 oz) can tomatoes')).toEqual({
      quantity: null,
      unit: '',
      item: '1 (14 oz) can tomatoes',
      note: '',
    });
    // A minus is no amount a page means: the line is kept whole, never refused.
    expect(ingredientOf('-5 g salt')).toEqual({ quantity: null, unit: '', item: '-5 g salt', note: '' });
    expect(ingredientOf('two onions, sliced')).toEqual({ quantity: 2, unit: '', item: 'onions', note: 'sliced' });
    const long = `1 cup ${'very '.repeat(40)}long flour`;
    const kept = ingredientOf(long);
    expect(kept.item.length).toBeLessThanOrEqual(120);
    expect(`${kept.item} ${kept.note}`).toBe(long);
  });

  it('fits text at a word boundary', () => {
    expect(fitText('  a  b   c ', 10)).toBe('a b c');
    expect(fitText('one two three four', 16)).toBe('one two three');
    expect(fitText('abcdefghijklmnop qr', 10)).toBe('abcdefghij');
  });

  it('reads meal types and diets only where the page names them', () => {
    expect(mealTypesOf(['Main Course', 'Soups'])).toEqual(['dinner']);
    expect(mealTypesOf(['Desserts', 'Drinks'])).toEqual(['dessert', 'drink']);
    expect(mealTypesOf(['Italian'])).toEqual([]);
    expect(dietsOf(['https://schema.org/VeganDiet', 'Gluten-Free', 'easy'])).toEqual(['vegan', 'gluten-free']);
  });

  it('fits an oversized page to what a recipe may hold, and says what is missing', () => {
    const html = `<script type="application/ld+json">${JSON.stringify({
      '@type': 'Recipe',
      name: 'A'.repeat(300),
      recipeIngredient: Array.from({ length: 150 }, (_, i) => `${i + 1} g thing number ${i}`),
      recipeInstructions: Array.from({ length: 80 }, (_, i) => `Do step number ${i} carefully.`),
      recipeYield: '500 portions',
      totalTime: 'PT10M',
      prepTime: 'PT20M',
      recipeCuisine: ['Vegan', 'Thai', 'Dessert'],
    })}</script>`;
    const { content, missing } = draftFromExtracted(extractRecipe(html, 'https://example.com/x'), 'Fallback');
    expect(content.title).toHaveLength(120);
    expect(content.ingredientSections[0]!.ingredients).toHaveLength(100);
    expect(content.steps).toHaveLength(60);
    expect(content.steps.at(-1)!.text).toContain('Do step number 79 carefully.');
    expect(content.servings).toBe(100);
    // A total below prep + cook is the page's error: prep + cook stands.
    expect([content.prepMinutes, content.totalMinutes]).toEqual([20, 0]);
    expect(content.cuisines).toEqual(['thai']);
    expect(content.dietaryFlags).toEqual(['vegan']);
    expect(content.mealTypes).toEqual(['dessert']);
    expect(missing).toEqual(['summary', 'cook_minutes', 'tags', 'difficulty']);
  });

  it('keeps the cuisines on our list, and the others as tags', () => {
    const html = `<script type="application/ld+json">${JSON.stringify({
      '@type': 'Recipe',
      name: 'Queso',
      recipeIngredient: ['200 g cheese'],
      recipeCuisine: ['Tex-Mex', 'Middle Eastern', 'Klingon'],
      keywords: 'dip',
    })}</script>`;
    const { content } = draftFromExtracted(extractRecipe(html, 'https://example.com/x'), 'Fallback');
    expect(content.cuisines).toEqual(['middle-eastern']);
    expect(content.tags).toEqual(['tex-mex', 'klingon', 'dip']);
  });

  it('turns pasted text into a page the parser reads, escaping what looks like markup', () => {
    const html = textToHtml('Toast <b>\nIngredients:\n2 slices bread\nMethod\nToast the bread & butter it.');
    expect(html).toContain('<h1>Toast &lt;b&gt;</h1>');
    expect(html).toContain('<h2>Ingredients</h2>');
    expect(html).toContain('<p>Toast the bread &amp; butter it.</p>');
  });
});

describe('the import log', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_req, res) =>
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          '<script type="application/ld+json">{"@type":"Recipe","name":"Toast","recipeIngredient":["2 slices bread"]}</script>',
        ),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('names the host only: never credentials, path or query', async () => {
    const { logger, lines } = captureLogs();
    // A preview touches neither the database nor the images.
    const importer = new ImportController({
      recipes: new RecipeController(null as never),
      images: null as unknown as ImageController,
      imageMaxBytes: 1024,
      logger,
    });
    importer.setGuardOptions({ ports: [port], allowAddress: (a) => a === '127.0.0.1', resolve: async () => ['127.0.0.1'] });
    const caller: SignedInCaller = { kind: 'user', user: { id: 'u1', displayName: 'U' }, roles: ['author'] };
    const url = `http://ines:hunter2@recipes.test:${port}/private/path?token=s3cr3t`;
    const result = await importer.import(caller, { kind: 'url', url }, true);
    expect(result.recipe.title).toBe('Toast');
    // The source kept has no credentials either.
    expect(result.source?.url).toBe(`http://recipes.test:${port}/private/path?token=s3cr3t`);
    const logged = JSON.stringify(lines);
    expect(lines.some((l) => l.host === `recipes.test:${port}`)).toBe(true);
    for (const secret of ['hunter2', 'ines:', 's3cr3t', '/private/path']) expect(logged).not.toContain(secret);
  });
});
