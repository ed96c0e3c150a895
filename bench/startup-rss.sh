#!/usr/bin/env bash
# Start-up time to ready and resident memory after N posted leads, on the embedded defaults.
#   bench/startup-rss.sh [N=1000]        (JAVA_OPTS="-Xmx256m" bench/startup-rss.sh to try JVM flags)
# Builds the jar if needed, runs it from the project root on a fresh data folder and a loopback port,
# posts N distinct leads one after another with curl, waits until all are archived, prints the figures.
set -euo pipefail
N=${1:-1000}
PORT=${PORT:-18080}
cd "$(dirname "$0")/.."
JAR=$(ls target/lead-connector-*.jar 2>/dev/null | head -1 || true)
if [ -z "$JAR" ]; then mvn -B -q package -DskipTests; JAR=$(ls target/lead-connector-*.jar | head -1); fi
DATA=$(mktemp -d)
trap 'kill $PID 2>/dev/null || true; rm -rf "$DATA"' EXIT

t0=$(date +%s%N)
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -jar "$JAR" --server.port="$PORT" --server.address=127.0.0.1 --leads.data-dir="$DATA" \
  --management.server.port="$((PORT + 1))" --management.server.address=127.0.0.1 --leads.routes.reload=false \
  > "$DATA/app.log" 2>&1 &
PID=$!
until curl -fs "http://127.0.0.1:$((PORT + 1))/actuator/health/readiness" >/dev/null 2>&1; do
  kill -0 $PID 2>/dev/null || { cat "$DATA/app.log"; exit 1; }
  sleep 0.05
done
t1=$(date +%s%N)
rss_ready=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$PID/status)

for i in $(seq 1 "$N"); do
  curl -fs -o /dev/null -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/leads" \
    --data-binary "{\"UserDetails\":{\"Email\":\"bench-$i@example.test\",\"LastName\":\"Bench\"},\"LeadSource\":\"AzureMarketplace\",\"ActionCode\":\"INS\",\"OfferTitle\":\"Bench\"}"
done
t2=$(date +%s%N)
until [ "$(ls "$DATA/leads" 2>/dev/null | wc -l)" -ge "$N" ]; do sleep 0.1; done
t3=$(date +%s%N)
rss_after=$(awk '/VmRSS/ {print int($2/1024)}' /proc/$PID/status)

printf '%-38s %s\n' "JVM options" "${JAVA_OPTS:-(defaults)}"
printf '%-38s %.2f s (%s)\n' "start-up to ready (process start)" "$(echo "($t1-$t0)/1000000000" | bc -l)" \
  "$(grep -o 'Started LeadConnectorApplication in [0-9.]* seconds' "$DATA/app.log")"
printf '%-38s %s MB\n' "RSS when ready" "$rss_ready"
printf '%-38s %d leads in %.2f s (sequential curl)\n' "posted" "$N" "$(echo "($t2-$t1)/1000000000" | bc -l)"
printf '%-38s %.2f s after the last 202\n' "all archived" "$(echo "($t3-$t2)/1000000000" | bc -l)"
printf '%-38s %s MB\n' "RSS after $N leads" "$rss_after"
