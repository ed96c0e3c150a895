#!/usr/bin/env bash
# Heap allocated per lead, end to end (intake, dispatch, the archive target), on the embedded defaults:
#   bench/allocation.sh            uses the jar in target/ (mvn -B -q package -DskipTests first)
# Unlike leads/s, this hardly moves with the machine's load: it counts bytes, not time. The connector
# runs as the Dockerfile runs it (jvm.options, a class-data sharing archive) with a GC log; after a
# warm-up and once the inbox is empty, a full collection marks the start; wrk posts unique leads for
# 15 s; once the inbox is empty again a second full collection marks the end. Allocated = the sum,
# over the collections in between, of the heap before each minus the heap after the one before.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=$(ls target/lead-connector-*.jar | grep -v original | head -1)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lead-alloc.XXXXXX")
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
port() { while :; do p=$((10000 + RANDOM % 20000)); (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo $p; return; }; done; }
drained() { until [ -z "$(ls "$WORK/data/inbox")" ]; do sleep 1; done; }

java -Djarmode=tools -jar "$JAR" extract --destination "$WORK/jar" >/dev/null
APP="$WORK/jar/$(basename "$JAR")"
java @jvm.options -XX:ArchiveClassesAtExit="$WORK/jar/app.jsa" -jar "$APP" --camel.main.duration-max-seconds=2 \
  --leads.data-dir="$WORK/training" --server.port=0 --management.server.port=0 --leads.routes.reload=false >/dev/null 2>&1
PORT=$(port) MGMT=$(port)
java @jvm.options ${JAVA_OPTS:-} -Xlog:gc:file="$WORK/gc.log" -XX:SharedArchiveFile="$WORK/jar/app.jsa" -jar "$APP" \
  --leads.data-dir="$WORK/data" --server.port="$PORT" --management.server.port="$MGMT" --leads.routes.reload=false \
  >"$WORK/app.log" 2>&1 &
PID=$!
until curl -sf -o /dev/null "http://127.0.0.1:$MGMT/actuator/health/readiness"; do
  kill -0 "$PID" 2>/dev/null || { tail -n 20 "$WORK/app.log"; exit 1; }; sleep 0.2
done
BENCH_PREFIX=alloc-warm-$RANDOM wrk -t2 -c16 -d5s -s bench/intake.lua "http://127.0.0.1:$PORT/leads" >/dev/null
drained
BEFORE=$(ls "$WORK/data/leads" | wc -l)
jcmd "$PID" GC.run >/dev/null
LOAD=$(BENCH_PREFIX=alloc-$RANDOM wrk -t2 -c16 -d15s -s bench/intake.lua "http://127.0.0.1:$PORT/leads" | grep '^intake')
drained
LEADS=$(( $(ls "$WORK/data/leads" | wc -l) - BEFORE ))
jcmd "$PID" GC.run >/dev/null
awk -v leads="$LEADS" -v load="$LOAD" '
  match($0, /Pause [A-Za-z]+ \([^)]*\) [0-9]+M->[0-9]+M/) {
    n = split(substr($0, RSTART, RLENGTH), w, " "); split(w[n], heap, /M->|M/)
    if (counting) { allocated += heap[1] - last; collections++ }
    if ($0 ~ /Diagnostic Command/) { if (counting) { done = 1; counting = 0 } else if (!done) counting = 1 }
    last = heap[2]
  }
  END { printf "%d leads end to end, %d MB allocated, %.0f KB per lead, %d collections; %s\n",
        leads, allocated, allocated * 1024 / leads, collections - 1, load }' "$WORK/gc.log"
