import { Code, ConnectError, createClient } from '@connectrpc/connect';
import { createConnectTransport } from '@connectrpc/connect-node';
import {
  AuditService,
  ImageService,
  ImageSlot,
  MealPlanService,
  MealSlot,
  RecipeService,
  SearchService,
  UserService,
  Role as PbRole,
} from '@yeet/contract';
import { ShoppingListService } from '@yeet/contract';
import { CollectionService } from '@yeet/contract';
import { TelemetryService } from '@yeet/contract';
import { hasRole, isOwnerOrAdmin, type Caller, type Role } from '@yeet/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policy } from '../../apps/api/src/rpc/policy.ts';
import {
  auditPolicies,
  imagePolicies,
  mealPlanPolicies,
  recipePolicies,
  searchPolicies,
  userPolicies,
} from '../../apps/api/src/rpc/policies.ts';
import { shoppingListPolicies } from '../../apps/api/src/rpc/policies.ts';
import { collectionPolicies } from '../../apps/api/src/rpc/policies.ts';
import { telemetryPolicies } from '../../apps/api/src/rpc/policies.ts';
import { policyMap } from '../../apps/api/src/rpc/router.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { recipeInput } from '../support/recipes.ts';

/**
 * The authorization matrix, generated from the policy table: every RPC method × every
 * kind of caller × (for owner policies) owner or not, through the real HTTP server. The
 * expected answer is computed from the method's declared policy alone.
 */
type Persona = 'anonymous' | Role;
const personas: Persona[] = ['anonymous', 'user', 'author', 'editor', 'admin'];
type State = 'draft' | 'in_review' | 'published';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

let seq = 0;
/** A fresh handle per call, so role changes of one case never leak into another. */
const handle = (who: string) => `${who}-${++seq}`;

function clients(name: string | null, role: Persona) {
  const transport = createConnectTransport({
    baseUrl: `${t.baseUrl}/api`,
    httpVersion: '1.1',
    interceptors: [
      (next) => (req) => {
        if (name && role !== 'anonymous') {
          req.header.set('x-yeet-dev-user', name);
          req.header.set('x-yeet-dev-roles', role);
        }
        return next(req);
      },
    ],
  });
  return {
    recipes: createClient(RecipeService, transport),
    search: createClient(SearchService, transport),
    users: createClient(UserService, transport),
    images: createClient(ImageService, transport),
    audit: createClient(AuditService, transport),
    collections: createClient(CollectionService, transport),
    shopping: createClient(ShoppingListService, transport),
    plans: createClient(MealPlanService, transport),
    telemetry: createClient(TelemetryService, transport),
  };
}
type Clients = ReturnType<typeof clients>;

/** A recipe in `state`, written by `owner` (who is made an author for it). */
async function recipeOf(owner: string, state: State) {
  const author = clients(owner, 'author').recipes;
  const { recipe } = await author.createRecipe({ recipe: recipeInput() });
  if (state !== 'draft') await author.submitRecipe({ id: recipe!.id });
  if (state === 'published') await clients(handle('editor'), 'editor').recipes.approveRecipe({ id: recipe!.id });
  return recipe!;
}

/** A note in a day's dinner slot. */
const noteOn = (date: string) => ({ date, slot: MealSlot.DINNER, note: 'Pizza night' });

interface Case {
  /** The state the recipe is in, for methods about one recipe. */
  state?: State;
  /** `owner`: clients of the resource's owner (the caller itself when the matrix row says owner). */
  call: (c: Clients, recipeId: string, owner: Clients) => Promise<unknown>;
  /** What a caller the policy lets through gets, when that is not a success. */
  allowed?: Code;
}

/** A collection of the caller's, for the collection methods (each case makes its own). */
const myCollection = async (c: Clients) => (await c.collections.createCollection({ name: `Box ${++seq}` })).collection!.id;

