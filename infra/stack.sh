#!/usr/bin/env bash
# The local stack: Kafka (KRaft, from Maven Central) started here, the
# machine's Redis checked, ClickHouse embedded (chdb) unless CLICKHOUSE_URL
# points at a server. Idempotent: `up` on a running stack only checks it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
case "${1:-}" in
  up)
    "$here/kafka/start.sh"
    "$here/redis/check.sh"
    (cd "$root" && "${PNPM:-pnpm}" --silent pulse topics)
    if [ -n "${CLICKHOUSE_URL:-}" ]; then echo "clickhouse: server at $CLICKHOUSE_URL"; else echo "clickhouse: embedded (chdb), data under ${CHDB_PATH:-.pulse/chdb}"; fi
    ;;
  down)
    "$here/kafka/stop.sh" "${@:2}"
    ;;
  status)
    "$here/kafka/status.sh" && "$here/redis/check.sh"
    ;;
  *)
    echo "usage: infra/stack.sh up|down [--wipe]|status" >&2
    exit 2
    ;;
esac
