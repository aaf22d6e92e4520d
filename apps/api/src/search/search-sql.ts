import { sql, type RawBuilder } from '@yeet/db';
import { facetNames, type FacetName } from '@yeet/domain';

/**
 * The SQL of a search, as one statement: query expansion (synonyms, completions of the
 * last word), matching, facet counts and the page of hits
 * with highlights. The benchmark runs exactly this statement directly to measure what the
 * API adds on top.
 */
export interface SearchSqlParams {
  /** Folded [a-z0-9] words, already corrected and without the ones read as filters; empty for browsing. */
  words: string[];
  /** The last word is still being typed: also match words that start with it. */
  prefix: boolean;
  cuisines: string[];
  mealTypes: string[];
  difficulties: string[];
  timeBuckets: string[];
  maxTotalMinutes: number | null;
  tags: string[];
  dietaryFlags: string[];
  sort: 'relevance' | 'newest' | 'top_rated' | 'quickest';
  limit: number;
  offset: number;
  facets: boolean;
}

export interface SearchSqlRow {
  hits: Array<{ id: string; rank: number; title: string; summary: string }> | null;
  /** "facet:value" → count, for every value with at least one match. */
  facets: Array<{ key: string; count: number }> | null;
  total: number;
}

/** Marks around matched words in highlights; control characters never occur in stored text. */
export const markStart = '\u0002';
export const markEnd = '\u0003';
const headlineOptions = `HighlightAll=true, StartSel=${markStart}, StopSel=${markEnd}`;

const orderBy: Record<SearchSqlParams['sort'], RawBuilder<unknown>> = {
  relevance: sql`rank desc, rating_score desc, recipe_id desc`,
  newest: sql`published_at desc, recipe_id desc`,
  top_rated: sql`rating_score desc, recipe_id desc`,
  quickest: sql`total_minutes asc, recipe_id asc`,
};

const yes = sql`true`;

