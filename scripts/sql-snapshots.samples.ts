import { inspect } from 'node:util';
import type { RecipeContent, RecipeFilter, SearchFilter, SearchText } from '@yeet/domain';
import { MemorySearchEngine } from '../apps/api/src/search/memory/memory.engine.ts';
import { PostgresSearchEngine } from '../apps/api/src/search/postgres.engine.ts';
import { AccountStore } from '../apps/api/src/stores/account.store.ts';
import { AuditStore } from '../apps/api/src/stores/audit.store.ts';
import { CollectionStore } from '../apps/api/src/stores/collection.store.ts';
import { encodeCursor } from '../apps/api/src/stores/cursor.ts';
import { RecipeEventStore } from '../apps/api/src/stores/event.store.ts';
import { ExportStore } from '../apps/api/src/stores/export.store.ts';
import type { Executor } from '../apps/api/src/stores/executor.ts';
import { IdempotencyStore } from '../apps/api/src/stores/idempotency.store.ts';
import { ImageStore } from '../apps/api/src/stores/image.store.ts';
import { JobStore } from '../apps/api/src/stores/job.store.ts';
import { MealPlanStore } from '../apps/api/src/stores/meal-plan.store.ts';
import { MetaStore } from '../apps/api/src/stores/meta.store.ts';
import { PeopleStore } from '../apps/api/src/stores/people.store.ts';
import { RatingStore } from '../apps/api/src/stores/rating.store.ts';
import { RecipeStore } from '../apps/api/src/stores/recipe.store.ts';
import { ShoppingListStore } from '../apps/api/src/stores/shopping-list.store.ts';
import { UserStore } from '../apps/api/src/stores/user.store.ts';
import { WebSessionStore } from '../apps/api/src/stores/web-session.store.ts';

/**
 * Sample arguments for every method of every store and search engine: the snapshot in
 * queries/ shows the SQL each sample runs. The type requires an entry for each method, so
 * a new method does not compile until it has one (and the renderer checks it again).
 * Samples run in this order against one database seeded by `seedSql`; each must reach the
 * database.
 */
type Method = (...args: never[]) => unknown;
export type Samples<T> = {
  [K in keyof T as T[K] extends Method ? K : never]: Array<Parameters<Extract<T[K], Method>>>;
};

export interface Subject {
  name: string;
  /** The source file, relative to the repository root. */
  source: string;
  create(db: Executor): object;
  samples: Record<string, unknown[][]>;
  /** Compiled without running: it calls SQL our migrations do not create (graphile-worker's). */
  compileOnly: boolean;
  /** Methods answered from memory: their samples may run no SQL at all. */
  fromMemory: string[];
}

function subject<T extends object>(
  type: new (db: Executor) => T,
  source: string,
  samples: Samples<T>,
  options: { compileOnly?: boolean; fromMemory?: Array<keyof T & string> } = {},
): Subject {
  return {
    name: type.name,
    source,
    create: (db) => new type(db),
    samples: samples as Record<string, unknown[][]>,
    compileOnly: options.compileOnly ?? false,
    fromMemory: options.fromMemory ?? [],
  };
}

export const ids = {
  author: '00000000-0000-4000-8000-00000000a001',
  reader: '00000000-0000-4000-8000-00000000a002',
  account: '00000000-0000-4000-8000-00000000ac01',
  recipe: '00000000-0000-4000-8000-00000000b001',
  draft: '00000000-0000-4000-8000-00000000b002',
  upload: '00000000-0000-4000-8000-00000000c001',
  newUpload: '00000000-0000-4000-8000-00000000c002',
  image: '00000000-0000-4000-8000-00000000d001',
  newImage: '00000000-0000-4000-8000-00000000d002',
  dataExport: '00000000-0000-4000-8000-00000000f001',
};

/** A sample shown by its name in the snapshot's headers, where its contents would be long. */
function named<T extends object>(name: string, value: T): T {
  return Object.defineProperty(value, inspect.custom, { value: () => name });
}

const issuer = 'https://id.example.org';
const at = new Date('2026-03-01T12:00:00.000Z');
/** A request's SHA-256, as an idempotency key records it. */
const fingerprint = named('fingerprint', Buffer.alloc(32, 0xab));

/** Bob's collection "Weeknight" (the seed's ids object is others' to grow). */
const collectionId = '00000000-0000-4000-8000-00000000e001';

