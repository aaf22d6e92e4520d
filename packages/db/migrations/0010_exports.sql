-- Data exports (issue 21): an archive of everything stored about a person, built by the
-- worker's `exports.build` job, kept in the object storage under `exports/<id>` until
-- `expires_at` (EXPORT_LINK_TTL_HOURS), then removed with its row by `exports.sweep`.
create table data_exports (
  id uuid primary key,
  -- The person the export is about.
  user_id uuid not null references users (id) on delete cascade,
  -- Who asked: the person, or an admin.
  requested_by uuid references users (id) on delete set null,
  status text not null default 'preparing' check (status in ('preparing', 'ready', 'failed')),
  byte_size bigint,
  sha256 text,
  -- Why a build failed, in words for the person.
  error text,
  created_at timestamptz(3) not null default now(),
  ready_at timestamptz(3),
  -- Set when the archive is ready; the download link stops working then.
  expires_at timestamptz(3)
);
create index data_exports_by_user on data_exports (user_id, created_at desc);
create index data_exports_expiring on data_exports (expires_at);

-- New audit kinds: bursts of failed sign-ins, and data exports (asked by the person or an admin).
alter table audit_events drop constraint audit_events_kind_check;
alter table audit_events add constraint audit_events_kind_check
  check (kind in ('user.roles_changed', 'user.deleted', 'user.sign_in_failures', 'user.data_exported'));
