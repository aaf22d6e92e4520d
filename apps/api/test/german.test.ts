import { Code, ConnectError } from '@connectrpc/connect';
import {
  assertDeletable,
  assertEditable,
  assertLineText,
  assertQuantity,
  assertReadyForReview,
  assertServings,
  DomainError,
  parseCollectionName,
  parseDay,
  parseDisplayName,
  parsePlanNote,
  parsePlanServings,
  parseRatingInput,
  parseRecipeContent,
  parseSignUp,
  planTransition,
  type RecipeContent,
  type RecipeContentInput,
} from '@yeet/domain';
import { describe, expect, it } from 'vitest';
import { refusalMessage } from '../src/limits/rate-limits.ts';
import { enforce } from '../src/rpc/authorize.ts';
import { toConnectError } from '../src/rpc/errors.ts';
import { germanText, localError } from '../src/rpc/german.ts';

/**
 * The API's messages a site reader meets, in German (issue 17, decision 0042): the table in
 * apps/api/src/rpc/german.ts matches the English the domain writes, so a change of wording
 * there must come with its German here. Each error below is made by the domain code itself.
 */
const errorOf = (f: () => unknown): DomainError => {
  try {
    f();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('no error');
};

const worst: RecipeContentInput = {
  title: 'x\u0001',
  summary: 's'.repeat(600),
  ingredientSections: [
    { name: 'n'.repeat(70), ingredients: [{ quantity: -1, unit: 'u'.repeat(30), item: '', note: 'n'.repeat(300) }] },
  ],
  steps: [{ text: '' }],
  servings: 0.5,
  prepMinutes: -1,
  cookMinutes: 1.5,
  totalMinutes: 100_000,
  difficulty: 'impossible' as never,
  cuisines: ['martian'],
  mealTypes: ['elevenses' as never],
  tags: ['x', 't'.repeat(50)],
  dietaryFlags: ['carnivore' as never],
};
const empty = { summary: '', ingredientSections: [], steps: [], difficulty: null, mealTypes: [], totalMinutes: 0 };

const errors: Array<[string, () => unknown]> = [
  ['a recipe’s every bad field', () => parseRecipeContent(worst)],
  [
    'total time below prep + cook',
    () =>
      parseRecipeContent({
        ...worst,
        title: 'Dal',
        summary: '',
        ingredientSections: [],
        steps: [],
        servings: 2,
        prepMinutes: 10,
        cookMinutes: 10,
        totalMinutes: 5,
        difficulty: null,
        cuisines: [],
        mealTypes: [],
        tags: [],
        dietaryFlags: [],
      }),
  ],
  ['not ready for review', () => assertReadyForReview(empty as unknown as RecipeContent)],
  ['not editable', () => assertEditable('in_review', 'owner')],
  ['not deletable', () => assertDeletable('published')],
  ['not the editor', () => planTransition('in_review', 'approve', { isOwner: true, isEditor: false })],
  ['no reason', () => planTransition('in_review', 'reject', { isOwner: false, isEditor: true })],
  ['wrong status', () => planTransition('draft', 'approve', { isOwner: false, isEditor: true })],
  ['stars', () => parseRatingInput({ stars: 9, review: 'r'.repeat(3000) })],
  ['sign-up', () => parseSignUp({ email: 'nope', displayName: '', password: 'short' })],
  ['display name', () => parseDisplayName('n'.repeat(200))],
  ['collection name', () => parseCollectionName('')],
  ['servings', () => assertServings(0)],
  ['shopping text', () => assertLineText('', 'text', 120, true)],
  ['shopping quantity', () => assertQuantity(-1)],
  ['plan servings', () => parsePlanServings(0)],
  ['plan note', () => parsePlanNote('')],
  ['plan day', () => parseDay('tomorrow', 'day')],
];

describe('the API’s messages in German', () => {
  it.each(errors)('%s: the message and every field’s problem', (_, f) => {
    const error = errorOf(f);
    const german = localError(toConnectError(error, ''), 'de') as ConnectError;
    expect(german).toBeInstanceOf(ConnectError);
    const english = [error.message, ...error.violations.map((v) => v.description)];
    for (const text of error.violations.map((v) => v.description)) expect(germanText(text), text).not.toBe(text);
    // nothing English left: the words every English message of these has one of
    expect(german.rawMessage).not.toMatch(/\b(must|the|choose|give|add|only|this|cannot|write|say|use)\b/i);
    expect(german.rawMessage).not.toBe(english[0]);
  });

  it('keeps each violation’s field and the error’s code, and leaves English callers as they were', () => {
    const error = errorOf(() => parseRatingInput({ stars: 0, review: '' }));
    const connect = toConnectError(error, '');
    expect(localError(connect, 'en')).toBe(connect);
    const german = localError(connect, 'de') as ConnectError;
    expect(german.code).toBe(Code.InvalidArgument);
    expect(german.rawMessage).toBe('stars: gib 1 bis 5 Sterne');
  });

  it('says why a call was refused in German: a role, an owner, the rate limit', async () => {
    const caller = { kind: 'user', user: { id: 'u1', displayName: 'Grete' }, roles: ['user'] } as const;
    const role = await enforce({ kind: 'role', role: 'editor' }, caller, {}, { ownerOf: async () => 'u2' }).catch((e) => e);
    expect(germanText(role.message)).toBe('Dafür braucht es die Rolle „Redaktion“; bitte einen Admin darum.');
    const owner = await enforce(
      { kind: 'owner', resource: 'recipe', id: () => 'r1' },
      caller,
      {},
      { ownerOf: async () => 'u2' },
    ).catch((e) => e);
    expect(germanText(owner.message)).toBe('Nur wem das Rezept gehört, kann das tun.');
    const limit = refusalMessage(
      { allowed: false, policy: 'person', quota: 1200, windowSeconds: 60, remaining: 0, resetSeconds: 42 },
      'a read costs 1',
    );
    expect(germanText(limit)).toBe(
      'Zu viele Anfragen von deinem Konto: höchstens 1200 Einheiten pro Minute. Versuch es in 42 s noch einmal.',
    );
  });

  it.each([
    'That is not a web address. Give the full address of the page, starting with https://.',
    'The host nowhere.example could not be found. Check the address.',
    'That address points to a private network; only pages on the public internet can be imported.',
    'The site answered 404 for that page; check that the address opens in a browser.',
    'The site took too long to answer (over 10 s); try again later.',
    'No recipe was found on that page: it has no ingredients or method we could read. Give the address of the recipe itself, or paste its text.',
    'To delete your account, sign in again first (your last sign-in must be less than 10 minutes old), then delete it.',
    'Your shopping list has 300 lines, the most it holds; clear the ticked ones or remove some first.',
    'This request came from another site.',
  ])('has German for “%s”', (english) => {
    const german = germanText(english);
    expect(german).not.toBe(english);
    expect(german).not.toMatch(/\b(the|address|page|your|try)\b/i);
  });

  it('leaves a message it does not know in English', () => {
    expect(germanText('Something nobody wrote German for.')).toBe('Something nobody wrote German for.');
    const unknown = new ConnectError('Something nobody wrote German for.', Code.Aborted);
    expect(localError(unknown, 'de')).toBe(unknown);
  });

  it('says a fault in German, with the trace id to report', () => {
    const german = localError(toConnectError(new Error('boom'), '0af7651916cd43dd8448eb211c80319c'), 'de') as ConnectError;
    expect(german.rawMessage).toBe(
      'Bei uns ist etwas schiefgelaufen. Versuch es noch einmal. Wenn es weiter nicht klappt, nenne uns die Trace-ID 0af7651916cd43dd8448eb211c80319c.',
    );
  });
});