/** A line of Bob's shopping list, from the soup. */
const shoppingLineId = '00000000-0000-4000-8000-00000000e101';

/** An entry of Bob's meal plan (none is seeded: the samples add one and act on this id). */
const mealPlanEntryId = '00000000-0000-4000-8000-00000000e201';

/** One published recipe with a cover and a rating, one draft, two people, an upload. */
export const seedSql = `
  insert into users (id, issuer, subject, display_name, email, roles) values
    ('${ids.author}', '${issuer}', 'alice', 'Alice', 'alice@example.org', '{author}'),
    ('${ids.reader}', '${issuer}', 'bob', 'Bob', 'bob@example.org', '{user}');
  insert into accounts (id, email, display_name, password_hash) values
    ('${ids.account}', 'alice@example.org', 'Alice', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g');
  insert into recipes (id, slug, author_id, status, title, summary, ingredient_sections, steps, servings,
      prep_minutes, cook_minutes, total_minutes, difficulty, cuisines, meal_types, tags, dietary_flags,
      rating_count, rating_sum, published_at) values
    ('${ids.recipe}', 'tomato-soup', '${ids.author}', 'published', 'Tomato Soup', 'Bright and quick.',
      '[{"name": "", "ingredients": [{"quantity": 800, "unit": "g", "item": "tomatoes", "note": ""}]}]',
      '[{"text": "Simmer."}, {"text": "Blend."}]', 4, 10, 25, 35, 'easy', '{italian}', '{lunch}', '{soup}', '{vegan}',
      1, 4, '${at.toISOString()}'),
    ('${ids.draft}', 'pea-risotto', '${ids.author}', 'draft', 'Pea Risotto', '', '[]', '[]', 2, 0, 0, 0, null,
      '{}', '{}', '{}', '{}', 0, 0, null);
  insert into ratings (recipe_id, user_id, stars, review) values ('${ids.recipe}', '${ids.reader}', 4, 'Good.');
  insert into uploads (id, owner_id, expires_at) values ('${ids.upload}', '${ids.author}', '2030-01-01T00:00:00Z');
  insert into images (id, owner_id, format, byte_size, width, height) values
    ('${ids.image}', '${ids.author}', 'png', 1000, 400, 300);
  insert into recipe_images (recipe_id, kind, position, image_id) values ('${ids.recipe}', 'cover', 0, '${ids.image}');
  insert into collections (id, owner_id, name) values ('${collectionId}', '${ids.reader}', 'Weeknight');
  insert into shopping_list_items (id, user_id, item, item_key, quantity, unit, aisle) values
    ('${shoppingLineId}', '${ids.reader}', 'tomatoes', 'tomato', 800, 'g', 'produce');
  insert into shopping_list_item_sources (item_id, recipe_id, servings) values ('${shoppingLineId}', '${ids.recipe}', 4);`;

const content: RecipeContent = named('content', {
  title: 'Pea and Mint Soup',
  summary: 'Green and fresh.',
  ingredientSections: [{ name: '', ingredients: [{ quantity: 500, unit: 'g', item: 'peas', note: 'frozen' }] }],
  steps: [{ text: 'Simmer the peas.' }, { text: 'Blend with the mint.' }],
  servings: 4,
  prepMinutes: 5,
  cookMinutes: 10,
  totalMinutes: 15,
  difficulty: 'easy',
  cuisines: ['british'],
  mealTypes: ['lunch'],
  tags: ['soup'],
  dietaryFlags: ['vegetarian'],
});

const noRecipeFilter: RecipeFilter = named('noRecipeFilter', {
  cuisines: [],
  mealTypes: [],
  difficulties: [],
  tags: [],
  dietaryFlags: [],
  maxTotalMinutes: null,
  status: 'published',
  authorId: null,
});
const everyRecipeFilter: RecipeFilter = named('everyRecipeFilter', {
  cuisines: ['italian'],
  mealTypes: ['lunch', 'dinner'],
  difficulties: ['easy'],
  tags: ['soup'],
  dietaryFlags: ['vegan'],
  maxTotalMinutes: 60,
  status: 'published',
  authorId: ids.author,
});
const oneAuthor: RecipeFilter = named('oneAuthor', { ...noRecipeFilter, status: null, authorId: ids.author });

