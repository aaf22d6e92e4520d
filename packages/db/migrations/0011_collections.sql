-- Saved recipes: every person's Favourites and the collections they name (issue 20).

-- A person's collections. Favourites is a row like any other, made the first time it is
-- needed, with `favourites` set: at most one per person, named "Favourites", never renamed
-- or deleted (the controller refuses; the name check below keeps the row honest).
-- owner_id cascades: a user row is only ever deleted outright by an operator, and then its
-- collections mean nothing. Account deletion keeps the row as a pseudonym and deletes the
-- collections itself (PeopleStore/CollectionStore), as it does ratings.
create table collections (
  id uuid primary key default gen_random_uuid(),
  owner_id uuid not null references users (id) on delete cascade,
  name text not null check (char_length(name) between 1 and 60 and name = btrim(name)),
  favourites boolean not null default false,
  -- Set while shared: the link /c/<share_token>. 32 base64url characters (24 random bytes).
  share_token text unique check (share_token ~ '^[A-Za-z0-9_-]{32}$'),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  check (not favourites or name = 'Favourites')
);

-- Names are unique per person, letter case ignored ("Weeknight" and "weeknight" are one).
create unique index collections_owner_name on collections (owner_id, lower(name));
create unique index collections_one_favourites on collections (owner_id) where favourites;

-- A recipe in a collection; a recipe can be in several. Deleting the collection empties it.
-- A deleted recipe (a draft deleted by its author, recipes deleted with an account) leaves
-- every collection: its content is gone, so there is nothing to show even as "unavailable".
-- Unpublished and archived recipes stay (the row still exists) and show as unavailable.
create table collection_recipes (
  collection_id uuid not null references collections (id) on delete cascade,
  recipe_id uuid not null references recipes (id) on delete cascade,
  added_at timestamptz(3) not null default now(),
  primary key (collection_id, recipe_id)
);

-- "Which of my collections hold this recipe" goes through the collections; this one serves
-- the cascade when a recipe is deleted.
create index collection_recipes_by_recipe on collection_recipes (recipe_id);
create index collection_recipes_newest on collection_recipes (collection_id, added_at desc);
