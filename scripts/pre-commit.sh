#!/usr/bin/env bash
# What the pre-commit hook runs: build deputyguard in its own checkout once, then check the staged
# files pre-commit passes (paths relative to the repository being committed to).
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -f "$here/apps/cli/dist/main.js" ]; then
  (cd "$here" && { [ "$(pnpm -v 2>/dev/null || true)" = "10.34.9" ] || npm i -g pnpm@10.34.9; } \
    && pnpm install --frozen-lockfile && pnpm build) >&2 || { echo "deputyguard: build failed" >&2; exit 3; }
fi
[ "$#" -gt 0 ] || exit 0
exec node "$here/apps/cli/bin/check-iac.js" --only-recognised "$@"
