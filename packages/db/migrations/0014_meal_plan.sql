-- Meal plans (issue #20): recipes and notes in a person's day slots, and the private
-- calendar feed of the plan. The value sets and limits match @yeet/domain (values.ts,
-- meal-plan.ts): slots breakfast/lunch/dinner/snack, servings 1-100, notes 1-200 characters.

create table meal_plan_entries (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  day date not null check (day between '2000-01-01' and '2100-12-31'),
  slot text not null check (slot in ('breakfast', 'lunch', 'dinner', 'snack')),
  -- order within the slot: an entry added or moved there goes last
  position integer not null check (position >= 0),
  -- a recipe that is deleted takes its entries with it; one unpublished or archived stays,
  -- shown as unavailable
  recipe_id uuid references recipes (id) on delete cascade,
  servings smallint check (servings between 1 and 100),
  note text check (char_length(note) between 1 and 200),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  -- exactly one of a recipe (with its servings) and a note
  constraint meal_plan_entries_recipe_or_note check (
    (recipe_id is not null and servings is not null and note is null)
    or (recipe_id is null and servings is null and note is not null)
  )
);
-- a week of one person's plan, in slot order
create index meal_plan_entries_by_day on meal_plan_entries (user_id, day, slot, position);
create index meal_plan_entries_by_recipe on meal_plan_entries (recipe_id) where recipe_id is not null;

-- One calendar feed per person. The token is the URL's secret (GET /plan/<token>.ics): rotating
-- replaces it, revoking deletes the row, and either way the old URL answers 404.
create table meal_plan_feeds (
  user_id uuid primary key references users (id) on delete cascade,
  token text not null unique check (token ~ '^[A-Za-z0-9_-]{32,64}$'),
  created_at timestamptz(3) not null default now()
);
