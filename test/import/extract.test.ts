import { describe, expect, it } from 'vitest';
import { extractRecipe, flatRecipe } from '../../apps/api/src/import/extract.ts';

// Small synthetic pages, one per general rule of the extractor (never a saved corpus page).
const page = (head: string, body = '') => `<!doctype html><html><head>${head}</head><body>${body}</body></html>`;
const ld = (data: unknown) => `<script type="application/ld+json">${JSON.stringify(data)}</script>`;
const read = (html: string) => flatRecipe(extractRecipe(html, 'https://example.com/r'));

describe('structured data', () => {
  it('reads microdata sections nested in sections, and steps marked outside the Recipe item', () => {
    const body = `
      <div itemscope itemtype="http://schema.org/Recipe"><h1 itemprop="name">Apple salad</h1>
        <ul><li itemprop="recipeIngredient">2 apples</li><li itemprop="recipeIngredient">1 lemon</li></ul></div>
      <ol itemprop="recipeInstructions" itemscope itemtype="http://schema.org/HowToSection">
        <h4>Dressing</h4><ol itemprop="recipeInstructions" itemscope itemtype="http://schema.org/HowToSection">
          <meta itemprop="name" content="Dressing">
          <li itemprop="itemListElement" itemscope itemtype="http://schema.org/HowToStep"><span itemprop="text">Whisk the lemon juice with oil.</span></li>
        </ol>
        <ol itemprop="recipeInstructions" itemscope itemtype="http://schema.org/HowToSection">
          <meta itemprop="name" content="Salad">
          <li itemprop="itemListElement" itemscope itemtype="http://schema.org/HowToStep"><span itemprop="text">Slice the apples thinly.</span></li>
          <li itemprop="itemListElement" itemscope itemtype="http://schema.org/HowToStep"><span itemprop="text">Toss with the dressing.</span></li>
        </ol>
      </ol>`;
    const r = extractRecipe(page('', body), 'https://example.com/r');
    expect(r.stepSections).toEqual([
      { name: 'Dressing', steps: ['Whisk the lemon juice with oil.'] },
      { name: 'Salad', steps: ['Slice the apples thinly.', 'Toss with the dressing.'] },
    ]);
  });

  it('reads a method printed twice (a print copy of the card) once', () => {
    const section = (name: string, steps: string[]) => ({
      '@type': 'HowToSection',
      name,
      itemListElement: steps.map((text) => ({ '@type': 'HowToStep', text })),
    });
    const a = section('Dough', ['Mix the flour and water.']);
    const b = section('Filling', ['Cook the apples with sugar.']);
    const html = page(
      ld({ '@type': 'Recipe', name: 'Pie', recipeIngredient: ['1 cup flour', '3 apples'], recipeInstructions: [a, b, a, b] }),
    );
    expect(read(html).instructions).toEqual(['Dough', 'Mix the flour and water.', 'Filling', 'Cook the apples with sugar.']);
  });

  it('does not take instructions that only repeat the description; reads the page instead', () => {
    const description = 'The best chocolate cake, made with love.';
    const html = page(
      ld({
        '@type': 'Recipe',
        name: 'Cake',
        description,
        recipeIngredient: ['200 g flour', '2 eggs'],
        recipeInstructions: description,
      }),
      '<h2>Method</h2><ol><li>Beat the eggs with the sugar.</li><li>Fold in the flour and bake.</li></ol>',
    );
    expect(read(html).instructions).toEqual(['Beat the eggs with the sugar.', 'Fold in the flour and bake.']);
  });
});

describe('the page itself', () => {
  it('reads a list item as one line though it wraps with <br>', () => {
    const html = page(
      '<title>Pie</title>',
      '<h1>Pie</h1><h2>Ingredients</h2><ul><li>2 scoops protein<br>powder</li><li>3 eggs</li></ul>' +
        '<h2>Instructions</h2><ol><li>Whisk everything together well.</li></ol>',
    );
    expect(read(html).ingredients).toEqual(['2 scoops protein powder', '3 eggs']);
  });

  it('takes text set bold with a style as a group label, not an ingredient', () => {
    const html = page(
      '<title>Tacos</title>',
      '<h1>Tacos</h1><p><span style="font-weight:700">INGREDIENTS:</span></p>' +
        '<p><span style="font-weight: 700">Tortillas</span></p><ul><li><p>2 cups flour</p></li><li><p>1 tsp salt</p></li></ul>' +
        '<p><span style="font-weight:700">Salsa</span></p><ul><li><p>3 tomatoes</p></li></ul>' +
        '<p><span style="font-weight:700">INSTRUCTIONS:</span></p><ol><li><p>Knead the flour with the salt and water.</p></li></ol>',
    );
    expect(read(html).ingredients).toEqual(['2 cups flour', '1 tsp salt', '3 tomatoes']);
  });
});
