import type { Stores } from '../stores/database.ts';
import type { User } from '../stores/user.store.ts';

/**
 * The personal-data document (GDPR art. 15 and 20): one section per kind of record, each
 * built by its own function from the stores and explained by its own README paragraph. A new
 * kind of record (collections, shopping lists, meal plans…) is one more entry in
 * `exportSections`; nothing else changes.
 */
export interface ExportContext {
  user: User;
  stores: Stores;
  /** The built-in issuer's account id, when the person signs in here. */
  localAccountId: string | null;
  /** Rows read once for several sections (people.store.ts `exportRows`). */
  rows: Awaited<ReturnType<Stores['people']['exportRows']>>;
  now: Date;
}

export interface ExportSection {
  /** The document's key. */
  key: string;
  /** What the section holds, for README.txt (wrapped at 72 columns, indented by the writer). */
  readme: string;
  build(context: ExportContext): unknown;
}

/** An image in the document; in an archive, `file` and `sha256` name its original's entry. */
export interface ExportImage {
  id: string;
  format: string;
  byteSize: number;
  width: number;
  height: number;
  createdAt: string;
  file: string | null;
  sha256: string | null;
}

export const formatName = 'eat-or-yeet/personal-data';
export const formatVersion = 1;

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

export const exportSections: ExportSection[] = [
  {
    key: 'profile',
    readme: `Your id, the name shown with your recipes and reviews, your email, your roles
(user, author, editor, admin) and when the account began; signIn says whether
you sign in here or through another provider.`,
    build: ({ user, localAccountId }) => ({
      id: user.id,
      displayName: user.displayName,
      email: user.email,
      roles: user.roles,
      createdAt: user.createdAt.toISOString(),
      signIn: localAccountId ? 'this site' : 'an external identity provider',
    }),
  },
  {
    key: 'signInHistory',
    readme: `For accounts of this site: when it was created and your last sign-in (no
other sign-in history is kept; bursts of failed sign-ins to your account are
in accountEvents). null for other providers.`,
    build: ({ rows }) =>
      rows.account
        ? { accountCreatedAt: rows.account.created_at.toISOString(), lastSignInAt: iso(rows.account.last_sign_in_at) }
        : null,
  },
  {
    key: 'recipes',
    readme: `Every recipe you wrote, in any state (draft, in_review, published,
archived), with its full content and its events: which state it moved from
and to, when, and an editor's reason if one was given.`,
    build: ({ rows }) =>
      rows.recipes.map((r) => ({
        id: r.id,
        slug: r.slug,
        status: r.status,
        title: r.title,
        summary: r.summary,
        servings: r.servings,
        prepMinutes: r.prep_minutes,
        cookMinutes: r.cook_minutes,
        totalMinutes: r.total_minutes,
        difficulty: r.difficulty,
        cuisines: r.cuisines,
        mealTypes: r.meal_types,
        tags: r.tags,
        dietaryFlags: r.dietary_flags,
        ingredientSections: r.ingredient_sections,
        steps: r.steps,
        rejectionReason: r.rejection_reason,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
        publishedAt: iso(r.published_at),
        events: rows.events
          .filter((e) => e.recipe_id === r.id)
          .map((e) => ({
            action: e.action,
            fromStatus: e.from_status,
            toStatus: e.to_status,
            reason: e.reason,
            at: e.created_at.toISOString(),
          })),
      })),
  },
  {
    key: 'ratings',
    readme: 'Your ratings (1-5 stars) and reviews, with the recipe they are about.',
    build: ({ rows }) =>
      rows.ratings.map((r) => ({
        recipeId: r.recipe_id,
        recipeTitle: r.title,
        recipeSlug: r.slug,
        stars: r.stars,
        review: r.review,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      })),
  },
  {
    key: 'images',
    readme: `The images you uploaded: format, size in bytes and pixels. In the archive,
file names the original as you uploaded it (after its check) under images/,
and sha256 is that file's SHA-256; both are null in the plain JSON document.`,
    build: ({ rows }): ExportImage[] =>
      rows.images.map((i) => ({
        id: i.id,
        format: i.format,
        byteSize: i.byte_size,
        width: i.width,
        height: i.height,
        createdAt: i.created_at.toISOString(),
        file: null,
        sha256: null,
      })),
  },
  {
    key: 'collections',
    readme: `Your collections, Favourites among them: each one's name, whether it is
shared by a link (the link itself is not included) and the recipes in it
(id, slug, title, when added; the title is null for a recipe no longer
published that is not yours).`,
    build: ({ user, stores }) => stores.collections.collectionsForExport(user.id),
  },
  {
    key: 'shoppingList',
    readme: `Your shopping list: each line's item, quantity, unit, note, aisle, whether it
is ticked, and the recipes (with servings) it came from.`,
    build: ({ user, stores }) => stores.shoppingLists.shoppingListForExport(user.id),
  },
  {
    key: 'mealPlan',
    readme: `Your meal plan: each entry's day (YYYY-MM-DD), slot (breakfast, lunch,
dinner, snack), recipe or note and servings; calendarFeed says whether a
calendar link exists (the link itself is not included).`,
    build: ({ user, stores }) => stores.mealPlans.mealPlanForExport(user.id),
  },
  {
    key: 'accountEvents',
    readme: `Changes to your account and access to it: role changes (from, to), bursts
of failed sign-ins, data exports (who asked: you or an admin).`,
    build: ({ rows }) => rows.audit.map((a) => ({ kind: a.kind, detail: a.detail, at: a.created_at.toISOString() })),
  },
];

export interface ExportDocument {
  format: typeof formatName;
  version: number;
  exportedAt: string;
  images: ExportImage[];
  [section: string]: unknown;
}

/** Everything stored about `user`, as one document (sections in `exportSections` order). */
export async function buildExportDocument(
  stores: Stores,
  user: User,
  localAccountId: string | null,
  now = new Date(),
  sections: readonly ExportSection[] = exportSections,
): Promise<ExportDocument> {
  const rows = await stores.people.exportRows(user.id, localAccountId);
  const context: ExportContext = { user, stores, localAccountId, rows, now };
  const document: Record<string, unknown> = { format: formatName, version: formatVersion, exportedAt: now.toISOString() };
  for (const section of sections) document[section.key] = await section.build(context);
  return document as ExportDocument;
}

/** README.txt: what the document's fields mean. `archive`: the text for the tar.gz (data.json and images/). */
export function exportReadme(archive: boolean, sections: readonly ExportSection[] = exportSections): string {
  const width = Math.max(17, ...sections.map((s) => s.key.length + 2));
  const field = (name: string, text: string) =>
    text
      .split('\n')
      .map((line, i) => (i === 0 ? name.padEnd(width) : ' '.repeat(width)) + line)
      .join('\n');
  return [
    'Your data from Eat or Yeet',
    '==========================',
    '',
    archive
      ? `data.json holds everything this site stores about you; images/ holds the
original of every image you uploaded, named by its id (data.json's images
section lists each with its SHA-256). Times are UTC, ISO 8601.`
      : `The JSON document next to this text holds everything this site stores about
you (the images themselves come in the archive: "Download my data" on the
account page). Times are UTC, ISO 8601.`,
    '',
    field('format, version', 'What the document is; the version changes if its fields do.'),
    field('exportedAt', 'When it was made.'),
    ...sections.map((s) => field(s.key, s.readme)),
    '',
    `Deleting your account (on the account page) removes all of this except what
the confirmation there says is kept.`,
    '',
  ].join('\n');
}
