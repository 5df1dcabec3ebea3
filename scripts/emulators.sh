#!/usr/bin/env bash
# Starts, stops and reports the local Pub/Sub and Bigtable emulators for development.
#   scripts/emulators.sh start|stop|status|env [pubsub|bigtable|all]
#   eval "$(scripts/emulators.sh start)"     # starts them and exports PUBSUB_EMULATOR_HOST etc.
# Ports: PUBSUB_PORT (8085), BIGTABLE_PORT (8086). Logs and pid files: .tmp/emulators/.
# The logic lives in packages/emulators/src/cli.ts, shared with the jest global setup, so process-tree
# handling and readiness checks exist once.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tsx="$repo_root/node_modules/.bin/tsx"
if [[ ! -x "$tsx" ]]; then
  echo "emulators.sh: $tsx not found; run \`npm install\` in $repo_root first" >&2
  exit 1
fi
cd "$repo_root"
# tsx directly rather than npx: saves npm's start-up on every call.
exec "$tsx" --conditions=development packages/emulators/src/cli.ts "$@"
