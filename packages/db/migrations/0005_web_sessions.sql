-- Web sessions that were signed out. The session lives in a sealed cookie; a copy of that
-- cookie must stop working when its owner signs out, so the API refuses the tokens of any
-- cookie whose session id is listed here. A row is needed only while such a cookie could
-- still be presented (its lifetime), then the sweep deletes it.

create table ended_web_sessions (
  id text primary key check (char_length(id) between 16 and 64),
  ended_at timestamptz(3) not null default now(),
  expires_at timestamptz(3) not null
);
create index ended_web_sessions_expiry on ended_web_sessions (expires_at);
