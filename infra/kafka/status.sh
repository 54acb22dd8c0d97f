#!/usr/bin/env bash
# Exit 0 and print "kafka up on 127.0.0.1:PORT (pid N)" when the local broker runs and answers
# Kafka API requests; exit 1 otherwise.
# Env: KAFKA_PORT (default: the port this data dir's broker was started with, else 9092),
#      KAFKA_DATA_DIR (infra/kafka/.data)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${KAFKA_PORT:-9092}"
DATA_DIR="${KAFKA_DATA_DIR:-$HERE/.data}"
[[ "$DATA_DIR" == /* ]] || DATA_DIR="$PWD/$DATA_DIR"
CONF="$DATA_DIR/server.properties"
PID_FILE="$DATA_DIR/kafka.pid"

# Kafka wire-protocol probe (ApiVersions v0 over bash /dev/tcp); see start.sh.
kafka_probe() {
  local out
  # shellcheck disable=SC2016  # $1 expands in the inner shell
  out="$(timeout 2 bash -c '
      exec 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$1" || { echo closed; exit 0; }
      printf "\x00\x00\x00\x0f\x00\x12\x00\x00PULS\x00\x05probe" >&3
      head -c 10 <&3 | od -An -tx1 | tr -d " \n"' _ "$1" 2>/dev/null || true)"
  case "$out" in
    closed) return 2 ;;
    ????????50554c530000) return 0 ;;
    ????????50554c53*) return 3 ;;
    *) return 1 ;;
  esac
}
is_our_kafka() {
  local pid="$1" args
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r "/proc/$pid/cmdline" ]]; then args="$(tr '\0' ' ' <"/proc/$pid/cmdline")"
  else args="$(ps -p "$pid" -o args= 2>/dev/null || true)"; fi
  [[ "$args" == *"kafka.Kafka $CONF"* ]]
}
# pid of a live kafka.Kafka started with this data dir's server.properties (pid file first, then /proc scan)
find_our_pid() {
  local p=""
  [[ -f "$PID_FILE" ]] && p="$(cat "$PID_FILE" 2>/dev/null || true)"
  if [[ -n "$p" ]] && is_our_kafka "$p"; then echo "$p"; return 0; fi
  for d in /proc/[0-9]*; do
    p="${d#/proc/}"
    if is_our_kafka "$p" 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

PID="$(find_our_pid || true)"
rc=0; kafka_probe "$PORT" || rc=$?
if [[ -n "$PID" ]]; then
  RUNNING_PORT="$(sed -n 's/^listeners=PLAINTEXT:\/\/[^:]*:\([0-9]*\),.*/\1/p' "$CONF" 2>/dev/null || true)"
  # without KAFKA_PORT, report on whatever port this data dir's broker was started with
  if [[ -z "${KAFKA_PORT:-}" && -n "$RUNNING_PORT" && "$RUNNING_PORT" != "$PORT" ]]; then
    PORT="$RUNNING_PORT"; rc=0; kafka_probe "$PORT" || rc=$?
  fi
  if [[ -n "$RUNNING_PORT" && "$RUNNING_PORT" != "$PORT" ]]; then
    echo "kafka for $DATA_DIR runs on 127.0.0.1:$RUNNING_PORT (pid $PID), not on $PORT"
    exit 1
  fi
  if (( rc == 0 )); then echo "kafka up on 127.0.0.1:$PORT (pid $PID)"; exit 0; fi
  echo "kafka process running (pid $PID) but not answering Kafka requests on 127.0.0.1:$PORT (starting, or a different KAFKA_PORT?)"
  exit 1
fi
case "$rc" in
  0) echo "kafka up on 127.0.0.1:$PORT (pid unknown: not started from $DATA_DIR)"; exit 0 ;;
  2) echo "kafka not running (nothing listens on 127.0.0.1:$PORT)" ;;
  *) echo "kafka not running (port $PORT is held by something that does not answer as a healthy Kafka broker)" ;;
esac
exit 1
