#!/usr/bin/env bash
# Pulse uses the Redis at REDIS_URL (default redis://127.0.0.1:6379). This
# checks that it answers PING; it does not start one (every machine here runs
# one, without persistence; tests that need durability start their own).
set -euo pipefail
url="${REDIS_URL:-redis://127.0.0.1:6379}"
hostport="${url#redis://}"
hostport="${hostport##*@}"
hostport="${hostport%%/*}"
host="${hostport%%:*}"
port="${hostport##*:}"
[ "$port" = "$host" ] && port=6379
if ! exec 3<>"/dev/tcp/$host/$port" 2>/dev/null; then
  echo "redis: nothing listens on $host:$port; start one (redis-server --port $port --daemonize yes) or set REDIS_URL" >&2
  exit 1
fi
printf 'PING\r\n' >&3
read -r -t 2 reply <&3 || true
exec 3>&-
if [[ "$reply" != +PONG* ]]; then
  echo "redis: $host:$port did not answer PING (got '${reply:-nothing}'); is it Redis, and does it need a password?" >&2
  exit 1
fi
echo "redis up on $host:$port"
