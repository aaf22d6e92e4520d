import { sql, type RawBuilder } from '@yeet/db';

/**
 * The search document of a recipe, computed from its row in one statement, so an index
 * entry is always exactly what the recipes table says. `where` picks the recipes
 * (published ones only: the caller removes entries for the rest).
 */
export function upsertDocumentsSql(where: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    insert into search_documents as d (
      recipe_id, title, summary, cuisines, meal_types, difficulty, time_bucket, tags, dietary_flags,
      facet_values, total_minutes, rating_score, published_at, document, title_vector,
      recipe_version, rating_count, rating_sum, indexed_at)
    select r.id, r.title, r.summary, r.cuisines, r.meal_types, r.difficulty, bucket.name,
      r.tags, r.dietary_flags,
      array(select 'cuisines:' || v from unnest(r.cuisines) v)
        || array(select 'meal_types:' || v from unnest(r.meal_types) v)
        || array['difficulty:' || r.difficulty, 'time_buckets:' || bucket.name]
        || array(select 'tags:' || v from unnest(r.tags) v)
        || array(select 'dietary_flags:' || v from unnest(r.dietary_flags) v),
      r.total_minutes, r.rating_score, r.published_at,
      setweight(to_tsvector('yeet', r.title), 'A')
        || setweight(to_tsvector('yeet', array_to_string(r.tags || r.cuisines, ' ')), 'B')
        || setweight(to_tsvector('yeet', ingredients.text), 'C')
        || setweight(to_tsvector('yeet', r.summary), 'D'),
      to_tsvector('yeet_simple', r.title),
      r.version, r.rating_count, r.rating_sum, now()
    from recipes r
    cross join lateral (
      select coalesce(string_agg(i ->> 'item', ' '), '') as text
      from jsonb_array_elements(r.ingredient_sections) s, jsonb_array_elements(s -> 'ingredients') i
    ) ingredients
    cross join lateral (
      select case
        when r.total_minutes <= 15 then 'up-to-15'
        when r.total_minutes <= 30 then '15-to-30'
        when r.total_minutes <= 60 then '30-to-60'
        when r.total_minutes <= 120 then '1-to-2-hours'
        else 'over-2-hours'
      end as name
    ) bucket
    where r.status = 'published' and r.difficulty is not null and (${where})
    on conflict (recipe_id) do update set
      title = excluded.title, summary = excluded.summary, cuisines = excluded.cuisines,
      meal_types = excluded.meal_types, difficulty = excluded.difficulty, time_bucket = excluded.time_bucket,
      tags = excluded.tags, dietary_flags = excluded.dietary_flags, facet_values = excluded.facet_values,
      total_minutes = excluded.total_minutes,
      rating_score = excluded.rating_score, published_at = excluded.published_at, document = excluded.document,
      title_vector = excluded.title_vector, recipe_version = excluded.recipe_version,
      rating_count = excluded.rating_count, rating_sum = excluded.rating_sum, indexed_at = excluded.indexed_at`;
}

/** Words of the selected recipes' text, for the lexicon. */
export function recipeWords(where: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select w as word, r.id as recipe_id
    from recipes r
    cross join lateral (
      select coalesce(string_agg(i ->> 'item', ' '), '') as text
      from jsonb_array_elements(r.ingredient_sections) s, jsonb_array_elements(s -> 'ingredients') i
    ) ingredients
    cross join lateral regexp_split_to_table(
      lower(unaccent(r.title || ' ' || r.summary || ' ' || array_to_string(r.tags || r.cuisines, ' ') || ' ' || ingredients.text)),
      '[^a-z0-9]+') w
    where r.status = 'published' and length(w) between 2 and 40 and (${where})`;
}

/** Adds the words of the selected recipes to the lexicon (typo correction, prefixes). */
export function addWordsSql(where: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    insert into search_lexicon (word)
    select distinct word from (${recipeWords(where)}) w
    on conflict (word) do nothing`;
}

/** Recounts the lexicon from every published recipe and drops words no longer used. */
export function rebuildLexiconSql(): RawBuilder<unknown> {
  return sql`
    with counts as (
      select word, count(distinct recipe_id)::int as n from (${recipeWords(sql`true`)}) w group by word
    ), upserted as (
      insert into search_lexicon as l (word, doc_count) select word, n from counts
      on conflict (word) do update set doc_count = excluded.doc_count
      returning l.word
    )
    delete from search_lexicon l where not exists (select 1 from counts c where c.word = l.word)`;
}
