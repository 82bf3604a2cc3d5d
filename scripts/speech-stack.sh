#!/usr/bin/env bash
# The spoken mode's sound stack for the tests (issue 15): a PulseAudio daemon
# whose default sink is a null sink (what is played there can be recorded from
# its monitor), and speech-dispatcher (espeak-ng's voices) playing into it.
# Debian packages: pulseaudio pulseaudio-utils speech-dispatcher
# speech-dispatcher-espeak-ng espeak-ng (scripts/setup.sh --test).
#
#   scripts/speech-stack.sh start DIR   starts both with their sockets in DIR and
#                                       prints the variables the tests need, as
#                                       `export NAME=value` lines:
#                                       PULSE_SERVER, SPEECHD_ADDRESS,
#                                       BORNE_SPEECH_TEST_SINK (the null sink)
#   scripts/speech-stack.sh stop DIR    stops both and removes DIR
#
# Nothing here touches the machine's own audio: the daemons are private to DIR.
set -euo pipefail

usage() {
  echo "usage: $0 start DIR | $0 stop DIR" >&2
  exit 2
}

[ $# = 2 ] || usage
cmd=$1
dir=$2
sink=borne_test

case "$cmd" in
  start)
    mkdir -p "$dir"
    chmod 700 "$dir"
    dir=$(cd "$dir" && pwd)
    export XDG_RUNTIME_DIR="$dir" PULSE_RUNTIME_PATH="$dir/pulse" PULSE_STATE_PATH="$dir/pulse-state"
    # -n: no default configuration (no hardware, no other client's modules).
    pulseaudio --daemonize=yes --exit-idle-time=-1 --disallow-exit -n \
      --load="module-null-sink sink_name=$sink" --load="module-native-protocol-unix" \
      --log-target="file:$dir/pulseaudio.log" 2>/dev/null
    export PULSE_SERVER="unix:$dir/pulse/native"
    for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
    pactl set-default-sink "$sink"
    # -t 0: never exits for want of clients (the tests connect and disconnect).
    speech-dispatcher -d -t 0 -c unix_socket -S "$dir/speechd.sock" -P "$dir/speechd.pid" -L "$dir" \
      >"$dir/speechd.out" 2>&1
    for _ in $(seq 50); do [ -S "$dir/speechd.sock" ] && break; sleep 0.1; done
    [ -S "$dir/speechd.sock" ] || { echo "speech-dispatcher did not start (see $dir)" >&2; exit 1; }
    echo "export PULSE_SERVER=unix:$dir/pulse/native"
    echo "export SPEECHD_ADDRESS=unix_socket:$dir/speechd.sock"
    echo "export BORNE_SPEECH_TEST_SINK=$sink"
    ;;
  stop)
    [ -d "$dir" ] || exit 0
    for pidfile in "$dir/speechd.pid" "$dir/pulse/pid"; do
      if [ -f "$pidfile" ]; then
        pid=$(cat "$pidfile")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
      fi
    done
    rm -rf "$dir"
    ;;
  *) usage ;;
esac
