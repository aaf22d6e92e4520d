import { describe, expect, it } from 'vitest';
import {
  assertReadyForReview,
  DomainError,
  parseRecipeContent,
  slugify,
  kebab,
  hasRole,
  missingForReview,
  neededForReview,
  type RecipeContentInput,
} from '../src/index.ts';

const valid = (): RecipeContentInput => ({
  title: '  Weeknight Dal  ',
  summary: 'Red lentils, cumin and a squeeze of lime.',
  ingredientSections: [{ name: '', ingredients: [{ quantity: 250, unit: 'g', item: 'red lentils', note: '' }] }],
  steps: [{ text: 'Simmer the lentils until soft.' }],
  servings: 4,
  prepMinutes: 10,
  cookMinutes: 25,
  totalMinutes: 0,
  difficulty: 'easy',
  cuisines: ['Indian', 'indian', 'Middle  Eastern'],
  mealTypes: ['dinner', 'dinner', 'lunch'],
  tags: ['One Pot', 'one-pot', 'Crème Fraîche'],
  dietaryFlags: ['vegan'],
});

function violations(input: RecipeContentInput): Record<string, string> {
  try {
    parseRecipeContent(input);
  } catch (e) {
    if (e instanceof DomainError) return Object.fromEntries(e.violations.map((v) => [v.field, v.description]));
    throw e;
  }
  return {};
}

describe('parseRecipeContent', () => {
  it('normalises what authors type', () => {
    const c = parseRecipeContent(valid());
    expect(c.title).toBe('Weeknight Dal');
    expect(c.cuisines).toEqual(['indian', 'middle-eastern']);
    expect(c.mealTypes).toEqual(['dinner', 'lunch']);
    expect(c.tags).toEqual(['one-pot', 'creme-fraiche']);
    expect(c.totalMinutes).toBe(35);
    // vegan implies vegetarian and dairy-free, in a stable order
    expect(c.dietaryFlags).toEqual(['vegetarian', 'vegan', 'dairy-free']);
  });

  it('names every bad field at once, the total time among them (it used to wait for the next save)', () => {
    const input = valid();
    input.title = 'ab';
    input.servings = 0;
    input.ingredientSections = [{ name: '', ingredients: [{ quantity: -1, unit: 'g', item: ' ', note: '' }] }];
    input.difficulty = 'impossible' as never;
    input.mealTypes = ['dinner', 'elevenses' as never];
    input.totalMinutes = 5;
    const v = violations(input);
    expect(Object.keys(v).sort()).toEqual(
      [
        'difficulty',
        'ingredientSections[0].ingredients[0].item',
        'ingredientSections[0].ingredients[0].quantity',
        'mealTypes[1]',
        'servings',
        'title',
        'totalMinutes',
      ].sort(),
    );
    expect(v.difficulty).toBe('choose one of: easy, medium, hard');
    expect(v.title).toMatch(/at least 3 characters/);
  });

  it('refuses a total time shorter than prep + cook', () => {
    const input = { ...valid(), totalMinutes: 20 };
    expect(violations(input)).toEqual({ totalMinutes: expect.stringContaining('at least prep + cook (35 minutes)') });
    // one message per field: a total that is itself bad is not compared too
    expect(Object.values(violations({ ...valid(), totalMinutes: -1 }))).toEqual(['total time cannot be negative']);
  });

  it('takes cuisines from the known list only, naming the field and the values allowed', () => {
    const v = violations({ ...valid(), cuisines: ['italian', 'klingon'] });
    expect(Object.keys(v)).toEqual(['cuisines[1]']);
    expect(v['cuisines[1]']).toMatch(/^choose one of: african, american, .*middle-eastern.*vietnamese$/);
  });

  it('bounds sizes: a 10 KB title is refused, not stored', () => {
    expect(Object.keys(violations({ ...valid(), title: 'x'.repeat(10_000) }))).toEqual(['title']);
  });

  it('needs for review exactly the fields forms mark as needed', () => {
    const empty = parseRecipeContent({
      ...valid(),
      summary: '',
      ingredientSections: [],
      steps: [],
      prepMinutes: 0,
      cookMinutes: 0,
      difficulty: null,
      mealTypes: [],
    });
    expect(
      missingForReview(empty)
        .map((m) => m.field)
        .sort(),
    ).toEqual([...neededForReview].sort());
  });

  it('lets a draft be incomplete, but not go to review that way', () => {
    const draft = parseRecipeContent({ ...valid(), steps: [], difficulty: null, mealTypes: [], summary: '' });
    try {
      assertReadyForReview(draft);
      expect.unreachable();
    } catch (e) {
      expect((e as DomainError).code).toBe('failed_precondition');
      expect((e as DomainError).violations.map((v) => v.field).sort()).toEqual(['difficulty', 'mealTypes', 'steps', 'summary']);
    }
  });
});

describe('slugs and labels', () => {
  it.each([
    ['Crème Brûlée', 'creme-brulee'],
    ['Smørrebrød with Æbleskiver', 'smorrebrod-with-aebleskiver'],
    ["Shepherd's Pie!", 'shepherd-s-pie'],
    ['   ', 'recipe'],
    ['🍕🍕', 'recipe'],
  ])('slugify(%j) = %j', (title, slug) => expect(slugify(title)).toBe(slug));

  it('cuts long slugs at a word boundary', () => {
    const slug = slugify('a very long title about a very long recipe that keeps going and going until it ends somewhere');
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug.endsWith('-')).toBe(false);
    expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('kebab-cases tags', () => expect(kebab('  Weekend_Project ')).toBe('weekend-project'));
});

describe('roles are cumulative', () => {
  const as = (...roles: ('user' | 'author' | 'editor' | 'admin')[]) => ({
    kind: 'user' as const,
    user: { id: 'u', displayName: 'U' },
    roles,
  });
  it('admin can do what editors, authors and users can', () => {
    expect(['user', 'author', 'editor', 'admin'].every((r) => hasRole(as('admin'), r as never))).toBe(true);
  });
  it('an author is not an editor', () => {
    expect(hasRole(as('user', 'author'), 'editor')).toBe(false);
    expect(hasRole({ kind: 'anonymous' }, 'user')).toBe(false);
  });
});
