#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, from Debian's packages
# (/usr/lib/postgresql/<version>/bin, package `postgresql`).
#
#   scripts/postgres.sh start [DIR]   creates a cluster in DIR (default: a new
#                                     temporary directory), starts it, waits until
#                                     it accepts connections, and prints its URL on
#                                     stdout: postgres://postgres@127.0.0.1:PORT/postgres
#   scripts/postgres.sh stop DIR      stops it and removes DIR
#
# The server listens on 127.0.0.1 only, on a free port, with its unix socket
# in DIR/socket; authentication is `trust`, for local and loopback connections
# only. Durability is off (fsync, full-page writes): the data is thrown away.
# Run as root, the server runs as the `postgres` system user (initdb and
# postgres refuse root). DIR/url holds the URL, DIR/log the server's log.
set -euo pipefail

usage() {
  echo "usage: $0 start [DIR] | $0 stop DIR" >&2
  exit 2
}

# Where Debian installs the server binaries; the newest version if several.
bin_dir() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
    echo "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin: install the postgresql package (scripts/setup.sh --test)" >&2
    exit 1
  fi
  echo "$dir"
}

# Runs a command as the cluster's owner: `postgres` when we are root, else ourselves.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# True when nothing accepts connections on 127.0.0.1:$1.
port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start() {
  local dir=${1:-} bin port url attempt options
  bin=$(bin_dir)
  if [ -z "$dir" ]; then
    dir=$(mktemp -d "${TMPDIR:-/tmp}/borne-postgres.XXXXXX")
  else
    mkdir -p "$dir"
  fi
  dir=$(cd "$dir" && pwd)
  case "$dir" in *[[:space:]]*) echo "the cluster's directory must not contain spaces: $dir" >&2; exit 1 ;; esac
  # The server's user may not be able to enter the caller's working directory.
  cd "$dir"
  [ -e "$dir/data" ] && { echo "$dir/data already exists: give an empty directory" >&2; exit 1; }
  touch "$dir/.borne-postgres"
  mkdir -p "$dir/data" "$dir/socket"
  if [ "$(id -u)" = 0 ]; then
    getent passwd postgres >/dev/null || { echo "no postgres system user: install the postgresql package" >&2; exit 1; }
    chown -R postgres: "$dir"
  fi

  as_owner "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
    --encoding=UTF8 --no-locale --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; echo "initdb failed" >&2; exit 1; }
  # Replace initdb's rules: the unix socket and IPv4 loopback, nothing else.
  as_owner tee "$dir/data/pg_hba.conf" >/dev/null <<'EOF'
# TYPE  DATABASE  USER  ADDRESS       METHOD
local   all       all                 trust
host    all       all   127.0.0.1/32  trust
EOF

  # A free port: pick one at random, start, and try another if it was taken meanwhile.
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    port_is_free "$port" || continue
    # pg_ctl hands these to a shell: one line, no quotes inside.
    options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir/socket"
    options+=" -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    if as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/log" --wait --timeout=60 -o "$options" start >&2; then
      break
    fi
    port=""
    tail -n 5 "$dir/log" >&2 || true
  done
  [ -n "$port" ] || { echo "PostgreSQL did not start (see $dir/log)" >&2; exit 1; }

  for attempt in $(seq 1 60); do
    "$bin/pg_isready" --quiet --host=127.0.0.1 --port="$port" --username=postgres && break
    [ "$attempt" = 60 ] && { echo "PostgreSQL does not accept connections (see $dir/log)" >&2; exit 1; }
    sleep 0.5
  done

  url="postgres://postgres@127.0.0.1:$port/postgres"
  echo "$url" >"$dir/url"
  echo "==> PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $dir (stop: $0 stop $dir)" >&2
  echo "$url"
}

stop() {
  local dir=${1:-} bin
  [ -n "$dir" ] || usage
  # Only a directory this script made.
  [ -e "$dir/.borne-postgres" ] || { echo "$dir is not a cluster of $0" >&2; exit 1; }
  bin=$(bin_dir)
  dir=$(cd "$dir" && pwd)
  cd /
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=immediate --wait stop >&2 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop "${2:-}" ;;
  *) usage ;;
esac
