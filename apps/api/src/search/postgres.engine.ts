import { sql, type Database, type Kysely } from '@yeet/db';
import { interpretQuery, type InterpretedFilter, type SearchFilter, type SearchText } from '@yeet/domain';
import type { EngineQuery, EngineResult, EngineSuggestions, SearchEngine } from './engine.ts';
import { fragments } from './highlight.ts';
import { addWordsSql, rebuildLexiconSql, upsertDocumentsSql } from './index-sql.ts';
import { markEnd, markStart, searchSql, type SearchSqlParams } from './search-sql.ts';
import { Vocabulary } from './vocabulary.ts';

/** Sent (after commit) whenever the index changes, so API processes drop cached results. */
export const searchChangedChannel = 'yeet_search_changed';

/**
 * The PostgreSQL engine: documents in search_documents (weighted tsvector with unaccent
 * and English stemming), synonyms and facet totals kept by triggers (migrations/0002_search.sql);
 * before the SQL, misspelled words are corrected against the vocabulary and words naming a
 * filter are read as that filter (docs/decisions/0016-query-understanding.md).
 */
export class PostgresSearchEngine implements SearchEngine {
  readonly #db: Kysely<Database>;
  readonly #vocabulary: Vocabulary;

  /** `vocabularyFollows`: the caller tells the vocabulary every indexed word (`learn`), as the memory engine does. */
  constructor(db: Kysely<Database>, options: { vocabularyFollows?: boolean } = {}) {
    this.#db = db;
    this.#vocabulary = new Vocabulary(db, { follows: options.vocabularyFollows ?? false });
  }

  /** Words just indexed, for a vocabulary that follows the index. */
  learn(words: readonly string[]): void {
    this.#vocabulary.learn(words);
  }

  /** After a reindex elsewhere (its words came with no changes to learn from): check the words again soon. */
  vocabularyChanged(): void {
    this.#vocabulary.expire();
  }

  /** The completions of a word being typed, from the vocabulary (as search-sql.ts reads them). */
  completions(word: string, limit: number): Promise<string[]> {
    return this.#vocabulary.completions(word, limit);
  }

