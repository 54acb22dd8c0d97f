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

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]] && compgen -G "$JARS_DIR/kafka_2.13-*.jar" >/dev/null; then
  exit 0
fi

command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (Maven 3.6+ is needed once to download the Kafka jars; e.g. apt-get install maven)"

echo "kafka/fetch: downloading Kafka jars with Maven into $JARS_DIR ..." >&2
rm -rf "$JARS_DIR"
# -B batch mode, -q quiet (no download log); MAVEN_OPTS / MAVEN_ARGS / ~/.m2/settings.xml are honoured by mvn itself.
# shellcheck disable=SC2086
if ! mvn -B -q ${KAFKA_MVN_ARGS:-} -f "$HERE/pom.xml" package; then
  rm -rf "$JARS_DIR"
  die "maven failed to fetch the Kafka jars (see output above)"
fi
compgen -G "$JARS_DIR/kafka_2.13-*.jar" >/dev/null || die "maven finished but no kafka_2.13 jar landed in $JARS_DIR"
rm -rf "$HERE/target"
echo "$WANT" > "$STAMP"
echo "kafka/fetch: $(ls "$JARS_DIR"/*.jar | wc -l) jars in $JARS_DIR" >&2
