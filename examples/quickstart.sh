#!/usr/bin/env bash
# quickstart.sh - the CLI tour: create a vault, back it up, wait, read it back.
#
#   examples/quickstart.sh [STORE]
#
# STORE is the embedded store file (or a directory to hold store.db); without
# it the store lives in a temporary directory removed on exit.  The ckpt
# binary comes from $CKPT, else from PATH.  Needs bash, sed and grep only.
set -euo pipefail

CKPT=${CKPT:-ckpt}
if ! command -v "$CKPT" >/dev/null 2>&1; then
    echo "quickstart.sh: '$CKPT' not found: put ckpt on PATH or set CKPT=/path/to/ckpt" >&2
    exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ckpt-quickstart.XXXXXX")
trap 'rm -rf "$work"' EXIT

if [ $# -ge 1 ]; then
    store=$1
    [ -d "$store" ] && store="$store/store.db"
    mkdir -p "$(dirname "$store")"
else
    store="$work/store.db"
fi
# Every ckpt below reads these; flags (--store, --config) would override them.
export CKPT_STORE="$store"
# Local test control of the embedded backend: 25 ms per GB, so the 40 GB
# server below takes about a second to back up and the wait has work to do.
printf '{"simulate": {"backup_ms_per_gb": 25}}\n' > "$work/config.json"
export CKPT_CONFIG="$work/config.json"

# The top-level "id" of a --pretty response (the member indented by four
# spaces), without needing jq or python.
top_id() { sed -n 's/^    "id": "\([^"]*\)".*$/\1/p' | awk 'NR == 1'; }

# A resource id for the demo server (any UUID works).
server=$(cat /proc/sys/kernel/random/uuid 2>/dev/null || echo 6f1c3b2a-4d5e-4f60-8a7b-9c0d1e2f3a4b)

echo "== ckpt $("$CKPT" --version), store $store"

echo "== 1. a vault of 100 GB protecting one 40 GB server"
vault=$("$CKPT" vault create --name quickstart --size-gb 100 \
    --resource "$server:server:web-01:40" --description "ckpt quick start" --pretty)
echo "$vault"
vault_id=$(top_id <<<"$vault")

echo "== 2. a full backup of the vault (a new checkpoint starts as protecting)"
created=$("$CKPT" checkpoint create --vault-id "$vault_id" --full --name first-full --pretty)
echo "$created"
checkpoint_id=$(top_id <<<"$created")

echo "== 3. wait until it is available (progress shows on a terminal)"
"$CKPT" checkpoint wait "$checkpoint_id" --timeout 30

echo "== 4. read it back"
shown=$("$CKPT" checkpoint show "$checkpoint_id" --pretty)
echo "$shown"
if ! grep -q '^    "status": "available"' <<<"$shown"; then
    echo "quickstart.sh: checkpoint $checkpoint_id is not available" >&2
    exit 1
fi
echo "== checkpoint $checkpoint_id of vault $vault_id is available"

echo "== 5. its backups (one per resource), and the task that made each"
"$CKPT" checkpoint backups "$checkpoint_id" --pretty
"$CKPT" task list --vault-id "$vault_id" --operation-type backup
echo
echo "== 6. a second backup, then retention: keep the newest one (the plan first, then --yes)"
"$CKPT" checkpoint create --vault-id "$vault_id" --name second >/dev/null
sleep 1.2
"$CKPT" backup prune --vault-id "$vault_id" --keep-last 1
"$CKPT" backup prune --vault-id "$vault_id" --keep-last 1 --yes >/dev/null
left=$("$CKPT" backup list --vault-id "$vault_id" --status available --pretty | sed -n 's/^  "count": \([0-9]*\).*/\1/p')
echo "== $left backup left after the prune"