  /**
   * What the SQL runs for a query: words corrected, filters read from words and added to the
   * query's filter, the rest as text. Running the corrected text gives the same plan.
   */
  async plan(
    query: EngineQuery,
  ): Promise<{ params: SearchSqlParams; interpreted: InterpretedFilter[]; corrected: string | null }> {
    const { words, prefix } = query.text;
    const correctedWords = await this.#vocabulary.correct(words, prefix);
    const corrected = correctedWords.some((w, i) => w !== words[i]) ? correctedWords.join(' ') : null;
    const reading = interpretQuery(correctedWords, await this.#vocabulary.cuisines());
    const text = reading.text.map((i) => correctedWords[i]!);
    const stillTyping = prefix && reading.text.at(-1) === words.length - 1;
    const filter = withInterpreted(query.filter, reading.filters);
    return {
      params: toSqlParams({ ...query, text: { ...query.text, words: text, prefix: stillTyping }, filter }),
      interpreted: reading.filters,
      corrected,
    };
  }

  async index(recipeIds: readonly string[]): Promise<void> {
    if (recipeIds.length === 0) return;
    const ids = [...recipeIds];
    const selected = sql`r.id = any(${ids}::uuid[])`;
    // One statement, so one round trip (a write becomes searchable sooner): the upsert touches
    // only published recipes and the delete only the others, so neither needs to see the other.
    await sql`
      with upserted as (${upsertDocumentsSql(selected)} returning 1),
      removed as (
        delete from search_documents d where d.recipe_id = any(${ids}::uuid[])
          and not exists (select 1 from recipes r where r.id = d.recipe_id and r.status = 'published' and r.difficulty is not null)
        returning 1
      ),
      words as (${addWordsSql(selected)} returning 1)
      select pg_notify(${searchChangedChannel}, '')`.execute(this.#db);
  }

  async search(query: EngineQuery): Promise<EngineResult> {
    const plan = await this.plan(query);
    let row = await this.#run(plan.params);
    let interpreted = plan.interpreted;
    if (row.total === 0 && interpreted.length > 0) {
      // Nothing carries the filters read from the words ("vegan" in a title of a recipe not
      // marked vegan): match every word as text instead, as if nothing had been read.
      const words = plan.corrected ? plan.corrected.split(' ') : query.text.words;
      row = await this.#run(toSqlParams({ ...query, text: { ...query.text, words } }));
      interpreted = [];
    }
    const facets = new Map<string, Map<string, number>>();
    for (const { key, count } of row.facets ?? []) {
      const split = key.indexOf(':');
      const facet = key.slice(0, split);
      if (!facets.has(facet)) facets.set(facet, new Map());
      facets.get(facet)!.set(key.slice(split + 1), count);
    }
    return {
      hits: (row.hits ?? []).map((h) => ({
        id: h.id,
        title: fragments(h.title, markStart, markEnd),
        summary: fragments(h.summary, markStart, markEnd),
      })),
      total: row.total,
      facets,
      correctedQuery: plan.corrected,
      interpreted,
    };
  }

  async #run(params: SearchSqlParams) {
    const { rows } = await searchSql(params).execute(this.#db);
    return rows[0]!;
  }

  async suggest(text: SearchText, limit: number): Promise<EngineSuggestions> {
    // One typed letter matches a good part of every title: suggest from the second one on.
    if (text.words.length === 0 || (text.words.length === 1 && text.words[0]!.length < 2)) return { recipes: [], tags: [] };
    const expression = text.words.map((w, i) => (i === text.words.length - 1 && text.prefix ? `${w}:*` : w)).join(' & ');
    const tagPrefix = text.words.join('-');
    const { rows } = await sql<{ recipes: EngineSuggestions['recipes'] | null; tags: EngineSuggestions['tags'] | null }>`
      with q as (select to_tsquery('yeet_simple', ${expression}) as query),
      titles as (
        select d.recipe_id, d.title from search_documents d, q
        where d.title_vector @@ q.query
        order by d.rating_score desc, d.recipe_id desc
        limit ${limit}
      )
      select
        (select json_agg(json_build_object('id', t.recipe_id, 'slug', r.slug, 'title', t.title,
            'highlighted', ts_headline('yeet_simple', t.title, q.query, ${`HighlightAll=true, StartSel=${markStart}, StopSel=${markEnd}`})))
           from titles t join recipes r on r.id = t.recipe_id, q) as recipes,
        -- ties byte-wise, whatever the database's collation (which may skip the hyphens), as the memory engine orders them
        (select json_agg(json_build_object('tag', value, 'count', count)) from (
           select value, count from search_facet_totals
           where facet = 'tags' and value like ${tagPrefix} || '%'
           order by count desc, value collate "C" limit 5) t) as tags`.execute(this.#db);
    const row = rows[0]!;
    return {
      recipes: (row.recipes ?? []).map((r) => ({
        ...r,
        highlighted: fragments(r.highlighted as unknown as string, markStart, markEnd),
      })),
      tags: row.tags ?? [],
    };
  }

  async reconcile(batch: number): Promise<{ indexed: number; removed: number }> {
    const stale = await sql<{ id: string }>`
      select r.id from recipes r
      left join search_documents d on d.recipe_id = r.id
      where r.status = 'published' and r.difficulty is not null
        and (d.recipe_id is null or d.recipe_version <> r.version
             or d.rating_count <> r.rating_count or d.rating_sum <> r.rating_sum)
      limit ${batch}`.execute(this.#db);
    const removed = await sql`
      delete from search_documents d
      where not exists (select 1 from recipes r where r.id = d.recipe_id and r.status = 'published')`.execute(this.#db);
    await this.index(stale.rows.map((r) => r.id));
    const removedCount = Number(removed.numAffectedRows ?? 0);
    if (removedCount > 0 && stale.rows.length === 0) await sql`select pg_notify(${searchChangedChannel}, '')`.execute(this.#db);
    return { indexed: stale.rows.length, removed: removedCount };
  }

  async rebuildLexicon(): Promise<void> {
    await rebuildLexiconSql().execute(this.#db);
  }

  async reindexAll(): Promise<{ indexed: number }> {
    const done = await reindexAll(this.#db);
    this.#vocabulary.reset();
    return done;
  }
}

/**
 * Indexes every published recipe in one transaction, drops entries of the others, recounts
 * the facet totals from scratch (a restore may have emptied the documents under them) and
 * rebuilds the lexicon. For the seed and a restore: what is published is searchable once it returns.
 */
export async function reindexAll(db: Kysely<Database>): Promise<{ indexed: number }> {
  return db.transaction().execute(async (tx) => {
    const upserted = await upsertDocumentsSql(sql`true`).execute(tx);
    await sql`
      delete from search_documents d
      where not exists (select 1 from recipes r where r.id = d.recipe_id and r.status = 'published' and r.difficulty is not null)`.execute(
      tx,
    );
    await sql`delete from search_facet_totals`.execute(tx);
    await sql`
      insert into search_facet_totals (facet, value, count)
      select 'all', '', count(*) from search_documents having count(*) > 0
      union all
      select split_part(v, ':', 1), substr(v, strpos(v, ':') + 1), count(*)
      from search_documents, unnest(facet_values) v group by 1, 2`.execute(tx);
    await rebuildLexiconSql().execute(tx);
    await sql`select pg_notify(${searchChangedChannel}, '')`.execute(tx);
    return { indexed: Number(upserted.numAffectedRows ?? 0) };
  });
}

/** The query's filter with the filters read from its words added (a time limit keeps the tighter). */
function withInterpreted(filter: SearchFilter, read: readonly InterpretedFilter[]): SearchFilter {
  const out: SearchFilter = {
    ...filter,
    cuisines: [...filter.cuisines],
    mealTypes: [...filter.mealTypes],
    difficulties: [...filter.difficulties],
    dietaryFlags: [...filter.dietaryFlags],
  };
  const add = <T>(list: T[], value: T) => {
    if (!list.includes(value)) list.push(value);
  };
  for (const f of read) {
    if (f.facet === 'cuisines') add(out.cuisines, f.value);
    else if (f.facet === 'meal_types') add(out.mealTypes, f.value);
    else if (f.facet === 'difficulty') add(out.difficulties, f.value);
    else if (f.facet === 'dietary_flags') add(out.dietaryFlags, f.value);
    else out.maxTotalMinutes = Math.min(out.maxTotalMinutes ?? Number.POSITIVE_INFINITY, Number(f.value));
  }
  return out;
}

export function toSqlParams(q: EngineQuery): SearchSqlParams {
  return {
    words: q.text.words,
    prefix: q.text.prefix,
    cuisines: q.filter.cuisines,
    mealTypes: q.filter.mealTypes,
    difficulties: q.filter.difficulties,
    timeBuckets: q.filter.timeBuckets,
    maxTotalMinutes: q.filter.maxTotalMinutes,
    tags: q.filter.tags,
    dietaryFlags: q.filter.dietaryFlags,
    sort: q.sort,
    limit: q.limit,
    offset: q.offset,
    facets: q.facets,
  };
}
