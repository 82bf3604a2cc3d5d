#!/usr/bin/env bash
# Sets up, builds and opens Borne Adhérent. With no BORNE_BACKEND_URL, the app
# starts its embedded reference server over demo members (see README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
cargo build -p borne-adherent
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "==> No display found: running under Xvfb (nothing will be visible)."
  exec xvfb-run -a target/debug/borne-adherent "$@"
fi
exec target/debug/borne-adherent "$@"