const noSearchFilter: SearchFilter = named('noSearchFilter', {
  cuisines: [],
  mealTypes: [],
  difficulties: [],
  timeBuckets: [],
  maxTotalMinutes: null,
  tags: [],
  dietaryFlags: [],
});
const someSearchFilter: SearchFilter = named('someSearchFilter', {
  ...noSearchFilter,
  cuisines: ['italian'],
  timeBuckets: ['30-to-60'],
  dietaryFlags: ['vegan'],
});
const browse: SearchText = named('browse', { text: '', words: [], prefix: false });
const typing: SearchText = named('typing', { text: 'tomato so', words: ['tomato', 'so'], prefix: true });

function issuerSecrets() {
  return { cookieKey: 'sample' };
}

const auditFilter = named('filter', {
  actorId: ids.author,
  subjectId: ids.recipe,
  kinds: ['recipe.approve'],
  since: at,
  until: null,
});

export const subjects: Subject[] = [
  subject(AccountStore, 'apps/api/src/stores/account.store.ts', {
    create: [['carol@example.org', 'Carol', '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g']],
    findByEmail: [['Alice@Example.org']],
    get: [[ids.account]],
    touchSignIn: [[ids.account]],
  }),
  subject(RecipeEventStore, 'apps/api/src/stores/event.store.ts', {
    record: [
      [
        {
          recipeId: ids.recipe,
          actorId: ids.author,
          action: 'approve',
          fromStatus: 'in_review',
          toStatus: 'published',
          reason: null,
        },
      ],
    ],
    listForRecipe: [[ids.recipe]],
  }),
  subject(ImageStore, 'apps/api/src/stores/image.store.ts', {
    createUpload: [[ids.newUpload, ids.author, at]],
    getUpload: [[ids.upload]],
    confirmUpload: [[ids.upload]],
    insertImage: [[{ id: ids.newImage, ownerId: ids.author, format: 'webp', byteSize: 2000, width: 800, height: 600 }]],
    attach: [[ids.recipe, 'cover', 0, ids.newImage]],
    detach: [[ids.recipe, 'step', 1]],
    detachStepsFrom: [[ids.recipe, 1]],
    recipesWithCover: [[ids.image]],
    setPlaceholder: [[ids.newImage, '#c8502a']],
    expiredUploads: [[60 * 60_000, 200]],
    deleteUploads: [[[ids.newUpload]]],
    unusedImages: [[24 * 60 * 60_000, 200]],
    deleteImages: [[[ids.image]]],
  }),
  subject(
    JobStore,
    'apps/api/src/stores/job.store.ts',
    {
      reindexRecipe: [[ids.recipe]],
      rebuildLexicon: [[]],
      processImage: [[ids.image]],
      buildExport: [[ids.dataExport]],
      sweepExports: [[]],
    },
    { compileOnly: true },
  ),
  subject(MetaStore, 'apps/api/src/stores/meta.store.ts', {
    get: [['demo_seeded']],
    getOrCreate: [['issuer_secrets', issuerSecrets]],
    set: [['demo_seeded', { at: at.toISOString() }]],
  }),
  subject(RatingStore, 'apps/api/src/stores/rating.store.ts', {
    upsert: [[ids.recipe, ids.reader, { stars: 5, review: 'Even better the next day.' }]],
    get: [[ids.recipe, ids.reader]],
    list: [
      [ids.recipe, 20, ''],
      [ids.recipe, 20, encodeCursor({ recipeId: ids.recipe, order: 'newest' }, { key: at.toISOString(), id: ids.reader })],
    ],
  }),
  subject(UserStore, 'apps/api/src/stores/user.store.ts', {
    upsert: [
      [{ issuer, subject: 'carol', displayName: 'Carol', email: 'carol@example.org' }],
      [{ issuer, subject: 'alice', displayName: 'Alice', email: 'alice@example.org' }, ['author', 'editor']],
    ],
    findByIdentity: [[issuer, 'alice']],
    get: [[ids.author]],
    lockRoleDecisions: [[]],
    hasPeople: [[]],
    countAdmins: [[]],
    setRoles: [[ids.reader, ['user', 'author']]],
    setDisplayName: [[ids.reader, 'Bobby']],
    list: [
      ['', 20, ''],
      ['ali', 20, encodeCursor({ query: 'ali' }, { key: 'alice', id: ids.author })],
    ],
  }),
  subject(WebSessionStore, 'apps/api/src/stores/web-session.store.ts', {
    end: [['6f1c0b3e-5d0a-4f5e-9a51-0c8d7e2b4a10', at]],
    isEnded: [['6f1c0b3e-5d0a-4f5e-9a51-0c8d7e2b4a10']],
    sweep: [[]],
  }),
  subject(IdempotencyStore, 'apps/api/src/stores/idempotency.store.ts', {
    claim: [[{ callerId: ids.author, key: 'form-7f3a', method: 'yeet.v1.RecipeService/CreateRecipe', fingerprint }]],
    find: [[ids.author, 'form-7f3a']],
    complete: [
      [ids.author, 'form-7f3a', { response: Buffer.from([0x0a, 0x00]) }],
      [ids.author, 'form-7f3a', { error: { code: 3, message: 'The title is required.', details: [] } }],
    ],
    sweep: [[]],
  }),
  subject(RecipeStore, 'apps/api/src/stores/recipe.store.ts', {
    get: [[{ id: ids.recipe }], [{ slug: 'tomato-soup' }], [{ id: ids.recipe }, { images: false }]],
    getPublished: [[[ids.recipe, ids.draft]]],
    getForUpdate: [[ids.recipe]],
    ownerOf: [[ids.recipe]],
    create: [[ids.author, content]],
    updateContent: [[ids.draft, content]],
    changeStatus: [[ids.draft, { status: 'in_review', publishedAt: null, rejectionReason: null }]],
    setSource: [[ids.draft, { url: 'https://cooking.example/tomato-soup', siteName: 'Cooking Example' }]],
    refreshRating: [[ids.recipe]],
    ratingDrift: [[100]],
    list: [
      [noRecipeFilter, 'newest', 20, ''],
      [
        everyRecipeFilter,
        'top_rated',
        20,
        encodeCursor({ filter: everyRecipeFilter, sort: 'top_rated' }, { key: 3.2, id: ids.recipe }),
      ],
      [oneAuthor, 'oldest', 20, ''],
    ],
    delete: [[ids.draft]],
  }),
  subject(
    PostgresSearchEngine,
    'apps/api/src/search/postgres.engine.ts',
    {
      index: [[[ids.recipe]]],
      search: [
        [{ text: browse, filter: noSearchFilter, sort: 'relevance', limit: 20, offset: 0, facets: true }],
        [{ text: browse, filter: someSearchFilter, sort: 'top_rated', limit: 20, offset: 20, facets: true }],
        [{ text: typing, filter: someSearchFilter, sort: 'relevance', limit: 20, offset: 0, facets: true }],
        [
          {
            text: { text: 'chiken', words: ['chiken'], prefix: false },
            filter: noSearchFilter,
            sort: 'quickest',
            limit: 10,
            offset: 0,
            facets: false,
          },
        ],
      ],
      plan: [
        [
          {
            text: { text: 'quick vegan curry', words: ['quick', 'vegan', 'curry'], prefix: true },
            filter: noSearchFilter,
            sort: 'relevance',
            limit: 20,
            offset: 0,
            facets: true,
          },
        ],
      ],
      suggest: [[typing, 5]],
      learn: [[['tomatoes']]],
      vocabularyChanged: [[]],
      completions: [['tom', 8]],
      reconcile: [[100]],
      rebuildLexicon: [[]],
      reindexAll: [[]],
    },
    { fromMemory: ['learn', 'completions', 'vocabularyChanged'] },
  ),
  // Loaded first: its searches then run from memory (a new word's lexemes aside).
  subject(
    MemorySearchEngine,
    'apps/api/src/search/memory/memory.engine.ts',
    {
      start: [[]],
      search: [
        [{ text: browse, filter: noSearchFilter, sort: 'newest', limit: 20, offset: 0, facets: true }],
        [{ text: typing, filter: someSearchFilter, sort: 'relevance', limit: 20, offset: 0, facets: true }],
      ],
      suggest: [[typing, 5]],
      indexQuery: [[{ text: typing, filter: someSearchFilter, sort: 'relevance', limit: 20, offset: 0, facets: true }]],
      index: [[[ids.recipe]]],
      changed: [[]],
      reconcile: [[100]],
      rebuildLexicon: [[]],
      reindexAll: [[]],
    },
    { fromMemory: ['suggest', 'indexQuery'] },
  ),
  subject(AuditStore, 'apps/api/src/stores/audit.store.ts', {
    record: [
      [{ kind: 'user.roles_changed', actorId: ids.author, subjectId: ids.reader, detail: { from: ['user'], to: ['author'] } }],
    ],
    list: [
      [{ actorId: null, subjectId: null, kinds: [], since: null, until: null }, 50, ''],
      [auditFilter, 50, encodeCursor(auditFilter, { key: at.toISOString(), id: 'recipe:1' })],
    ],
    sweep: [[730]],
  }),
  subject(CollectionStore, 'apps/api/src/stores/collection.store.ts', {
    ensureFavourites: [[ids.reader]],
    listOwned: [[ids.reader]],
    getOwned: [[collectionId, ids.reader]],
    getByToken: [['A'.repeat(32)]],
    countOwned: [[ids.reader]],
    create: [[ids.reader, 'Christmas']],
    rename: [[collectionId, ids.reader, 'School nights']],
    addRecipe: [[collectionId, ids.recipe]],
    entries: [[collectionId]],
    saved: [[ids.reader]],
    collectionsForExport: [[ids.reader]],
    removeRecipe: [[collectionId, ids.recipe]],
    setShareToken: [[collectionId, ids.reader, 'A'.repeat(32)]],
    delete: [[collectionId, ids.reader]],
    deleteAllOf: [[ids.reader]],
  }),
  subject(ExportStore, 'apps/api/src/stores/export.store.ts', {
    create: [[ids.dataExport, ids.author, ids.author]],
    get: [[ids.dataExport]],
    ownerOf: [[ids.dataExport]],
    preparingFor: [[ids.author]],
    listOf: [[ids.author, 10]],
    markReady: [[ids.dataExport, 123_456, 'ab'.repeat(32), at]],
    markFailed: [[ids.dataExport, 'The archive could not be built.']],
    expireAllOf: [[ids.author]],
    sweepable: [[200]],
    delete: [[[ids.dataExport]]],
  }),
  subject(ShoppingListStore, 'apps/api/src/stores/shopping-list.store.ts', {
    lock: [[ids.reader]],
    lines: [[ids.reader]],
    line: [[ids.reader, shoppingLineId]],
    count: [[ids.reader]],
    insert: [[ids.reader, { item: 'lemons', quantity: 2, unit: '', note: '', aisle: 'produce' }]],
    update: [[ids.reader, shoppingLineId, { quantity: 1.2, unit: 'kg', checked: true }]],
    addSource: [[shoppingLineId, ids.recipe, 6]],
    shoppingListForExport: [[ids.reader]],
    clearChecked: [[ids.reader]],
    remove: [[ids.reader, shoppingLineId]],
    deleteAllOf: [[ids.reader]],
  }),
  subject(MealPlanStore, 'apps/api/src/stores/meal-plan.store.ts', {
    range: [[ids.reader, '2026-11-30', '2026-12-06']],
    get: [[ids.reader, mealPlanEntryId]],
    add: [[ids.reader, '2026-11-30', 'dinner', { kind: 'recipe', recipeId: ids.recipe, servings: 4 }]],
    move: [[ids.reader, mealPlanEntryId, '2026-12-01', 'lunch']],
    setServings: [[ids.reader, mealPlanEntryId, 6]],
    setNote: [[ids.reader, mealPlanEntryId, 'Leftovers']],
    feedToken: [[ids.reader]],
    setFeedToken: [[ids.reader, 'A'.repeat(43)]],
    feedOwner: [['A'.repeat(43)]],
    mealPlanForExport: [[ids.reader]],
    revokeFeed: [[ids.reader]],
    remove: [[ids.reader, mealPlanEntryId]],
    deleteAllOf: [[ids.reader]],
  }),
  // Last: it deletes what the samples above read (Bob's account, the draft).
  subject(PeopleStore, 'apps/api/src/stores/people.store.ts', {
    recipesOf: [[ids.author]],
    exportRows: [[ids.author, ids.account]],
    deleteRecipes: [[[ids.draft]]],
    deleteRatingsBy: [[ids.reader]],
    deleteIdempotencyKeys: [[ids.reader]],
    deleteRateLimits: [[ids.reader, 'bob@example.org']],
    deleteLocalAccount: [[ids.account]],
    deletedRecently: [[issuer, 'bob', at]],
    deleteUploads: [[ids.reader]],
    pseudonymise: [[ids.reader]],
  }),
];
