#!/usr/bin/env bash
# Fails when proto/ does not lint, when it breaks compatibility with the previous commit
# (buf breaking, rules in buf.yaml), or when the committed generated code is not what
# `npm run generate` would produce from it.
set -euo pipefail
cd "$(dirname "$0")/.."
buf lint

# The working tree against the commit before HEAD: in CI that is the previous commit of
# main; on a developer's machine it also covers uncommitted changes. A shallow clone or a
# first commit has nothing to compare with, which is said, not hidden.
if git rev-parse --verify --quiet HEAD~1 >/dev/null; then
  buf breaking --against '.git#ref=HEAD~1'
  breaking="no breaking change against $(git rev-parse --short HEAD~1)"
else
  breaking="buf breaking skipped: no previous commit in this clone"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
buf generate --output "$tmp"
if ! diff -r "$tmp/packages/contract/src/gen" packages/contract/src/gen >/dev/null; then
  diff -r "$tmp/packages/contract/src/gen" packages/contract/src/gen | head -40 || true
  echo "packages/contract/src/gen is stale: run \"npm run generate\" and commit the result." >&2
  exit 1
fi
echo "contract: buf lint ok, $breaking, generated code up to date"
