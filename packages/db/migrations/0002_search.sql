-- Search: a denormalised, weighted document per published recipe, facet totals kept by a
-- trigger, a lexicon of indexed words for typo tolerance, and synonyms.

create extension if not exists unaccent;
create extension if not exists pg_trgm;

-- English stemming after accent folding: "crème" finds "creme", "aubergines" finds "aubergine".
create text search configuration yeet (copy = english);
alter text search configuration yeet
  alter mapping for hword, hword_part, word with unaccent, english_stem;
-- The same without stemming, for prefix matching of titles as people type.
create text search configuration yeet_simple (copy = simple);
alter text search configuration yeet_simple
  alter mapping for hword, hword_part, word with unaccent, simple;

create table search_documents (
  recipe_id uuid primary key references recipes (id) on delete cascade,
  title text not null,
  summary text not null,
  cuisines text[] not null,
  meal_types text[] not null,
  difficulty text not null,
  time_bucket text not null,
  tags text[] not null,
  dietary_flags text[] not null,
  -- every facet value as "facet:value", so one pass over the matches counts them all
  facet_values text[] not null,
  total_minutes integer not null,
  rating_score double precision not null,
  published_at timestamptz(3) not null,
  -- title (A) > tags and cuisines (B) > ingredients (C) > summary (D)
  document tsvector not null,
  title_vector tsvector not null,
  -- what was indexed, to find entries older than their recipe
  recipe_version integer not null,
  rating_count integer not null,
  rating_sum integer not null,
  indexed_at timestamptz(3) not null default now()
);

create index search_documents_document on search_documents using gin (document);
create index search_documents_title on search_documents using gin (title_vector);
create index search_documents_cuisines on search_documents using gin (cuisines);
create index search_documents_meal_types on search_documents using gin (meal_types);
create index search_documents_tags on search_documents using gin (tags);
create index search_documents_dietary on search_documents using gin (dietary_flags);
create index search_documents_newest on search_documents (published_at desc, recipe_id desc);
create index search_documents_top on search_documents (rating_score desc, recipe_id desc);
create index search_documents_quick on search_documents (total_minutes, recipe_id);

-- Facet totals over every indexed recipe: the counts for a search without query or filters,
-- and the tag list for suggestions. Kept exact by the trigger below.
create table search_facet_totals (
  facet text not null,
  value text not null,
  count integer not null check (count >= 0),
  primary key (facet, value)
);
create index search_facet_totals_prefix on search_facet_totals (facet, value text_pattern_ops);

create function search_facet_rows(d search_documents) returns table (facet text, value text)
language sql immutable as $$
  select 'all', ''
  union all
  select split_part(v, ':', 1), substr(v, strpos(v, ':') + 1) from unnest(d.facet_values) v
$$;

-- Each statement's changes become one delta per (facet, value); the check on count catches
-- any drift instead of hiding it.
-- (Decrements go through UPDATE: a CHECK is tested on the row an INSERT proposes, before
-- ON CONFLICT turns it into an update, so a negative count could never be upserted.)
create function search_facet_totals_add(delta jsonb) returns void
language sql as $$
  insert into search_facet_totals as t (facet, value, count)
  select d.facet, d.value, d.n from jsonb_to_recordset(delta) as d(facet text, value text, n int) where d.n > 0
  on conflict (facet, value) do update set count = t.count + excluded.count;
  update search_facet_totals t set count = t.count + d.n
  from jsonb_to_recordset(delta) as d(facet text, value text, n int)
  where d.n < 0 and t.facet = d.facet and t.value = d.value;
  delete from search_facet_totals where count = 0;
$$;

create function search_documents_inserted() returns trigger language plpgsql as $$
begin
  perform search_facet_totals_add(coalesce((
    select jsonb_agg(x) from (
      select f.facet, f.value, count(*) as n from new_rows d, search_facet_rows(d) f group by 1, 2) x), '[]'));
  return null;
end $$;

create function search_documents_deleted() returns trigger language plpgsql as $$
begin
  perform search_facet_totals_add(coalesce((
    select jsonb_agg(x) from (
      select f.facet, f.value, -count(*) as n from old_rows d, search_facet_rows(d) f group by 1, 2) x), '[]'));
  return null;
end $$;

create function search_documents_updated() returns trigger language plpgsql as $$
begin
  perform search_facet_totals_add(coalesce((
    select jsonb_agg(x) from (
      select facet, value, sum(n) as n from (
        select f.facet, f.value, -1 as n from old_rows d, search_facet_rows(d) f
        union all
        select f.facet, f.value, 1 as n from new_rows d, search_facet_rows(d) f) c
      group by 1, 2 having sum(n) <> 0) x), '[]'));
  return null;
end $$;

create trigger search_documents_inserted after insert on search_documents
  referencing new table as new_rows for each statement execute function search_documents_inserted();
create trigger search_documents_deleted after delete on search_documents
  referencing old table as old_rows for each statement execute function search_documents_deleted();
create trigger search_documents_updated after update on search_documents
  referencing old table as old_rows new table as new_rows for each statement execute function search_documents_updated();

-- Every word in the index, for "did you mean": a misspelled query word is replaced by its
-- nearest neighbours by trigram similarity.
create table search_lexicon (
  word text primary key check (word ~ '^[a-z0-9]+$'),
  -- documents containing the word (exact after a rebuild, at least 1 for words added since)
  doc_count integer not null default 1
);
create index search_lexicon_trigrams on search_lexicon using gin (word gin_trgm_ops);
create index search_lexicon_prefix on search_lexicon (word text_pattern_ops, doc_count);

-- Words that mean the same dish or ingredient; a query for one finds the others.
create table search_synonyms (
  word text primary key check (word ~ '^[a-z0-9]+$'),
  group_id integer not null
);
create index search_synonyms_group on search_synonyms (group_id);

insert into search_synonyms (word, group_id) values
  ('aubergine', 1), ('eggplant', 1), ('brinjal', 1),
  ('courgette', 2), ('zucchini', 2),
  ('coriander', 3), ('cilantro', 3),
  ('prawn', 4), ('prawns', 4), ('shrimp', 4), ('shrimps', 4),
  ('scallion', 5), ('scallions', 5),
  ('chickpea', 6), ('chickpeas', 6), ('garbanzo', 6),
  ('rocket', 7), ('arugula', 7),
  ('cookie', 10), ('cookies', 10), ('biscuit', 10), ('biscuits', 10),
  ('chips', 11), ('fries', 11),
  ('beetroot', 12), ('beet', 12), ('beets', 12),
  ('yoghurt', 13), ('yogurt', 13),
  ('bicarbonate', 14), ('bicarb', 14),
  ('cornflour', 15), ('cornstarch', 15),
  ('icing', 16), ('frosting', 16),
  ('porridge', 17), ('oatmeal', 17),
  ('swede', 18), ('rutabaga', 18),
  ('mangetout', 19), ('snowpea', 19),
  ('lasagna', 20), ('lasagne', 20);
