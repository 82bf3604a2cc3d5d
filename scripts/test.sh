#!/usr/bin/env bash
# Sets up and runs every test: unit and property tests of the core, the
# client, the reference server against a real SQLite database, and the
# WebDriver end-to-end tests of the real app window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# One `cargo test` for everything: the app and its e2e tests share one build.
cargo test --workspace --locked "$@"
