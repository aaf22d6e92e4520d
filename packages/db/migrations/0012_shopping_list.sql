-- Every person's shopping list (issue 20; merging rules in docs/decisions/0029-shopping-list-merging.md).

-- One row per line. `item_key` is the ingredient's name as merging compares it (case and a
-- plural last word ignored; packages/domain/src/shopping.ts writes it); `quantity` null is a
-- line without an amount ("salt"). Two devices editing one list: every write bumps `version`
-- and `updated_at`, the last write to a line wins, and additions insert or add to a line under
-- its row lock, so none is lost.
-- user_id cascades: a user row is only deleted outright by an operator. Account deletion
-- keeps the row as a pseudonym and deletes the list itself (ShoppingListStore.deleteAllOf).
create table shopping_list_items (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  item text not null check (char_length(item) between 1 and 120 and item = btrim(item)),
  item_key text not null check (char_length(item_key) between 1 and 120),
  quantity double precision check (quantity > 0 and quantity <= 1000000),
  unit text not null default '' check (char_length(unit) <= 20),
  note text not null default '' check (char_length(note) <= 200),
  aisle text not null default 'other'
    check (aisle in ('produce', 'bakery', 'meat-fish', 'dairy-eggs', 'pantry', 'spices', 'frozen', 'drinks', 'other')),
  checked boolean not null default false,
  version integer not null default 1 check (version > 0),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  check (quantity is not null or unit = '')
);
create index shopping_list_items_by_user on shopping_list_items (user_id, aisle, created_at);

-- Which recipes a line came from, at which servings (the last added). A deleted recipe leaves
-- the line's sources; what was added stays on the list.
create table shopping_list_item_sources (
  item_id uuid not null references shopping_list_items (id) on delete cascade,
  recipe_id uuid not null references recipes (id) on delete cascade,
  servings integer not null check (servings between 1 and 100),
  added_at timestamptz(3) not null default now(),
  primary key (item_id, recipe_id)
);
create index shopping_list_item_sources_by_recipe on shopping_list_item_sources (recipe_id);
