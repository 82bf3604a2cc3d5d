#!/usr/bin/env bash
# Sets up and runs every test: unit and property tests of the core, the
# client, the reference server against real SQLite and PostgreSQL databases,
# and the WebDriver end-to-end tests of the real app window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# A throwaway PostgreSQL cluster (loopback, free port) for the server's tests
# on their second backend; stopped and removed however this script ends.
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/borne-postgres.XXXXXX")
stop_postgres() { scripts/postgres.sh stop "$pg_dir" || rm -rf "$pg_dir"; }
trap stop_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
BORNE_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$pg_dir")
export BORNE_TEST_POSTGRES_URL

# One `cargo test` for everything: the app and its e2e tests share one build.
cargo test --workspace --locked --no-fail-fast "$@"
