-- Users, recipes, their lifecycle events and ratings.
-- Rules that protect data live here as constraints, not only in code.
-- Timestamps keep millisecond precision, the precision of JavaScript dates, so a value read
-- into the app and compared back (paging cursors) is exact.

create table app_meta (
  key text primary key,
  value jsonb not null,
  updated_at timestamptz(3) not null default now()
);

create table users (
  id uuid primary key default gen_random_uuid(),
  issuer text not null,
  subject text not null,
  display_name text not null check (char_length(display_name) between 1 and 80),
  email text,
  roles text[] not null default '{user}'
    check (roles <@ array['user', 'author', 'editor', 'admin']::text[] and cardinality(roles) > 0),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  unique (issuer, subject)
);

create table recipes (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique
    check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and char_length(slug) <= 100),
  author_id uuid not null references users (id),
  status text not null default 'draft'
    check (status in ('draft', 'in_review', 'published', 'archived')),
  title text not null check (char_length(title) between 1 and 120),
  summary text not null default '' check (char_length(summary) <= 500),
  ingredient_sections jsonb not null default '[]' check (jsonb_typeof(ingredient_sections) = 'array'),
  steps jsonb not null default '[]' check (jsonb_typeof(steps) = 'array'),
  servings integer not null check (servings between 1 and 100),
  prep_minutes integer not null default 0 check (prep_minutes >= 0),
  cook_minutes integer not null default 0 check (cook_minutes >= 0),
  total_minutes integer not null default 0 check (total_minutes >= prep_minutes + cook_minutes),
  difficulty text check (difficulty in ('easy', 'medium', 'hard')),
  cuisines text[] not null default '{}',
  meal_types text[] not null default '{}'
    check (meal_types <@ array['breakfast', 'lunch', 'dinner', 'dessert', 'snack', 'drink', 'side']::text[]),
  tags text[] not null default '{}',
  dietary_flags text[] not null default '{}'
    check (dietary_flags <@ array['vegetarian', 'vegan', 'gluten-free', 'dairy-free', 'nut-free']::text[]),
  rating_count integer not null default 0 check (rating_count >= 0),
  rating_sum integer not null default 0 check (rating_sum between rating_count and 5 * rating_count),
  -- Bayesian average (5 phantom ratings of 3 stars) so one 5-star rating does not top the chart.
  rating_score double precision generated always as ((rating_sum + 15)::double precision / (rating_count + 5)) stored,
  rejection_reason text,
  version integer not null default 1 check (version > 0),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  published_at timestamptz(3),
  check ((status in ('published', 'archived')) = (published_at is not null))
);

create index recipes_published_newest on recipes (published_at desc, id desc) where status = 'published';
create index recipes_published_top on recipes (rating_score desc, id desc) where status = 'published';
create index recipes_published_quick on recipes (total_minutes, id) where status = 'published';
create index recipes_by_status on recipes (status, created_at, id);
create index recipes_by_author on recipes (author_id, created_at desc, id desc);
create index recipes_cuisines on recipes using gin (cuisines);
create index recipes_meal_types on recipes using gin (meal_types);
create index recipes_tags on recipes using gin (tags);
create index recipes_dietary on recipes using gin (dietary_flags);

create table recipe_events (
  id bigint generated always as identity primary key,
  recipe_id uuid not null references recipes (id) on delete cascade,
  actor_id uuid not null references users (id),
  action text not null
    check (action in ('create', 'update', 'submit', 'approve', 'reject', 'unpublish', 'archive')),
  from_status text check (from_status in ('draft', 'in_review', 'published', 'archived')),
  to_status text not null check (to_status in ('draft', 'in_review', 'published', 'archived')),
  reason text check (char_length(reason) <= 1000),
  created_at timestamptz(3) not null default now()
);

create index recipe_events_by_recipe on recipe_events (recipe_id, id);

create table ratings (
  recipe_id uuid not null references recipes (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  stars smallint not null check (stars between 1 and 5),
  review text not null default '' check (char_length(review) <= 2000),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  primary key (recipe_id, user_id)
);

create index ratings_by_recipe on ratings (recipe_id, updated_at desc, user_id);
create index ratings_by_user on ratings (user_id);
