-- Rate-limit counters shared by every replica when no Redis is configured
-- (docs/decisions/0019-rate-limits.md). The layout is the one rate-limiter-flexible's
-- RateLimiterPostgres reads and writes: a key (the limit's name and the caller), the units used
-- in the window, and when the window ends (epoch milliseconds). Unlogged: counters are worth
-- nothing after a crash, and skipping the write-ahead log makes the one upsert per request cheap.
-- Rows an hour past their window are deleted by the API processes.

create unlogged table rate_limits (
  key text primary key,
  points integer not null default 0,
  expire bigint
);
