#!/usr/bin/env bash
# A throwaway PostgreSQL for the server's tests: Debian's `postgresql` package (installed with
# apt-get when run as root and missing), a temporary cluster in a temporary folder, owned and run
# by a non-root user (`nobody` when run as root), listening on a free loopback port only, with a
# random password. Removed when this script exits.
#
#   bash scripts/postgres.sh                      prints PLANBENCH_TEST_PG_URL=… and waits (Ctrl+C stops it)
#   bash scripts/postgres.sh COMMAND [ARGS…]      runs COMMAND with PLANBENCH_TEST_PG_URL set, then stops it;
#                                                 exits with COMMAND's status
#   e.g. bash scripts/postgres.sh npx vitest run tests/server
set -euo pipefail
cd "$(dirname "$0")/.."

find_bin() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}

bin=$(find_bin || true)
if [ -z "$bin" ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian's postgresql for the server tests…" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(find_bin || true)
  fi
  if [ -z "$bin" ]; then
    echo "Missing: PostgreSQL's initdb under /usr/lib/postgresql/*/bin. Install Debian's 'postgresql'" >&2
    echo "package (sudo apt-get install postgresql), then run this again." >&2
    exit 1
  fi
fi

# PostgreSQL refuses to run as root: as root, the cluster belongs to `nobody`.
if [ "$(id -u)" = "0" ]; then
  as_owner() { runuser -u nobody -- "$@"; }
else
  as_owner() { "$@"; }
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/planbench-pg.XXXXXX")
chmod 700 "$dir"
[ "$(id -u)" = "0" ] && chown nobody: "$dir"

stop() {
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM

port=$(node -e 'const s=require("node:net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
password=$(node -e 'console.log(require("node:crypto").randomBytes(18).toString("base64url"))')
printf '%s\n' "$password" >"$dir/pwfile"
[ "$(id -u)" = "0" ] && chown nobody: "$dir/pwfile"

as_owner "$bin/initdb" -D "$dir/data" -U planbench --pwfile="$dir/pwfile" --auth=scram-sha-256 \
  --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
rm -f "$dir/pwfile"
# Loopback only, the socket in the temporary folder (the system's socket folder may not be writable).
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

export PLANBENCH_TEST_PG_URL="postgres://planbench:$password@127.0.0.1:$port/postgres"
if [ $# -eq 0 ]; then
  echo "PLANBENCH_TEST_PG_URL=$PLANBENCH_TEST_PG_URL"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') in $dir; Ctrl+C stops it and removes it." >&2
  while true; do sleep 3600; done
else
  status=0
  "$@" || status=$?
  exit "$status"
fi
