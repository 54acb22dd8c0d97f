# Functions shared by start.sh, status.sh and stop.sh. Expects CONF and
# PID_FILE to be set by the script that sources it.
# shellcheck shell=bash

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
