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

describe('the page without labels', () => {
  it('takes the lists of amounts as the ingredients, across their groups’ headings', () => {
    const html = page(
      '<title>Tuna melt</title>',
      '<h1>Tuna melt</h1><ul><li><a href="/">Home</a></li><li><a href="/r">Recipes</a></li></ul>' +
        '<h2>Produce</h2><ul><li>1 red onion</li><li>2 celery stalks</li><li>½ cup dill</li><li>1 lemon</li></ul>' +
        '<h2>Pantry</h2><ul><li>2 cans tuna</li><li>Kosher salt</li><li>3 tbsp mayonnaise</li></ul>' +
        '<h3>Do some prep</h3><ul><li>Finely chop ½ red onion and the celery.</li><li>Stir in the mayonnaise and the tuna.</li></ul>',
    );
    expect(read(html).ingredients).toEqual([
      '1 red onion',
      '2 celery stalks',
      '½ cup dill',
      '1 lemon',
      '2 cans tuna',
      'Kosher salt',
      '3 tbsp mayonnaise',
    ]);
  });

  it('reads the rows of a checklist of ingredients', () => {
    const row = (amount: string, name: string) =>
      `<div><input type="checkbox"><div><div>${amount}</div><div class="font-bold">${name}</div></div></div>`;
    const html = page(
      '<title>Rice pudding</title>',
      `<h1>Rice pudding</h1>${row('1 l', 'milk')}${row('200 g', 'rice')}${row('1', 'cinnamon stick')}` +
        '<h2>Method</h2><p>Simmer the rice in the milk with the cinnamon until soft.</p>',
    );
    expect(read(html).ingredients).toEqual(['1 l milk', '200 g rice', '1 cinnamon stick']);
  });

  it('goes on past a group heading as large as the Ingredients label when amounts follow it', () => {
    const html = page(
      '<title>Buns</title>',
      '<h1>Buns</h1><h2>Ingredients</h2><ul><li>4 cups flour</li><li>2 eggs</li></ul>' +
        '<h2>Glaze</h2><ul><li>1/3 cup sugar</li><li>½ cup hot water</li></ul>' +
        '<h2>Related</h2><ul><li>Hot cross buns</li><li>Easter bread</li></ul>' +
        '<h2>Method</h2><ol><li>Knead the dough until smooth and elastic.</li></ol>',
    );
    expect(read(html).ingredients).toEqual(['4 cups flour', '2 eggs', '1/3 cup sugar', '½ cup hot water']);
  });
});

describe('steps', () => {
  it('does not take a lone "Method" label marked as the instructions for the method', () => {
    const html = page(
      '<title>Chickpeas</title>',
      '<div itemscope itemtype="http://schema.org/Recipe"><h1 itemprop="name">Chickpeas</h1>' +
        '<h2>Ingredients</h2><ul><li itemprop="recipeIngredient">300 g chickpeas</li><li itemprop="recipeIngredient">3 tbsp oil</li></ul>' +
        '<div itemprop="recipeInstructions"><span>Method</span></div>' +
        '<ol><li>Preheat the oven to 160°C fan.</li><li>Drain the chickpeas and bake them.</li></ol></div>',
    );
    expect(read(html).instructions).toEqual(['Preheat the oven to 160°C fan.', 'Drain the chickpeas and bake them.']);
  });

  it('drops the page’s own "STEP 1 |" numbering in front of a step', () => {
    const html = page(
      ld({
        '@type': 'Recipe',
        name: 'Slice',
        recipeIngredient: ['2 eggs', '1 zucchini'],
        recipeInstructions: ['STEP 1 | Preheat the oven.', 'Step 2: Bake it.'],
      }),
    );
    expect(read(html).instructions).toEqual(['Preheat the oven.', 'Bake it.']);
  });

  it('ends a method set as paragraphs at a link, a note or a call-out in bold', () => {
    const steps = '<p>Preheat the oven to 220 degrees.</p><p>Bake the pie for forty minutes.</p>';
    const html = (after: string) =>
      page(
        '<title>Pie</title>',
        `<h1>Pie</h1><h2>Ingredients</h2><ul><li>3 eggs</li><li>1 crust</li></ul><h2>Instructions</h2>${steps}${after}<p>More text that is not a step at all.</p>`,
      );
    const expected = ['Preheat the oven to 220 degrees.', 'Bake the pie for forty minutes.'];
    expect(read(html('<p><a href="#">Print Recipe</a></p>')).instructions).toEqual(expected);
    expect(read(html('<p>NOTE | the vegetables can be swapped for others you like.</p>')).instructions).toEqual(expected);
    expect(
      read(html('<p><strong>Did you like this recipe? Did you know that we wrote two cookbooks? Order them here!</strong></p>'))
        .instructions,
    ).toEqual(expected);
  });
});

