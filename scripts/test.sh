#!/usr/bin/env bash
# Sets up and runs every test: unit and property tests of the core, the
# client, the reference server against real SQLite and PostgreSQL databases
# (its web pages also in a real headless Chromium),
# the OS keyring (a real gnome-keyring Secret Service), the spoken mode's
# sound (speech-dispatcher into a PulseAudio null sink), and the WebDriver
# end-to-end tests of the real app window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

# A throwaway PostgreSQL cluster (loopback, free port) for the server's tests
# on their second backend; stopped and removed however this script ends.
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/borne-postgres.XXXXXX")
stop_postgres() { scripts/postgres.sh stop "$pg_dir" || rm -rf "$pg_dir"; }
# The keyring's files (and the app's data and logs) in a throwaway
# XDG_DATA_HOME; the daemon's control socket in a private runtime dir.
keyring_dir=$(mktemp -d "${TMPDIR:-/tmp}/borne-keyring.XXXXXX")
mkdir -m 700 "$keyring_dir/data" "$keyring_dir/run"
# The spoken mode's sound stack (PulseAudio with a null sink, speech-dispatcher):
# crates/borne-speech/tests/sound.rs records what it plays, and fails without it.
speech_dir=$(mktemp -d "${TMPDIR:-/tmp}/borne-speech.XXXXXX")
cleanup() { stop_postgres; scripts/speech-stack.sh stop "$speech_dir"; rm -rf "$keyring_dir"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
BORNE_TEST_POSTGRES_URL=$(scripts/postgres.sh start "$pg_dir")
export BORNE_TEST_POSTGRES_URL
eval "$(scripts/speech-stack.sh start "$speech_dir")"
# The browser test of the server's web pages (the e-mails' links) drives
# Debian's Chromium through this chromedriver; without it, that test fails.
BORNE_TEST_CHROMEDRIVER=$(command -v chromedriver || echo /usr/bin/chromedriver)
export BORNE_TEST_CHROMEDRIVER

# One `cargo test` for everything: the app and its e2e tests share one build.
# It runs in a private D-Bus session with gnome-keyring's Secret Service,
# unlocked, so that BORNE_KEYRING_TEST=1 makes borne-device's keyring test
# use (and fail without) the real OS keyring, and the app finds it too.
export XDG_DATA_HOME="$keyring_dir/data"
export BORNE_KEYRING_RUNTIME_DIR="$keyring_dir/run"
dbus-run-session -- sh -c 'echo -n test | XDG_RUNTIME_DIR="$BORNE_KEYRING_RUNTIME_DIR" gnome-keyring-daemon --unlock --components=secrets >/dev/null && BORNE_KEYRING_TEST=1 exec cargo test --workspace --locked --no-fail-fast "$@"' sh "$@"
