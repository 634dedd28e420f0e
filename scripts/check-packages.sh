#!/usr/bin/env bash
# Every package must be publishable: publint on all, @arethetypeswrong/cli on the libraries (ESM only).
set -euo pipefail
cd "$(dirname "$0")/.."
for p in packages/core packages/cloudformation packages/terraform apps/cli; do
  npx publint --strict "$p"
done
for p in packages/core packages/cloudformation packages/terraform; do
  (cd "$p" && npx attw --pack . --profile esm-only --format ascii)
done