export function searchSql(p: SearchSqlParams): RawBuilder<SearchSqlRow> {
  const filter: Record<FacetName, RawBuilder<unknown>> = {
    cuisines: p.cuisines.length ? sql`cuisines && ${p.cuisines}::text[]` : yes,
    meal_types: p.mealTypes.length ? sql`meal_types && ${p.mealTypes}::text[]` : yes,
    difficulty: p.difficulties.length ? sql`difficulty = any(${p.difficulties}::text[])` : yes,
    time_buckets:
      p.timeBuckets.length || p.maxTotalMinutes !== null
        ? sql`(${p.timeBuckets.length === 0} or time_bucket = any(${p.timeBuckets}::text[]))
            and total_minutes <= ${p.maxTotalMinutes ?? 2147483647}`
        : yes,
    tags: p.tags.length ? sql`tags && ${p.tags}::text[]` : yes,
    // Diets combine with AND: a vegan, gluten-free cook needs both (docs/decisions/0004).
    dietary_flags: p.dietaryFlags.length ? sql`dietary_flags @> ${p.dietaryFlags}::text[]` : yes,
  };
  const active = facetNames.filter((f) => filter[f] !== yes);
  const all = active.length
    ? sql.join(
        active.map((f) => filter[f]),
        sql` and `,
      )
    : yes;
  /** Disjunctive counting: a facet's values are counted under every filter but its own (diets: all). */
  const otherThan = (facet: FacetName) => {
    const others = active.filter((f) => f !== facet || f === 'dietary_flags');
    return others.length
      ? sql.join(
          others.map((f) => filter[f]),
          sql` and `,
        )
      : yes;
  };
  const browsing = p.words.length === 0;
  const order = orderBy[p.sort === 'relevance' && browsing ? 'newest' : p.sort];

  // Typo correction happened before (see PostgresSearchEngine.plan): these words are what to match.
  // Orders are spelled out, byte-wise (collate "C", whatever the database's collation): ts_rank
  // depends on the order of the query's operands (which of a word and the same word as a prefix
  // survives, which lexeme of a prefix pairs with the next operands), and a union hashed by the
  // planner would leave them in hash order; the memory engine ranks with its words sorted so.
  const expansion = sql`
    terms as (
      select t.word, t.ord::int as ord from unnest(${p.words}::text[]) with ordinality as t(word, ord)
    ),
    last_term as (select max(ord) as ord from terms),
    completions as (
      select t.ord, c.word from terms t, last_term
      cross join lateral (
        select l.word from search_lexicon l
        where ${p.prefix} and t.ord = last_term.ord and l.word like t.word || '%' and l.word <> t.word
        order by l.doc_count desc, l.word collate "C" limit 8
      ) c
    ),
    alternatives as (
      select ord, word as alt from terms
      union select t.ord, s2.word from terms t
        join search_synonyms s1 on s1.word = t.word
        join search_synonyms s2 on s2.group_id = s1.group_id
      union select ord, word from completions
      union select t.ord, t.word || ':*' from terms t, last_term where ${p.prefix} and t.ord = last_term.ord
    ),
    q as (
      select to_tsquery('yeet', coalesce(string_agg('(' || alts || ')', ' & ' order by ord), '')) as query
      from (select ord, string_agg(alt, ' | ' order by alt collate "C") as alts from alternatives group by ord) a
    )`;

  // Browsing: no text to match, so the hits come straight off the sort's index, and the
  // facet counts from the totals table unless a filter narrows the set.
  if (browsing) {
    const facets = !p.facets
      ? sql`null::json`
      : active.length === 0
        ? sql`(select json_agg(json_build_object('key', facet || ':' || value, 'count', count))
               from search_facet_totals where facet <> 'all')`
        : facetCountsSql(sql`(select * from search_documents where ${otherThanAny(otherThan)}) b`, otherThan);
    return sql<SearchSqlRow>`
      with page as (
        select recipe_id, 0::real as rank, row_number() over (order by ${order}) as ord
        from search_documents where ${all}
        order by ${order} limit ${p.limit} offset ${p.offset}
      )
      select
        (select json_agg(json_build_object('id', page.recipe_id, 'rank', 0, 'title', d.title, 'summary', d.summary) order by page.ord)
           from page join search_documents d using (recipe_id)) as hits,
        ${facets} as facets,
        ${
          active.length === 0
            ? sql`(select count from search_facet_totals where facet = 'all' and value = '')`
            : sql`(select count(*)::int from search_documents where ${all})`
        } as total`;
  }

  return sql<SearchSqlRow>`
    with ${expansion},
    base as materialized (
      select d.recipe_id, d.cuisines, d.meal_types, d.difficulty, d.time_bucket, d.total_minutes, d.tags,
        d.dietary_flags, d.facet_values, d.rating_score, d.published_at,
        ${p.sort === 'relevance' ? sql`ts_rank('{0.1, 0.2, 0.4, 1.0}', d.document, q.query)` : sql`0::real`} as rank
      from search_documents d, q
      where numnode(q.query) > 0 and d.document @@ q.query
    ),
    page as (
      select recipe_id, rank, row_number() over (order by ${order}) as ord
      from base where ${all}
      order by ${order} limit ${p.limit} offset ${p.offset}
    )
    select
      (select json_agg(json_build_object(
          'id', page.recipe_id, 'rank', page.rank,
          'title', ts_headline('yeet', d.title, q.query, ${headlineOptions}),
          'summary', ts_headline('yeet', d.summary, q.query, ${headlineOptions}))
        order by page.ord)
       from page join search_documents d using (recipe_id), q) as hits,
      ${p.facets ? facetCountsSql(sql`base b`, otherThan) : sql`null::json`} as facets,
      (select count(*)::int from base where ${all}) as total`;
}

/** Rows that any facet's count needs: those passing the filters of at least one facet. */
function otherThanAny(otherThan: (f: FacetName) => RawBuilder<unknown>): RawBuilder<unknown> {
  return sql.join(
    facetNames.map((f) => sql`(${otherThan(f)})`),
    sql` or `,
  );
}

/** One pass over `source`: every "facet:value" counted under the other facets' filters. */
function facetCountsSql(source: RawBuilder<unknown>, otherThan: (f: FacetName) => RawBuilder<unknown>): RawBuilder<unknown> {
  const condition = sql.join(
    facetNames.map((f) => sql`when ${f} then ${otherThan(f)}`),
    sql` `,
  );
  return sql`(select json_agg(json_build_object('key', key, 'count', n)) from (
      select x.key, count(*)::int as n
      from ${source} cross join lateral unnest(b.facet_values) as x(key)
      where case split_part(x.key, ':', 1) ${condition} else false end
      group by x.key
    ) f)`;
}
