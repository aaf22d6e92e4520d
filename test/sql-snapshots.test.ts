import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { createTestDatabase } from '@yeet/db/testing';
import { describe, expect, inject, it } from 'vitest';
import { RecipeStore } from '../apps/api/src/stores/recipe.store.ts';
import { renderSqlSnapshots, snapshotDir, unsampledMethods } from '../scripts/sql-snapshots.render.ts';
import { subjects } from '../scripts/sql-snapshots.samples.ts';

const regenerate = 'run `npm run sql:snapshots` and commit queries/';

describe('SQL snapshots (queries/*.sql)', () => {
  it('match the SQL the stores and the search engine run now', async () => {
    // A database of its own, cloned from the migrated template: other test files run alongside.
    const database = await createTestDatabase(inject('testDatabaseServer'));
    let rendered: Map<string, string>;
    try {
      rendered = await renderSqlSnapshots(database.url);
    } finally {
      await database.drop();
    }
    const committed = (await readdir(snapshotDir)).filter((f) => f.endsWith('.sql')).sort();
    expect.soft(committed, `queries/ holds other files than the snapshots: ${regenerate}`).toEqual([...rendered.keys()].sort());
    for (const [file, sql] of rendered) {
      const text = await readFile(path.join(snapshotDir, file), 'utf8').catch(() => null);
      expect.soft(text, `queries/${file} is stale: ${regenerate}`).toBe(sql);
    }
  });

  it('refuse a store method that has no sample arguments', () => {
    const recipes = subjects.find((s) => s.name === 'RecipeStore') ?? expect.unreachable('RecipeStore has samples');
    class GrownRecipeStore extends RecipeStore {
      async archiveAll(): Promise<void> {}
    }
    const grown = new GrownRecipeStore(null as never);
    expect(unsampledMethods(recipes, grown)).toEqual(['archiveAll']);
    expect(
      unsampledMethods({ ...recipes, samples: { ...recipes.samples, vanished: [[]] } }, new RecipeStore(null as never)),
    ).toEqual(['vanished (no such method)']);
  });
});
