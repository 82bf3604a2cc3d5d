#!/usr/bin/env bash
# Builds the Debian package of Borne Adhérent with tauri-cli, checks what it
# contains, installs it, starts the installed app under Xvfb, and removes it
# again (docs/packaging.md).
#
#   scripts/package.sh               production package: no embedded demo server,
#                                    the app needs BORNE_BACKEND_URL
#   scripts/package.sh --demo        demo package: the embedded reference server
#                                    and its demo members (to try the app)
#   scripts/package.sh --no-install  build and inspect only (no apt-get install)
#   scripts/package.sh --keep        leave the package installed after the check
#
# Output: <target>/release/bundle/deb/borne-adherent_<version>_<arch>.deb
#         (demo: borne-adherent_<version>~demo_<arch>.deb)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

flavour=production
install=1
keep=0
for arg in "$@"; do
  case "$arg" in
    --demo) flavour=demo ;;
    --production) flavour=production ;;
    --no-install) install=0 ;;
    --keep) keep=1 ;;
    -h | --help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg (see --help)" >&2; exit 2 ;;
  esac
done

sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "Run as root or install sudo" >&2; exit 1; }
  sudo="sudo"
fi

scripts/setup.sh
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
# What this script uses besides the build: python3 (JSON), curl and x11-utils (the start check).
missing=()
for p in python3 curl x11-utils; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if ! cargo tauri --version 2>/dev/null | grep -q '^tauri-cli 2\.'; then
  echo "==> Installing tauri-cli 2.x (a few minutes to 30 on 2 busy cores)"
  cargo install tauri-cli --locked --version '^2'
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/borne-package.XXXXXX")
# tauri-cli takes the directory holding tauri.conf.json for the app crate's
# directory (it reads the Cargo.toml there): with the config at the root and
# the crate in src-tauri/, it needs src-tauri/tauri.conf.json. A link to the
# root config stands there for the build, and goes away with this script.
link=src-tauri/tauri.conf.json
made_link=0
cleanup() {
  [ "$made_link" = 1 ] && rm -f "$root/$link"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [ ! -e "$link" ]; then
  ln -s ../tauri.conf.json "$link"
  made_link=1
fi

# tauri-cli then resolves the config's relative paths (frontendDist, icons,
# desktop template…) from src-tauri/, while tauri-build and generate_context!
# resolve them from the root: a merge config gives them as absolute paths,
# right for both.
python3 - "$root" > "$work/paths.json" <<'PY'
import json, os, sys
root = sys.argv[1]
conf = json.load(open(os.path.join(root, "tauri.conf.json")))
absolute = lambda p: p if os.path.isabs(p) else os.path.join(root, p)
patch = {}
dist = conf.get("build", {}).get("frontendDist")
if isinstance(dist, str) and "://" not in dist:
    patch["build"] = {"frontendDist": absolute(dist)}
bundle = conf.get("bundle", {})
b = {}
if isinstance(bundle.get("icon"), list):
    b["icon"] = [absolute(p) for p in bundle["icon"]]
for key in ("resources", "externalBin"):
    if isinstance(bundle.get(key), list):
        b[key] = [absolute(p) for p in bundle[key]]
    elif isinstance(bundle.get(key), dict):
        b[key] = {absolute(k): v for k, v in bundle[key].items()}
if isinstance(bundle.get("licenseFile"), str):
    b["licenseFile"] = absolute(bundle["licenseFile"])
deb = bundle.get("linux", {}).get("deb", {})
d = {}
for key in ("desktopTemplate", "changelog", "preInstallScript", "postInstallScript", "preRemoveScript", "postRemoveScript"):
    if isinstance(deb.get(key), str):
        d[key] = absolute(deb[key])
if isinstance(deb.get("files"), dict):
    d["files"] = {dest: absolute(src) for dest, src in deb["files"].items()}
if d:
    b["linux"] = {"deb": d}
if b:
    patch["bundle"] = b
json.dump(patch, sys.stdout)
PY

# The release build has tauri-cli's `--features tauri/custom-protocol` (the
# UI is served from the binary). Production leaves the default `demo`
# feature out: no reference server, no demo members, no outbox in the binary.
cargo_args=(--locked)
[ "$flavour" = production ] && cargo_args+=(--no-default-features)
echo "==> cargo tauri build --bundles deb ($flavour)"
(cd src-tauri && cargo tauri build --ci --bundles deb --config "$work/paths.json" -- "${cargo_args[@]}")

target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
deb_dir="$target_dir/release/bundle/deb"
version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' tauri.conf.json)
arch=$(dpkg --print-architecture)
built="$deb_dir/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["productName"])' tauri.conf.json)_${version}_${arch}.deb"
[ -f "$built" ] || { echo "tauri-cli made no $built" >&2; ls -l "$deb_dir" >&2; exit 1; }

# tauri-bundler names the package after productName in kebab case,
# "borne-adhérent", which dpkg refuses (ASCII only), and the desktop file
# "Borne Adhérent.desktop". The package is repacked as borne-adherent, its
# desktop file as borne-adherent.desktop (the binary's and icons' name);
# everything else is tauri-cli's.
pkg="$work/pkg"
dpkg-deb -R "$built" "$pkg"
deb_version="$version"
[ "$flavour" = demo ] && deb_version="${version}~demo"
sed -i -e "s/^Package: .*/Package: borne-adherent/" -e "s/^Version: .*/Version: ${deb_version}/" "$pkg/DEBIAN/control"
if [ "$flavour" = demo ]; then
  sed -i -e 's/^Description: \(.*\)/Description: \1 (démo : serveur de démonstration intégré)/' "$pkg/DEBIAN/control"
fi
for desktop in "$pkg"/usr/share/applications/*.desktop; do
  [ "$desktop" = "$pkg/usr/share/applications/borne-adherent.desktop" ] || mv "$desktop" "$pkg/usr/share/applications/borne-adherent.desktop"
done
(cd "$pkg" && find usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
deb="$deb_dir/borne-adherent_${deb_version}_${arch}.deb"
dpkg-deb --root-owner-group -Zgzip --build "$pkg" "$deb" >/dev/null
rm -f "$built"

echo
echo "==> $deb"
dpkg-deb -I "$deb"
echo
dpkg-deb -c "$deb"
echo
contents=$(dpkg-deb -c "$deb")
fail() { echo "PACKAGE CHECK FAILED: $*" >&2; exit 1; }
grep -q ' ./usr/bin/borne-adherent$' <<<"$contents" || fail "no /usr/bin/borne-adherent"
grep -q 'borne-hello' <<<"$contents" && fail "the benchmark's borne-hello is in the package"
grep -q ' ./usr/share/icons/hicolor/.*/apps/borne-adherent.png$' <<<"$contents" || fail "no icon"
# Every file the config adds (bundle.linux.deb.files, e.g. the kiosk's systemd user unit).
for dest in $(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1])).get("bundle",{}).get("linux",{}).get("deb",{}).get("files",{})))' tauri.conf.json); do
  grep -q " \.${dest}\$" <<<"$contents" || fail "no $dest (bundle.linux.deb.files)"
