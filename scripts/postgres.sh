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
#
# PLANBENCH_TEST_PG_CTL names a script that stops (`stop`) and starts (`start`) the cluster again, for
# the tests of a server whose database goes away under it.
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
pg_options="-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "$pg_options" start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

# For the tests that stop and start the cluster under a running server: `bash "$PLANBENCH_TEST_PG_CTL" stop`
# (fast: open connections are cut, as a crash or a restart cuts them) and `… start` (waits until it accepts connections).
{
  echo '#!/usr/bin/env bash'
  echo 'set -euo pipefail'
  echo 'case "${1:-}" in'
  if [ "$(id -u)" = "0" ]; then run='runuser -u nobody --'; else run=''; fi
  printf '  stop) %s %q -D %q -m fast -w stop >/dev/null ;;\n' "$run" "$bin/pg_ctl" "$dir/data"
  printf '  start) %s %q -D %q -l %q -w -o %q start >/dev/null ;;\n' "$run" "$bin/pg_ctl" "$dir/data" "$dir/server.log" "$pg_options"
  echo '  *) echo "usage: $0 stop|start" >&2; exit 2 ;;'
  echo 'esac'
} >"$dir/pg-ctl.sh"

export PLANBENCH_TEST_PG_URL="postgres://planbench:$password@127.0.0.1:$port/postgres"
export PLANBENCH_TEST_PG_CTL="$dir/pg-ctl.sh"
if [ $# -eq 0 ]; then
  echo "PLANBENCH_TEST_PG_URL=$PLANBENCH_TEST_PG_URL"
  echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') in $dir; Ctrl+C stops it and removes it." >&2
  while true; do sleep 3600; done
else
  status=0
  "$@" || status=$?
  exit "$status"
fi
