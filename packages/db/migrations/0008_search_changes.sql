-- Every change to search_documents, in the same transaction as the change, so each API
-- process keeping the index in memory (SEARCH_ENGINE=memory) can follow them: it reads the
-- changes of transactions it has not seen (xid at or above the oldest transaction that was
-- still running when it last looked) and re-reads those documents. Kept one hour.
create table search_changes (
  seq bigserial primary key,
  recipe_id uuid not null,
  xid xid8 not null default pg_current_xact_id(),
  at timestamptz not null default now()
);
create index search_changes_xid on search_changes (xid);
create index search_changes_at on search_changes (at);

create function search_changes_new() returns trigger language plpgsql as $$
begin
  insert into search_changes (recipe_id) select recipe_id from new_rows;
  return null;
end $$;

create function search_changes_old() returns trigger language plpgsql as $$
begin
  insert into search_changes (recipe_id) select recipe_id from old_rows;
  return null;
end $$;

create trigger search_changes_inserted after insert on search_documents
  referencing new table as new_rows for each statement execute function search_changes_new();
create trigger search_changes_updated after update on search_documents
  referencing new table as new_rows for each statement execute function search_changes_new();
create trigger search_changes_deleted after delete on search_documents
  referencing old table as old_rows for each statement execute function search_changes_old();
