#!/usr/bin/env bash
# Installs what Borne Adhérent needs on Debian 12 / Ubuntu, skipping what is
# already there: the system libraries for Tauri (WebKitGTK), Xvfb and
# WebKitWebDriver for the end-to-end tests, and tauri-driver 2.x.
#   scripts/setup.sh          packages to build and run the app
#   scripts/setup.sh --test   plus what the tests need (WebKitWebDriver, dbus and
#                             gnome-keyring for the OS-keyring tests, PostgreSQL's
#                             server for scripts/postgres.sh, Chromium and its
#                             chromedriver for the browser test of the e-mail
#                             link's web pages, npm and axe-core 4.x in
#                             .axe/ for the accessibility checks of the e2e tests)
set -euo pipefail

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

packages=(build-essential pkg-config libssl-dev libwebkit2gtk-4.1-dev ca-certificates curl)
# The OS keyring (borne-device: keyring's Secret Service over libdbus).
packages+=(libdbus-1-dev)
# The spoken mode (crates/borne-speech): the tts crate binds libspeechd with
# bindgen (libclang, clang); speech-dispatcher and espeak-ng's voices speak.
packages+=(libspeechd-dev libclang-dev clang speech-dispatcher speech-dispatcher-espeak-ng espeak-ng)
# A window needs a display: Xvfb stands in when there is none.
packages+=(xvfb)
if [ "$want_test" = 1 ]; then
  # dbus-run-session and gnome-keyring's Secret Service: scripts/test.sh runs the
  # tests against a real, unlocked keyring (shared/notes/keyring.md).
  packages+=(webkit2gtk-driver dbus gnome-keyring postgresql)
  # The sound test: a PulseAudio null sink recorded with parecord
  # (scripts/speech-stack.sh, crates/borne-speech/tests/sound.rs).
  packages+=(pulseaudio pulseaudio-utils)
  # Debian's Chromium, headless, through chromedriver (W3C WebDriver): the
  # server's web pages in a real browser (crates/borne-server/tests/pages_browser.rs).
  packages+=(chromium chromium-driver)
  # axe-core, which the e2e tests run on every screen they visit
  # (tests/e2e/axe.rs), comes from npm: Debian's npm when there is none.
  command -v npm >/dev/null || packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> Installing system packages: ${missing[*]}"
  sudo=""
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null || { echo "Run as root or install sudo to install: ${missing[*]}" >&2; exit 1; }
    sudo="sudo"
  fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null; then
  [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null || { echo "cargo (Rust) is required: see https://rustup.rs" >&2; exit 1; }

if [ "$want_test" = 1 ]; then
  # Pinned to 2.x: without the pin cargo picks the 3.0 alpha.
  if ! tauri-driver --help >/dev/null 2>&1 && ! "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" --help >/dev/null 2>&1; then
    echo "==> Installing tauri-driver 2.x"
    cargo install tauri-driver --locked --version '^2'
  fi
  # axe-core 4.x into the git-ignored .axe/ (never copied into the repo);
  # the e2e tests fail without it.
  axe_dir="$(cd "$(dirname "$0")/.." && pwd)/.axe"
  if [ ! -f "$axe_dir/node_modules/axe-core/axe.min.js" ]; then
    echo "==> Installing axe-core 4.x (npm) into $axe_dir"
    npm install --prefix "$axe_dir" --no-audit --no-fund --loglevel=error axe-core@4
  fi
fi