const cases: Record<string, Case> = {
  'TelemetryService/reportWebVitals': { call: (c) => c.telemetry.reportWebVitals({ route: '/', lcpSeconds: 1 }) },
  'CollectionService/listCollections': { call: (c) => c.collections.listCollections({}) },
  'CollectionService/getCollection': { call: async (c) => c.collections.getCollection({ id: await myCollection(c) }) },
  'CollectionService/createCollection': { call: (c) => myCollection(c) },
  'CollectionService/renameCollection': {
    call: async (c) => c.collections.renameCollection({ id: await myCollection(c), name: `Renamed ${++seq}` }),
  },
  'CollectionService/deleteCollection': { call: async (c) => c.collections.deleteCollection({ id: await myCollection(c) }) },
  'CollectionService/addRecipeToCollection': {
    state: 'published',
    call: async (c, id) => c.collections.addRecipeToCollection({ collectionId: await myCollection(c), recipeId: id }),
  },
  'CollectionService/removeRecipeFromCollection': {
    state: 'published',
    call: async (c, id) => c.collections.removeRecipeFromCollection({ collectionId: await myCollection(c), recipeId: id }),
  },
  'CollectionService/saveRecipe': {
    state: 'published',
    call: (c, id) => c.collections.saveRecipe({ recipeId: id, saved: true }),
  },
  'CollectionService/listSavedRecipes': { call: (c) => c.collections.listSavedRecipes({}) },
  'CollectionService/shareCollection': { call: async (c) => c.collections.shareCollection({ id: await myCollection(c) }) },
  'CollectionService/unshareCollection': { call: async (c) => c.collections.unshareCollection({ id: await myCollection(c) }) },
  'CollectionService/getSharedCollection': {
    call: async (c) => {
      const owner = clients(handle('sharer'), 'user');
      const { collection } = await owner.collections.shareCollection({ id: await myCollection(owner) });
      return c.collections.getSharedCollection({ token: collection!.shareToken });
    },
  },
  'RecipeService/listRecipes': { call: (c) => c.recipes.listRecipes({}) },
  'RecipeService/getRecipe': { state: 'published', call: (c, id) => c.recipes.getRecipe({ key: { case: 'id', value: id } }) },
  'RecipeService/createRecipe': { call: (c) => c.recipes.createRecipe({ recipe: recipeInput() }) },
  'RecipeService/updateRecipe': { state: 'draft', call: (c, id) => c.recipes.updateRecipe({ id, recipe: recipeInput() }) },
  'RecipeService/deleteRecipe': { state: 'draft', call: (c, id) => c.recipes.deleteRecipe({ id }) },
  'RecipeService/submitRecipe': { state: 'draft', call: (c, id) => c.recipes.submitRecipe({ id }) },
  'RecipeService/approveRecipe': { state: 'in_review', call: (c, id) => c.recipes.approveRecipe({ id }) },
  'RecipeService/rejectRecipe': { state: 'in_review', call: (c, id) => c.recipes.rejectRecipe({ id, reason: 'Needs work' }) },
  'RecipeService/unpublishRecipe': { state: 'published', call: (c, id) => c.recipes.unpublishRecipe({ id }) },
  'RecipeService/archiveRecipe': { state: 'published', call: (c, id) => c.recipes.archiveRecipe({ id }) },
  'RecipeService/getRecipeHistory': { state: 'draft', call: (c, id) => c.recipes.getRecipeHistory({ id }) },
  'RecipeService/rateRecipe': { state: 'published', call: (c, id) => c.recipes.rateRecipe({ recipeId: id, stars: 4 }) },
  'RecipeService/listRatings': { state: 'published', call: (c, id) => c.recipes.listRatings({ recipeId: id }) },
  'RecipeService/importRecipe': {
    call: (c) =>
      c.recipes.importRecipe({
        input: { case: 'text', value: 'Toast\nIngredients\n2 slices bread\nMethod\nToast the bread until it is golden.' },
        preview: true,
      }),
  },
  'SearchService/searchRecipes': { call: (c) => c.search.searchRecipes({ query: 'soup' }) },
  'SearchService/suggestRecipes': { call: (c) => c.search.suggestRecipes({ prefix: 'sou' }) },
  'ImageService/createUpload': { call: (c) => c.images.createUpload({ byteSize: 1000n, contentType: 'image/png' }) },
  'ImageService/attachImage': {
    state: 'draft',
    call: (c, id) =>
      c.images.attachImage({ uploadId: '00000000-0000-4000-8000-000000000000', recipeId: id, slot: ImageSlot.COVER }),
    allowed: Code.NotFound, // past the policy, the upload it names does not exist
  },
  'ImageService/detachImage': { state: 'draft', call: (c, id) => c.images.detachImage({ recipeId: id, slot: ImageSlot.COVER }) },
  'UserService/getMe': { call: (c) => c.users.getMe({}) },
  'UserService/getViewer': { call: (c, id) => c.users.getViewer({ recipeId: id }) },
  'UserService/updateProfile': { call: (c) => c.users.updateProfile({ displayName: 'New Name' }) },
  'UserService/listUsers': { call: (c) => c.users.listUsers({}) },
  'UserService/setUserRoles': {
    call: async (c) => {
      const target = handle('target');
      const { user } = await clients(target, 'user').users.getMe({});
      return c.users.setUserRoles({ userId: user!.id, roles: [PbRole.AUTHOR] });
    },
  },
  'AuditService/listEvents': { call: (c) => c.audit.listEvents({}) },
  'UserService/requestDataExport': {
    call: async (c, _id, owner) => c.users.requestDataExport({ userId: (await owner.users.getMe({})).user!.id }),
  },
  'UserService/getDataExport': {
    call: async (c, _id, owner) => {
      const { export: e } = await owner.users.requestDataExport({ userId: (await owner.users.getMe({})).user!.id });
      return c.users.getDataExport({ id: e!.id });
    },
  },
  'UserService/listDataExports': {
    call: async (c, _id, owner) => c.users.listDataExports({ userId: (await owner.users.getMe({})).user!.id }),
  },
  'ShoppingListService/getShoppingList': { call: (c) => c.shopping.getShoppingList({}) },
  'ShoppingListService/addRecipeToShoppingList': {
    state: 'published',
    call: (c, id) => c.shopping.addRecipeToShoppingList({ recipeId: id, servings: 2 }),
  },
  'ShoppingListService/addShoppingListItem': { call: (c) => c.shopping.addShoppingListItem({ text: '2 lemons' }) },
  'ShoppingListService/updateShoppingListItem': {
    call: async (c) => {
      const { item } = await c.shopping.addShoppingListItem({ text: '2 lemons' });
      return c.shopping.updateShoppingListItem({ id: item!.id, checked: true });
    },
  },
  'ShoppingListService/removeShoppingListItem': {
    call: async (c) => {
      const { item } = await c.shopping.addShoppingListItem({ text: '2 lemons' });
      return c.shopping.removeShoppingListItem({ id: item!.id });
    },
  },
  'ShoppingListService/clearCheckedShoppingListItems': { call: (c) => c.shopping.clearCheckedShoppingListItems({}) },
  'MealPlanService/getMealPlan': { call: (c) => c.plans.getMealPlan({ date: '2026-11-30' }) },
  'MealPlanService/addMealPlanEntry': { call: (c) => c.plans.addMealPlanEntry(noteOn('2026-11-30')) },
  'MealPlanService/moveMealPlanEntry': {
    call: async (c) => {
      const { entry } = await c.plans.addMealPlanEntry(noteOn('2026-11-30'));
      return c.plans.moveMealPlanEntry({ id: entry!.id, date: '2026-12-01', slot: MealSlot.LUNCH });
    },
  },
  'MealPlanService/updateMealPlanEntry': {
    call: async (c) => {
      const { entry } = await c.plans.addMealPlanEntry(noteOn('2026-11-30'));
      return c.plans.updateMealPlanEntry({ id: entry!.id, note: 'Leftovers' });
    },
  },
  'MealPlanService/removeMealPlanEntry': {
    call: async (c) => {
      const { entry } = await c.plans.addMealPlanEntry(noteOn('2026-11-30'));
      return c.plans.removeMealPlanEntry({ id: entry!.id });
    },
  },
  // an empty week: nothing reaches the shopping list
  'MealPlanService/addMealPlanToShoppingList': { call: (c) => c.plans.addMealPlanToShoppingList({ date: '2026-11-30' }) },
  'MealPlanService/getMealPlanFeed': { call: (c) => c.plans.getMealPlanFeed({}) },
  'MealPlanService/createMealPlanFeed': { call: (c) => c.plans.createMealPlanFeed({}) },
  'MealPlanService/revokeMealPlanFeed': { call: (c) => c.plans.revokeMealPlanFeed({}) },
  // someone's feed, read by whoever holds its token
  'MealPlanService/getMealPlanCalendar': {
    call: async (c) => {
      const { url } = await clients(handle('cook'), 'user').plans.createMealPlanFeed({});
      const token = /\/plan\/([^/]+)\.ics$/.exec(url)?.[1] ?? '';
      return c.plans.getMealPlanCalendar({ token });
    },
  },
  'UserService/exportMyData': { call: (c) => c.users.exportMyData({}) },
  'UserService/deleteMyAccount': { call: (c) => c.users.deleteMyAccount({}) },
  'UserService/deleteUser': {
    call: async (c) => {
      const { user } = await clients(handle('target'), 'user').users.getMe({});
      return c.users.deleteUser({ userId: user!.id });
    },
  },
};

