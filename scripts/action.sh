#!/usr/bin/env bash
# What the GitHub Action runs: build deputyguard from the action's own checkout (once), scan, write
# SARIF, and hand the exit code to the last step (so that the SARIF upload happens first).
set -uo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
if [ ! -f "$here/apps/cli/dist/main.js" ]; then
  (cd "$here" && { [ "$(pnpm -v 2>/dev/null || true)" = "10.34.9" ] || npm i -g pnpm@10.34.9; } \
    && pnpm install --frozen-lockfile && pnpm build) >&2 || { echo "deputyguard: build failed" >&2; exit 3; }
fi
sarif="${INPUT_SARIF_FILE:-deputyguard.sarif}"
common=(--fail-on "${INPUT_FAIL_ON:-medium}")
if [ -n "${INPUT_CONFIG:-}" ]; then common+=(--config "$INPUT_CONFIG"); fi
read -r -a paths <<< "${INPUT_PATHS:-.}"
[ "${#paths[@]}" -gt 0 ] || paths=(.)
node "$here/apps/cli/bin/check-iac.js" --format sarif --output "$sarif" "${common[@]}" "${paths[@]}"
code=$?
# Also show the findings in the log.
node "$here/apps/cli/bin/check-iac.js" --quiet "${common[@]}" "${paths[@]}" >&2 || true
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  { echo "sarif-file=$sarif"; echo "exit-code=$code"; } >> "$GITHUB_OUTPUT"
fi
exit "$code"
