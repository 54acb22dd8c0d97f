#!/usr/bin/env bash
# Fetch the Kafka broker's runtime jars from Maven Central into infra/kafka/.jars.
# Idempotent: a stamp file records the sha256 of pom.xml; if it matches, nothing is done.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
JARS_DIR="$HERE/.jars"
STAMP="$JARS_DIR/.fetched"

die() { echo "kafka/fetch: $*" >&2; exit 1; }

command -v java >/dev/null 2>&1 || die "java not found on PATH (need a JDK/JRE 11+; Java 17 recommended)"

pom_hash() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$HERE/pom.xml" | cut -d' ' -f1
  else cksum "$HERE/pom.xml" | cut -d' ' -f1-2 | tr ' ' '-'
  fi
}
WANT="$(pom_hash)"

fresh() { [[ -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]] && compgen -G "$JARS_DIR/kafka_2.13-*.jar" >/dev/null; }
fresh && exit 0

# serialise concurrent fetches (e.g. two start.sh at once); the lock is held on pom.xml itself
if command -v flock >/dev/null 2>&1; then
  exec 8<"$HERE/pom.xml"
  flock -w 600 8 || die "timed out waiting for another fetch.sh"
  fresh && exit 0
fi

command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (Maven 3.6+ is needed once to download the Kafka jars; e.g. apt-get install maven)"

echo "kafka/fetch: downloading Kafka jars with Maven into $JARS_DIR ..." >&2
rm -rf "$JARS_DIR"
# -B batch mode, -ntp no transfer progress; the output is kept in a temp file and shown only on failure.
# MAVEN_OPTS / MAVEN_ARGS / ~/.m2/settings.xml are honoured by mvn itself; KAFKA_MVN_ARGS adds flags.
MVN_LOG="$(mktemp "${TMPDIR:-/tmp}/kafka-fetch.XXXXXX")"
trap 'rm -f "$MVN_LOG"' EXIT
# shellcheck disable=SC2086
if ! mvn -B -ntp -Dstyle.color=never ${KAFKA_MVN_ARGS:-} -f "$HERE/pom.xml" package >"$MVN_LOG" 2>&1; then
  sed 's/\x1b\[[0-9;]*m//g' "$MVN_LOG" | grep -v '^\[INFO\]' | grep -v '^ *$' | tail -n 40 >&2
  rm -rf "$JARS_DIR" "$HERE/target"
  die "maven failed to fetch the Kafka jars (output above)"
fi
compgen -G "$JARS_DIR/kafka_2.13-*.jar" >/dev/null || die "maven finished but no kafka_2.13 jar landed in $JARS_DIR"
rm -rf "$HERE/target"
echo "$WANT" > "$STAMP"
JARS=("$JARS_DIR"/*.jar)
echo "kafka/fetch: ${#JARS[@]} jars in $JARS_DIR" >&2
