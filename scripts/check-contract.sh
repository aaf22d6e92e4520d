#!/usr/bin/env bash
# Fails when proto/ does not lint or when the committed generated code is not what
# `npm run generate` would produce from it.
set -euo pipefail
cd "$(dirname "$0")/.."
buf lint
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
buf generate --output "$tmp"
if ! diff -r "$tmp/packages/contract/src/gen" packages/contract/src/gen >/dev/null; then
  diff -r "$tmp/packages/contract/src/gen" packages/contract/src/gen | head -40 || true
  echo "packages/contract/src/gen is stale: run \"npm run generate\" and commit the result." >&2
  exit 1
fi
echo "contract: buf lint ok, generated code up to date"