const tables: Record<string, Record<string, Policy<never>>> = {
  RecipeService: recipePolicies as never,
  SearchService: searchPolicies as never,
  UserService: userPolicies as never,
  ImageService: imagePolicies as never,
  AuditService: auditPolicies as never,
  CollectionService: collectionPolicies as never,
  ShoppingListService: shoppingListPolicies as never,
  MealPlanService: mealPlanPolicies as never,
  TelemetryService: telemetryPolicies as never,
};

/** What the policy alone says this caller gets: let through, or the refusal's code. */
function expected(policy: Policy<never>, persona: Persona, owner: boolean): 'allowed' | Code {
  if (policy.kind === 'public') return 'allowed';
  if (persona === 'anonymous') return Code.Unauthenticated;
  const caller: Caller = { kind: 'user', user: { id: 'me', displayName: 'me' }, roles: [persona] };
  switch (policy.kind) {
    case 'authenticate':
      return 'allowed';
    case 'role':
      return hasRole(caller, policy.role) ? 'allowed' : Code.PermissionDenied;
    case 'owner':
      return isOwnerOrAdmin(caller, owner ? 'me' : 'someone else') || (policy.orRole && hasRole(caller, policy.orRole))
        ? 'allowed'
        : Code.PermissionDenied;
  }
}

