#!/usr/bin/env bash
# Start a local single-node Apache Kafka broker (KRaft combined broker+controller) in the background.
# Idempotent: if our broker already answers on the port, say so and exit 0.
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_DATA_DIR (infra/kafka/.data),
#      KAFKA_HEAP_OPTS ("-Xms256m -Xmx512m"), KAFKA_OPTS (extra JVM flags),
#      KAFKA_START_TIMEOUT (60 s), KAFKA_EXTRA_PROPERTIES (lines appended to server.properties).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JARS_DIR="$HERE/.jars"
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
DATA_DIR="${KAFKA_DATA_DIR:-$HERE/.data}"
[[ "$DATA_DIR" == /* ]] || DATA_DIR="$PWD/$DATA_DIR"
LOG_DIRS="$DATA_DIR/kraft-logs"
LOGS="$DATA_DIR/logs"
CONF="$DATA_DIR/server.properties"
PID_FILE="$DATA_DIR/kafka.pid"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-60}"

say() { echo "kafka/start: $*"; }
die() { echo "kafka/start: ERROR: $*" >&2; exit 1; }

for p in "$PORT" "$CONTROLLER_PORT"; do
  if ! [[ "$p" =~ ^[0-9]+$ ]] || (( p < 1 || p > 65535 )); then die "invalid port '$p' (KAFKA_PORT / KAFKA_CONTROLLER_PORT)"; fi
done
[[ "$PORT" != "$CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ (both $PORT)"
command -v java >/dev/null 2>&1 || die "java not found on PATH (need Java 11+; Java 17 recommended)"
command -v timeout >/dev/null 2>&1 || die "'timeout' (coreutils) not found on PATH"

# Kafka wire-protocol probe: send an ApiVersions v0 request over bash's /dev/tcp.
# Returns 0 = a Kafka broker answered (error_code 0), 3 = Kafka answered with an error,
#         1 = something listens but it does not speak Kafka (or is not serving yet), 2 = nothing listens.
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
port_holder() {
  if command -v ss >/dev/null 2>&1; then
    ss -Hltnp "sport = :$1" 2>/dev/null | head -1 \
      | sed -n 's/.*users:(("\([^"]*\)",pid=\([0-9]*\).*/(held by \1, pid \2)/p' || true
  fi
}
# Is PID a live kafka.Kafka process using our server.properties?
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
log_tail() {
  echo "---- last 30 lines of $LOGS/server.log ----" >&2
  tail -n 30 "$LOGS/server.log" >&2 2>/dev/null || echo "(no server.log)" >&2
  if [[ -s "$LOGS/kafka.out" ]]; then
    echo "---- last 30 lines of $LOGS/kafka.out (JVM stdout/stderr) ----" >&2
    tail -n 30 "$LOGS/kafka.out" >&2
  fi
}
wait_ready() { # PID T0
  local pid="$1" t0="$2" rc
  while :; do
    if ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PID_FILE"
      log_tail; die "broker process $pid exited during startup"
    fi
    rc=0; kafka_probe "$PORT" || rc=$?
    if (( rc == 0 )); then
      local ms=$(( $(date +%s%3N) - t0 ))
      say "kafka up on 127.0.0.1:$PORT (pid $pid, ready after $((ms / 1000)).$(printf '%03d' $((ms % 1000))) s)"
      return 0
    fi
    if (( $(date +%s%3N) - t0 > START_TIMEOUT * 1000 )); then
      log_tail
      kill -TERM "$pid" 2>/dev/null || true
      sleep 2; kill -KILL "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
      die "broker did not become ready on 127.0.0.1:$PORT within ${START_TIMEOUT}s (stopped it)"
    fi
    sleep 0.5
  done
}

"$HERE/fetch.sh" || die "fetching Kafka jars failed"

mkdir -p "$DATA_DIR" "$LOGS"
# serialise concurrent start.sh runs on the same data dir
if command -v flock >/dev/null 2>&1; then
  exec 9>"$DATA_DIR/.start.lock"
  flock -w $((START_TIMEOUT + 30)) 9 || die "another start.sh holds $DATA_DIR/.start.lock"
fi

PID="$(find_our_pid || true)"
if [[ -n "$PID" ]]; then
  echo "$PID" >"$PID_FILE"
  RUNNING_PORT="$(sed -n 's/^listeners=PLAINTEXT:\/\/[^:]*:\([0-9]*\),.*/\1/p' "$CONF" 2>/dev/null || true)"
  if [[ -n "$RUNNING_PORT" && "$RUNNING_PORT" != "$PORT" ]]; then
    die "the broker for $DATA_DIR is already running on port $RUNNING_PORT (pid $PID), not $PORT; run stop.sh first or use another KAFKA_DATA_DIR"
  fi
  rc=0; kafka_probe "$PORT" || rc=$?
  if (( rc == 0 || rc == 3 )); then
    say "kafka already running on 127.0.0.1:$PORT (pid $PID)"
    exit 0
  fi
  say "broker process $PID is running but not answering on 127.0.0.1:$PORT yet; waiting ..."
  wait_ready "$PID" "$(date +%s%3N)"
  exit 0
fi
rm -f "$PID_FILE"

rc=0; kafka_probe "$PORT" || rc=$?
case "$rc" in
  0|3) say "a Kafka broker already answers on 127.0.0.1:$PORT (not started from $DATA_DIR; no pid file) - leaving it alone"
       exit 0 ;;
  1)   die "port $PORT is in use by another process that is not Kafka $(port_holder "$PORT"); set KAFKA_PORT to a free port" ;;
