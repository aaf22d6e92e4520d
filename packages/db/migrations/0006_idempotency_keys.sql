-- The outcome of each write sent with an Idempotency-Key header, so that a retry of the same
-- request (a double click, a network retry, an assistant repeating a tool call) gets the first
-- answer instead of doing the work twice. A key belongs to one caller; the row is claimed with
-- an insert that does nothing on conflict, so parallel requests with one key race safely: one
-- inserts and runs, the others find its row. Rows are deleted 24 hours after their first
-- request (docs/decisions/0017-idempotency-keys.md).

create table idempotency_keys (
  caller_id uuid not null references users (id) on delete cascade,
  key text not null check (char_length(key) between 1 and 255),
  -- The RPC method and SHA-256 of it and the request's bytes: the same key with another request is refused.
  method text not null,
  fingerprint bytea not null check (octet_length(fingerprint) = 32),
  created_at timestamptz(3) not null default now(),
  -- When the request now running started; a claim older than a request can last was abandoned (the process died).
  claimed_at timestamptz(3) not null default now(),
  completed_at timestamptz(3),
  -- The outcome, once completed: the response message (binary protobuf), or the Connect error.
  response bytea,
  error jsonb,
  primary key (caller_id, key),
  check (completed_at is null or (response is null) <> (error is null))
);
create index idempotency_keys_created on idempotency_keys (created_at);