/** The exact answer: "ok", or the name of the code (a refusal, or what an allowed call meets next). */
function answer(verdict: 'allowed' | Code, testCase: Case | undefined): string {
  const code = verdict === 'allowed' ? testCase?.allowed : verdict;
  return code === undefined ? 'ok' : Code[code];
}

const matrix = Object.entries(tables).flatMap(([service, table]) =>
  Object.entries(table).flatMap(([method, policy]) =>
    personas.flatMap((persona) =>
      (policy.kind === 'owner' ? [true, false] : [false]).map((owner) => ({
        name: `${service}/${method}`,
        policy,
        persona,
        owner,
        expect: answer(expected(policy, persona, owner), cases[`${service}/${method}`]),
      })),
    ),
  ),
);

describe('the policy table', () => {
  it('covers every method of every service, and the matrix covers the table', () => {
    for (const [service, desc] of [
      ['RecipeService', RecipeService],
      ['SearchService', SearchService],
      ['UserService', UserService],
      ['ImageService', ImageService],
      ['AuditService', AuditService],
      ['CollectionService', CollectionService],
      ['ShoppingListService', ShoppingListService],
      ['MealPlanService', MealPlanService],
      ['TelemetryService', TelemetryService],
    ] as const) {
      expect(Object.keys(tables[service]!).sort()).toEqual(desc.methods.map((m) => m.localName).sort());
      for (const m of desc.methods)
        expect(cases[`${service}/${m.localName}`], `${service}/${m.localName} has no case`).toBeDefined();
    }
  });

  it('is checked again at start: a method without a policy, or a policy without a method, stops the process', () => {
    const { getMe: _, ...withoutGetMe } = userPolicies;
    expect(() => policyMap([{ service: UserService, impl: {}, policies: withoutGetMe }])).toThrow(
      'yeet.v1.UserService/GetMe has no policy',
    );
    const stale = { ...userPolicies, getYou: userPolicies.getMe };
    expect(() => policyMap([{ service: UserService, impl: {}, policies: stale }])).toThrow('a policy for "getYou"');
  });
});

describe('authorization matrix', () => {
  it.each(matrix)('$name as $persona (owner: $owner) → $expect', async ({ name, persona, owner, expect: want }) => {
    const testCase = cases[name]!;
    const me = persona === 'anonymous' ? null : handle(persona);
    const recipeOwner = owner && me ? me : handle('someone');
    const recipe = testCase.state ? await recipeOf(recipeOwner, testCase.state) : null;
    const owners = clients(recipeOwner, owner && me ? persona : 'user');
    const got = await testCase.call(clients(me, persona), recipe?.id ?? '', owners).then(
      () => 'ok',
      (e: unknown) => {
        const error = ConnectError.from(e);
        return `${Code[error.code]}: ${error.rawMessage}`;
      },
    );
    expect(got.split(':')[0], got).toBe(want);
  });
});