esac
rc=0; kafka_probe "$CONTROLLER_PORT" || rc=$?
(( rc == 2 )) || die "controller port $CONTROLLER_PORT is in use by another process $(port_holder "$CONTROLLER_PORT"); set KAFKA_CONTROLLER_PORT to a free port"

cat >"$CONF" <<PROPS
# Generated by infra/kafka/start.sh on every start - edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$LOG_DIRS

num.network.threads=2
num.io.threads=4
num.partitions=6
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=false
delete.topic.enable=true
group.initial.rebalance.delay.ms=0

offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=6

log.segment.bytes=16777216
log.retention.hours=168
log.retention.check.interval.ms=300000
log.cleaner.dedupe.buffer.size=16777216
PROPS
if [[ -n "${KAFKA_EXTRA_PROPERTIES:-}" ]]; then
  printf '\n# KAFKA_EXTRA_PROPERTIES\n%s\n' "$KAFKA_EXTRA_PROPERTIES" >>"$CONF"
fi

CP="$JARS_DIR/*"
LOG_OPTS=(-Dkafka.logs.dir="$LOGS" -Dlog4j.configuration="file:$HERE/log4j.properties")

# Format the KRaft storage once (meta.properties marks a formatted log dir).
if [[ ! -f "$LOG_DIRS/meta.properties" ]]; then
  CLUSTER_ID="${KAFKA_CLUSTER_ID:-}"
  while [[ -z "$CLUSTER_ID" || "$CLUSTER_ID" == -* ]]; do   # Kafka Uuid: 16 random bytes, base64url, no padding
    CLUSTER_ID="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
  done
  say "formatting KRaft storage in $LOG_DIRS (cluster id $CLUSTER_ID)"
  if ! java -Xmx256m "${LOG_OPTS[@]}" -cp "$CP" kafka.tools.StorageTool format \
        -t "$CLUSTER_ID" -c "$CONF" --ignore-formatted >"$LOGS/format.out" 2>&1; then
    cat "$LOGS/format.out" >&2
    die "formatting storage failed"
  fi
fi

# shellcheck disable=SC2206
HEAP=(${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m})
# shellcheck disable=SC2206
EXTRA=(${KAFKA_OPTS:-})
JVM=(java "${HEAP[@]}" -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
     -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true "${LOG_OPTS[@]}" "${EXTRA[@]}"
     -cp "$CP" kafka.Kafka "$CONF")

DETACH=()
command -v setsid >/dev/null 2>&1 && DETACH=(setsid) || DETACH=(nohup)
T0="$(date +%s%3N)"
{
  echo "==== $(date -Is) start.sh: ${JVM[*]}"
} >>"$LOGS/kafka.out"
# the inner shell writes its own pid (then execs java), so the pid file holds the JVM's pid
# shellcheck disable=SC2016
"${DETACH[@]}" bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" "${JVM[@]}" \
  </dev/null >>"$LOGS/kafka.out" 2>&1 9>&- &
for _ in $(seq 1 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
[[ -s "$PID_FILE" ]] || die "broker did not write its pid file $PID_FILE"
PID="$(cat "$PID_FILE")"
say "started broker (pid $PID), waiting up to ${START_TIMEOUT}s for 127.0.0.1:$PORT ..."
wait_ready "$PID" "$T0"
