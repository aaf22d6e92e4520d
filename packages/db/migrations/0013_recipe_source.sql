-- Where an imported recipe came from (issue 19, docs/decisions/0023-importer.md): the page's
-- address and the site's name, shown on the recipe as "Adapted from <site>" and in its JSON-LD
-- `isBasedOn`. Both are null for recipes written here; an address never comes without a name.
alter table recipes
  add column source_url text check (source_url ~ '^https?://' and length(source_url) <= 2048),
  add column source_name text check (length(source_name) between 1 and 200),
  add constraint recipes_source_whole check ((source_url is null) = (source_name is null));
