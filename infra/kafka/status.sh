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

# shellcheck source=infra/kafka/lib.sh
. "$HERE/lib.sh"

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
