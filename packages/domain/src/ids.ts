/**
 * The shapes of the keys recipes, people and images are found by. A key of another shape
 * cannot exist, so callers answer "not found" (or read it as the other kind of key) without
 * asking the database.
 */

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs, in any letter case. */
export const isUuid = (id: string): boolean => uuidPattern.test(id);

/** Slugs are lower-case words joined by single dashes, as the database enforces. */
export const isSlug = (slug: string): boolean => slug.length <= 100 && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(slug);
