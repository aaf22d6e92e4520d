-- Account deletion (docs/decisions/0024-account-deletion.md) and the audit log.

-- A deleted account's row stays as a pseudonym: "A former member", no email, an identity
-- nobody signs in as. Events and the published recipes the person chose to keep still point
-- at it, so the audit trail keeps its shape without the person's data.
alter table users add column deleted_at timestamptz(3);

-- What is not a recipe's lifecycle (those stay in recipe_events): role changes, account
-- deletions, other admin actions. `detail` never holds the deleted data, only its shape.
create table audit_events (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('user.roles_changed', 'user.deleted')),
  actor_id uuid references users (id),
  subject_id uuid references users (id),
  detail jsonb not null default '{}' check (jsonb_typeof(detail) = 'object'),
  created_at timestamptz(3) not null default now()
);
create index audit_events_newest on audit_events (created_at desc, id desc);
create index audit_events_by_actor on audit_events (actor_id, created_at desc);
create index audit_events_by_subject on audit_events (subject_id, created_at desc);

-- The audit log reads lifecycle events newest first, and by actor.
create index recipe_events_newest on recipe_events (created_at desc, id desc);
create index recipe_events_by_actor on recipe_events (actor_id, created_at desc);
