#!/usr/bin/env bash
# Stop the local Kafka broker started by start.sh. Idempotent.
# Usage: stop.sh [--wipe]   (--wipe or KAFKA_WIPE=1 also deletes the data dir: topics, offsets, logs)
# Env: KAFKA_DATA_DIR (infra/kafka/.data), KAFKA_STOP_TIMEOUT (30 s before SIGKILL)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DATA_DIR="${KAFKA_DATA_DIR:-$HERE/.data}"
[[ "$DATA_DIR" == /* ]] || DATA_DIR="$PWD/$DATA_DIR"
CONF="$DATA_DIR/server.properties"
PID_FILE="$DATA_DIR/kafka.pid"
STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
WIPE="${KAFKA_WIPE:-0}"

for a in "$@"; do
  case "$a" in
    --wipe) WIPE=1 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "kafka/stop: unknown argument '$a' (usage: stop.sh [--wipe])" >&2; exit 2 ;;
  esac
done

say() { echo "kafka/stop: $*"; }

# shellcheck source=infra/kafka/lib.sh
. "$HERE/lib.sh"

PID="$(find_our_pid || true)"

if [[ -n "$PID" ]]; then
  say "stopping kafka (pid $PID) ..."
  kill -TERM "$PID" 2>/dev/null || true
  for _ in $(seq 1 $((STOP_TIMEOUT * 5))); do
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.2
  done
  if kill -0 "$PID" 2>/dev/null; then
    say "still alive after ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
  fi
  say "stopped"
else
  say "kafka is not running"
fi
rm -f "$PID_FILE"

if [[ "$WIPE" == 1 && -d "$DATA_DIR" ]]; then
  # only delete a directory that looks like ours
  if [[ "$DATA_DIR" == / || "$DATA_DIR" == "${HOME:-/}" ]] || \
     ! [[ -f "$CONF" || -d "$DATA_DIR/kraft-logs" || -d "$DATA_DIR/logs" || -z "$(ls -A "$DATA_DIR")" ]]; then
    echo "kafka/stop: refusing to wipe $DATA_DIR: it does not look like a Kafka data dir made by start.sh" >&2
    exit 1
  fi
  rm -rf "$DATA_DIR"
  say "wiped $DATA_DIR"
fi