done
dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/share/applications/borne-adherent.desktop > "$work/desktop"
cat "$work/desktop"
grep -q '^MimeType=.*x-scheme-handler/borne' "$work/desktop" || fail "the desktop file does not register borne://"
grep -q '^Exec=borne-adherent %u' "$work/desktop" || fail "the desktop file's Exec has no %u: a borne:// link would not reach the app"
if [ "$flavour" = production ] && dpkg-deb --fsys-tarfile "$deb" | tar -xO ./usr/bin/borne-adherent | grep -aq 'embedded demo server started'; then
  fail "the production binary contains the demo server"
fi
echo "==> contents checked: binary, icons, the config's extra files, desktop file with MimeType=x-scheme-handler/borne and Exec … %u"

[ "$install" = 1 ] || exit 0

echo
echo "==> apt-get install $deb"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y "$deb"
remove() {
  if [ "$keep" = 0 ]; then
    echo "==> apt-get remove borne-adherent"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq borne-adherent >/dev/null
  fi
}
xdg-mime query default x-scheme-handler/borne 2>/dev/null || true

# Start the installed binary under Xvfb. Production: a backend URL on
# loopback where nothing listens (starting needs no answer from it).
log="$work/app.log"
ready="$work/ready"
env_args=(BORNE_LOG_FILE="$log" BORNE_READY_FILE="$ready")
[ "$flavour" = production ] && env_args+=(BORNE_BACKEND_URL=http://127.0.0.1:9)
status=0
env "${env_args[@]}" WORK="$work" xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" bash -c '
  /usr/bin/borne-adherent > "$WORK/app.out" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    sleep 0.1
    kill -0 "$pid" 2>/dev/null || { echo "the installed app exited:"; cat "$WORK/app.out"; exit 1; }
    grep -q "backend ready" "$BORNE_LOG_FILE" 2>/dev/null || continue
    xwininfo -root -tree | grep -q "Borne Adh" || continue
    pgrep -P "$pid" -f WebKitWebProcess >/dev/null || pgrep -f WebKitWebProcess >/dev/null || continue
    break
  done
  sleep 3
  kill -0 "$pid" 2>/dev/null || { echo "the installed app exited:"; cat "$WORK/app.out"; exit 1; }
  xwininfo -root -tree | grep "Borne Adh" | head -1
  kill "$pid"; wait "$pid" 2>/dev/null || true
' || status=$?
echo "--- app log"
cat "$log" 2>/dev/null || true
[ "$status" = 0 ] || { remove; fail "the installed app did not start"; }
grep -q "backend ready" "$log" || { remove; fail "no \"backend ready\" in the app's log"; }
if [ "$flavour" = production ]; then
  grep "backend ready" "$log" | grep -q "demo=false" || { remove; fail "the production app says demo"; }
else
  grep "backend ready" "$log" | grep -q "demo=true" || { remove; fail "the demo app has no demo server"; }
fi
[ -s "$ready" ] && echo "==> page-load Finished written to BORNE_READY_FILE"
echo "==> the installed app started under Xvfb: \"backend ready\", its window mapped, WebKit's web process running"

# With tauri-driver (scripts/setup.sh --test), the UI itself is asked over
# WebDriver whether it finished starting: body[data-ready=true].
driver="${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver"
if [ -x "$driver" ] && command -v WebKitWebDriver >/dev/null; then
  env "${env_args[@]}" WORK="$work" DRIVER="$driver" xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" bash -c '
    set -e
    port=$(python3 -c "import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); print(s.getsockname()[1])")
    native=$(python3 -c "import socket; s=socket.socket(); s.bind((\"127.0.0.1\",0)); print(s.getsockname()[1])")
    setsid "$DRIVER" --port "$port" --native-port "$native" > "$WORK/driver.log" 2>&1 &
    dpid=$!
    trap "kill -- -$dpid 2>/dev/null || true" EXIT
    for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$port/status" >/dev/null && break; sleep 0.1; done
    for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/$native) 2>/dev/null && break; sleep 0.1; done
    caps="{\"capabilities\":{\"alwaysMatch\":{\"browserName\":\"wry\",\"tauri:options\":{\"application\":\"/usr/bin/borne-adherent\"}}}}"
    session=$(curl -s -m 60 -X POST -H "Content-Type: application/json" -d "$caps" "http://127.0.0.1:$port/session" | python3 -c "import json,sys; print(json.load(sys.stdin)[\"value\"][\"sessionId\"])")
    script="{\"script\":\"return document.body.dataset.ready === \\\"true\\\" ? document.body.dataset.currentScreen || \\\"ready\\\" : \\\"\\\";\",\"args\":[]}"
    screen=""
    for _ in $(seq 1 150); do
      screen=$(curl -s -m 10 -X POST -H "Content-Type: application/json" -d "$script" "http://127.0.0.1:$port/session/$session/execute/sync" | python3 -c "import json,sys; print(json.load(sys.stdin).get(\"value\") or \"\")")
      [ -n "$screen" ] && break
      sleep 0.1
    done
    curl -s -m 20 -X DELETE "http://127.0.0.1:$port/session/$session" >/dev/null || true
    [ -n "$screen" ] || { echo "body[data-ready=true] never seen"; exit 1; }
    echo "==> WebDriver: the installed app'"'"'s UI started, body[data-ready=true], screen \"$screen\""
  ' || { remove; fail "the installed app's UI did not finish starting (WebDriver)"; }
else
  echo "(tauri-driver not installed: the UI's own ready signal is not checked; scripts/setup.sh --test installs it)"
fi

remove
echo "==> $deb: built, checked, installed, started, removed"
