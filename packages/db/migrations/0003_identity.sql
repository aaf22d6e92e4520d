-- The built-in OpenID Connect issuer: local accounts and the issuer's own records
-- (sessions, grants, codes, refresh tokens), plus a lookup of users by email.

create table accounts (
  id uuid primary key default gen_random_uuid(),
  email text not null check (char_length(email) <= 254 and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  display_name text not null check (char_length(display_name) between 1 and 80),
  -- argon2id, PHC string format: $argon2id$v=19$m=…,t=…,p=…$salt$hash
  password_hash text not null check (password_hash like '$argon2id$%'),
  created_at timestamptz(3) not null default now(),
  updated_at timestamptz(3) not null default now(),
  last_sign_in_at timestamptz(3)
);
create unique index accounts_email on accounts (lower(email));

-- oidc-provider's models (Session, Interaction, Grant, AuthorizationCode, RefreshToken, …).
create table oidc_payloads (
  model text not null,
  id text not null,
  payload jsonb not null,
  grant_id text,
  uid text,
  user_code text,
  expires_at timestamptz(3),
  consumed_at timestamptz(3),
  primary key (model, id)
);
create index oidc_payloads_grant on oidc_payloads (grant_id) where grant_id is not null;
create index oidc_payloads_uid on oidc_payloads (model, uid) where uid is not null;
create index oidc_payloads_user_code on oidc_payloads (model, user_code) where user_code is not null;
create index oidc_payloads_expiry on oidc_payloads (expires_at);

create index users_email on users (lower(email));
create index users_by_name on users (lower(display_name), id);