describe('recipe-card lists and labels', () => {
  it('reads the items of a group nested in the list, without the group’s name', () => {
    const html = page(
      '<title>Chili</title>',
      '<h1>Chili</h1><div class="recipe-ingredients"><ul><li>1 tbsp oil</li><li><strong>Seasonings</strong>' +
        '<ul><li>1 tbsp chili powder</li><li>2 tsp cumin</li></ul></li><li>2 cups stock</li></ul></div>' +
        '<div class="recipe-instructions"><ol><li>Brown the beef in the oil.</li><li>Add the rest and simmer.</li></ol></div>',
    );
    expect(read(html).ingredients).toEqual(['1 tbsp oil', '1 tbsp chili powder', '2 tsp cumin', '2 cups stock']);
  });

  it('takes "Cooking Instructions" as the method’s label and "Preparation Time" as none', () => {
    const html = page(
      '<title>Smoothie</title>',
      '<h1>Smoothie</h1><ul><li><b>5 min</b><p>Preparation Time</p></li><li>(open in a new tab)</li><li>(open in a new tab)</li>' +
        '<li>(open in a new tab)</li></ul>' +
        '<h2>Ingredients</h2><ul><li>1 banana</li><li>1 cup milk</li></ul>' +
        '<h3>Cooking Instructions</h3><ul><li>Blend the banana with the milk.</li><li>Pour into a tall glass.</li></ul>',
    );
    const r = read(html);
    expect(r.ingredients).toEqual(['1 banana', '1 cup milk']);
    expect(r.instructions).toEqual(['Blend the banana with the milk.', 'Pour into a tall glass.']);
  });
});

describe('yield from the page', () => {
  const withYield = (markup: string) =>
    read(
      page(
        ld({
          '@type': 'Recipe',
          name: 'Stew',
          recipeIngredient: ['1 kg beef', '2 onions'],
          recipeInstructions: ['Brown the beef.'],
        }),
        `<h1>Stew</h1>${markup}<p>Calories 450</p>`,
      ),
    ).yields;

  it('reads "Serves: 4", a label over its number, and "4 servings" when the data has no yield', () => {
    expect(withYield('<p><strong>Serves:</strong> 6-8<br><strong>Prep time:</strong> 20 minutes</p>')).toBe('Serves: 6-8');
    expect(withYield('<div><div>Servings</div><div>6</div></div>')).toBe('Servings 6');
    expect(withYield('<div>Makes <span>12</span> servings</div>')).toBe('Makes 12 servings');
    expect(withYield('<span>4 servings</span>')).toBe('4 servings');
  });

  it('takes no yield from prose or from numbers that are not one', () => {
    expect(withYield('<p>Makes a great gift for your 4 friends.</p>')).toBeNull();
    expect(withYield('<div>Servings</div><div>450</div>')).toBeNull();
  });
});

describe('JSON-LD as pages write it', () => {
  it('reads an object followed by a semicolon', () => {
    const html = page(
      `<script type="application/ld+json">${JSON.stringify({ '@type': 'Recipe', name: 'Casserole', recipeYield: '6', totalTime: 'PT40M' })};</script>`,
    );
    const r = extractRecipe(html, 'https://example.com/r');
    expect([r.title, r.yields, r.totalMinutes]).toEqual(['Casserole', '6', 40]);
  });
});

describe('times from the page', () => {
  const minutes = (markup: string) =>
    extractRecipe(
      page(
        ld({
          '@type': 'Recipe',
          name: 'Stew',
          recipeIngredient: ['1 kg beef', '2 onions'],
          recipeInstructions: ['Brown the beef.'],
        }),
        `<h1>Stew</h1>${markup}<p>Cook for a long time, at least 3 hours, stirring.</p>`,
      ),
      'https://example.com/r',
    ).totalMinutes;

  it('reads the total the page prints, else preparation and cooking added up', () => {
    expect(minutes('<p>Prep Time: 5 minutes</p><p>Cook Time: 15 minutes</p><p>Total Time: 20 minutes</p>')).toBe(20);
    expect(minutes('<div><span>TOTAL TIME:</span></div><div>1 Hr</div>')).toBe(60);
    expect(minutes('<p>Prep time = 10 mins</p><p>Cooking time = 35 mins</p>')).toBe(45);
  });

  it('takes no time from prose', () => {
    expect(minutes('<p>Serves 4</p>')).toBeNull();
  });
});

describe('tables', () => {
  it('reads a table’s rows as ingredient lines when the data gives one line only', () => {
    const row = (a: string, b: string) => `<tr><td>${a}</td><td>${b}</td></tr>`;
    const html = page(
      ld({ '@type': 'Recipe', name: 'Roast chicken', recipeIngredient: 'Chicken', recipeInstructions: ['Roast the chicken.'] }),
      `<h1>Roast chicken</h1><h2>Ingredients</h2><table>${row('150ml', 'red wine')}${row('100g', 'tomato paste')}${row('1', 'chicken')}</table>`,
    );
    expect(read(html).ingredients).toEqual(['150ml red wine', '100g tomato paste', '1 chicken']);
  });

  it('reads a table of labels over values as labelled values; a step list’s bare numbers and its note are not steps', () => {
    const html = page(
      '<title>Fruit skewers</title>',
      '<h1>Fruit skewers</h1><table><tr><th>Prep time</th><th>Yields</th></tr><tr><td>15 minutes</td><td>4 servings</td></tr></table>' +
        '<h2>Ingredients</h2><ul><li>1 cup strawberries</li><li>1/4 cup yogurt</li></ul>' +
        '<h2>Directions</h2><ol><li><table><tr><td>1</td><td><div>Thread the fruit on the skewers.</div></td></tr></table></li>' +
        '<li><table><tr><td>2</td><td><div>Serve with the yogurt on the side.</div></td></tr></table></li>' +
        '<li>Note: skewers are sharp, so watch young children.</li></ol>',
    );
    const r = extractRecipe(html, 'https://example.com/r');
    expect([r.totalMinutes, r.yields]).toEqual([15, 'Yields 4 servings']);
    expect(flatRecipe(r).instructions).toEqual(['Thread the fruit on the skewers.', 'Serve with the yogurt on the side.']);
  });
});
