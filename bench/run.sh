#!/usr/bin/env bash
# The lead-connector benchmark: one command, everything on 127.0.0.1, one table at the end.
#   bench/run.sh            full run (six to eight minutes after the build)
#   bench/run.sh --quick    tiny load, proves the script works (its four JVM start-ups take most of it)
#   bench/run.sh --profile  also records each connector run with JFR during its intake load (bench/out/)
#   bench/run.sh --no-build use the jars already built
#   bench/run.sh --plain-java  run the connector as plain `java -jar` (no jvm.options, no AOT cache)
#   bench/run.sh --intake-only baseline and connector intake and start-up only (three minutes): one lever;
#                           the connector twice, dispatching and with dispatch held (intake alone)
#   bench/run.sh --e2e-only   the connector with the three CRMs only (end to end, burst, lone leads): a dispatch-side lever
#   bench/run.sh --allocation heap allocated per lead end to end, from the GC log: counts bytes, not time
#   bench/run.sh --azure      the connector under profile azure (an Azurite queue as its inbox, PostgreSQL for
#                             de-duplication): intake and the RSS after it, next to the embedded defaults
# CONNECTOR_ARGS adds settings to the connector's command line (--camel.main.jmx-management-statistics-level=Extended).
# CRM_DELAY_MS (default 150): how long every CRM stub takes to answer, as a CRM's API does; 0 answers at once.
# The connector runs as the Dockerfile runs it (Java 25, jvm.options, the AOT cache of a
# training run) unless --plain-java; JAVA_OPTS applies to the connector and the baseline alike
# (JAVA_OPTS=-XX:MaxRAM=1g: as in a 1 GiB container). What each line means: bench/README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

QUICK=false PROFILE=false BUILD=true PLAIN=false INTAKE_ONLY=false E2E_ONLY=false ALLOCATION=false AZURE=false
for arg in "$@"; do
  case $arg in
    --quick) QUICK=true ;;
    --profile) PROFILE=true ;;
    --no-build) BUILD=false ;;
    --plain-java) PLAIN=true ;;
    --intake-only) INTAKE_ONLY=true ;;
    --e2e-only) E2E_ONLY=true ;;
    --allocation) ALLOCATION=true ;;
    --azure) AZURE=true ;;
    *) echo "usage: bench/run.sh [--quick] [--profile] [--no-build] [--plain-java] [--intake-only | --e2e-only | --allocation | --azure]" >&2; exit 2 ;;
  esac
done
# bounded loads: warm-up and measured seconds of intake, end-to-end seconds at E2E_RATE, burst size
if $QUICK; then WARM=1 DURATION=3 E2E_SECONDS=3 BURST=100 LONE_COUNT=1; else WARM=15 DURATION=20 E2E_SECONDS=30 BURST=1000 LONE_COUNT=3; fi
CONNECTIONS=16 E2E_RATE=100 WIREMOCK_VERSION=3.13.2 CRM_DELAY_MS=${CRM_DELAY_MS:-150}
RUN=$(date -u +%Y%m%dT%H%M%SZ)
OUT=$ROOT/bench/out/$RUN
mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/lead-bench.XXXXXX")

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[bench $(date -u +%H:%M:%S)] $*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }
rss_mb() { awk '/VmRSS/ {print int($2/1024)}' "/proc/$1/status"; }
TICKS=$(getconf CLK_TCK)
cpu_ms() { awk -v t="$TICKS" '{print int(($14 + $15) * 1000 / t)}' "/proc/$1/stat"; }   # user + system CPU of PID so far
# the same for PID's Tomcat threads alone (named http-nio-...): the request path, without dispatch, the
# journal, the JIT and the collector; a thread that ended in between is not counted (Tomcat keeps its own)
http_cpu_ms() { cat /proc/"$1"/task/*/stat 2>/dev/null | awk -v t="$TICKS" '$2 ~ /^\(http-nio/ {s += $14 + $15} END {print int(s * 1000 / t)}'; }
now_ms() { date +%s%3N; }
field() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$2"; }   # field NAME "k=v k=v" -> v

free_port() {
  local port
  while :; do
    port=$((10000 + RANDOM % 20000))   # below the ephemeral range (32768-)
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# waits until URL answers (any HTTP status, or only 200 with "ok") while PID lives, at most 180 s;
# prints the ms it took from T0
wait_http() {
  local pid=$1 url=$2 t0=$3 want=${4:-any} code
  while [ $(($(now_ms) - t0)) -lt 180000 ]; do
    kill -0 "$pid" 2>/dev/null || { log "process $pid died, see $OUT"; exit 1; }
    code=$(curl -s -o /dev/null -w '%{http_code}' "$url" || true)
    if { [ "$want" = any ] && [ "$code" != 000 ]; } || [ "$code" = 200 ]; then echo $(($(now_ms) - t0)); return; fi
    sleep 0.05
  done
  log "$url not ready after 180 s"; exit 1
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# --- tools and builds ------------------------------------------------------------------------------
for tool in wrk jq curl; do
  if ! command -v $tool >/dev/null; then
    log "installing $tool (Debian)"; apt-get install -y -qq $tool >/dev/null || { apt-get update -qq && apt-get install -y -qq $tool >/dev/null; }
  fi
done
if $BUILD; then
  log "building the connector and the baseline"
  mvn -B -q package -DskipTests
  mvn -B -q -f bench/baseline/pom.xml package -DskipTests
fi
WIREMOCK=bench/target/wiremock-standalone-$WIREMOCK_VERSION.jar
if [ ! -f "$WIREMOCK" ]; then
  mvn -B -q dependency:copy -Dartifact=org.wiremock:wiremock-standalone:$WIREMOCK_VERSION -DoutputDirectory=bench/target
fi
JAR=$(ls target/lead-connector-*.jar | grep -v original | head -1)
BASELINE_JAR=bench/baseline/target/bench-baseline.jar
# the Dockerfile's runtime steps on the Java 25 it runs (JAVA25_HOME): the jar extracted, a training run
# writing the AOT cache; the same training on Java 17 (the machine's java) writes the class-data sharing
# archive the Dockerfile used before, for its start-up line
JAVA25_HOME=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAVA=$JAVA25_HOME/bin/java JCMD=$JAVA25_HOME/bin/jcmd
[ -x "$JAVA" ] || { log "no Java 25 at $JAVA25_HOME (set JAVA25_HOME)"; exit 1; }
JAVA17=$(command -v java || true)
if [ -n "$JAVA17" ] && ! "$JAVA17" -version 2>&1 | grep -q 'version "17'; then JAVA17=""; fi
EXTRACTED=$WORK/jar/app.jar
training() {   # JAVA ARCHIVE-OPTIONS...
  local java=$1; shift
  "$java" @jvm.options "$@" -jar "$EXTRACTED" --camel.main.duration-max-seconds=2 --leads.data-dir="$WORK/training" \
    --server.port=0 --management.server.port=0 --leads.routes.reload=false >>"$OUT/training.log" 2>&1
  rm -rf "$WORK/training"
}
"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$WORK/jar" >/dev/null
mv "$WORK/jar/$(basename "$JAR")" "$EXTRACTED"
training "$JAVA" -XX:AOTCacheOutput="$WORK/jar/app.aot"
# the start-up lines' other setups (section 2) are trained only for a run that prints those lines
STARTUP_LINES=true
if $INTAKE_ONLY || $E2E_ONLY || $ALLOCATION || $AZURE; then STARTUP_LINES=false; fi
if $STARTUP_LINES; then
  training "$JAVA" -XX:+UseCompactObjectHeaders -XX:AOTCacheOutput="$WORK/jar/app-coh.aot"
  if [ -n "$JAVA17" ]; then training "$JAVA17" -XX:ArchiveClassesAtExit="$WORK/jar/app.jsa"; fi
fi
# shellcheck disable=SC2206
if $PLAIN; then CONNECTOR=("$JAVA" ${JAVA_OPTS:-} -jar "$JAR")
else CONNECTOR=("$JAVA" @jvm.options -XX:+ExitOnOutOfMemoryError ${JAVA_OPTS:-} -XX:AOTCache="$WORK/jar/app.aot" -jar "$EXTRACTED")
fi
# the load generator for paced and burst loads, compiled once
javac -d "$WORK/loadgen" bench/LoadGen.java
loadgen() { java -cp "$WORK/loadgen" LoadGen "$@"; }

# wrk at CONNECTIONS connections: a warm-up, then the measured run; prints the intake line with the
# CPU the server PID spent per accepted lead during the measured run (work, not time: it moves less
# with the machine's load than leads/s)
intake() {
  local url=$1 name=$2 pid=$3 cpu0 line
  BENCH_PREFIX="bench-$name-warm" wrk -t2 -c$CONNECTIONS -d${WARM}s -s bench/intake.lua "$url" >"$OUT/wrk-$name-warm.txt"
  # every connector run (embedded: intake.jfr and profile.txt; held, azure: intake-held.jfr, profile-held.txt...)
  local suffix=${name#embedded}; suffix=${suffix:+-$suffix}
  if $PROFILE && [ "$name" != baseline ]; then "$JCMD" "$pid" JFR.start name=intake settings=profile filename="$OUT/intake$suffix.jfr" >/dev/null; fi
  cpu0=$(cpu_ms "$pid") http0=$(http_cpu_ms "$pid")
  BENCH_PREFIX="bench-$name" wrk -t2 -c$CONNECTIONS -d${DURATION}s -s bench/intake.lua "$url" >"$OUT/wrk-$name.txt"
  line=$(grep '^intake ' "$OUT/wrk-$name.txt")
  per_lead() { awk -v c="$1" -v n="$(field requests "$line")" 'BEGIN {printf "%.3f", (n > 0 ? c / n : 0)}'; }
  echo "$line cpu_ms_per_lead=$(per_lead $(($(cpu_ms "$pid") - cpu0))) request_threads_cpu_ms_per_lead=$(per_lead $(($(http_cpu_ms "$pid") - http0)))"
  if $PROFILE && [ "$name" != baseline ]; then
    "$JCMD" "$pid" JFR.stop name=intake >/dev/null
    bench/jfr-top.sh "$OUT/intake$suffix.jfr" >"$OUT/profile$suffix.txt"
  fi
}

start_connector() {   # NAME ARGS... -> sets PID, PORT, MGMT, DATA
  local name=$1; shift
  PORT=$(free_port); MGMT=$(free_port); DATA=$WORK/$name
  mkdir -p "$DATA"
  "${CONNECTOR[@]}" --server.port="$PORT" --server.address=127.0.0.1 \
    --management.server.port="$MGMT" --management.server.address=127.0.0.1 \
    --leads.data-dir="$DATA" --leads.routes.reload=false ${CONNECTOR_ARGS:-} "$@" >"$OUT/$name.log" 2>&1 &
  PID=$!; PIDS+=("$PID")
}

# a connector's start-up, intake load and RSS: NAME ARGS... -> sets START_MS, START_LOAD, RSS_READY,
# CONN_INTAKE, CONN_LOAD, RSS_AFTER
connector_intake() {
  local name=$1 t0; shift
  t0=$(now_ms)
  start_connector "$name" "$@"
  START_MS=$(wait_http "$PID" "http://127.0.0.1:$MGMT/actuator/health/readiness" "$t0" ok); START_LOAD=$(load1)
  RSS_READY=$(rss_mb "$PID")
  log "$name connector ready in ${START_MS} ms; intake load ${WARM}+${DURATION} s at $CONNECTIONS connections"
  CONN_INTAKE=$(intake "http://127.0.0.1:$PORT/leads" "$name" "$PID")
  CONN_LOAD=$(load1)
  RSS_AFTER=$(rss_mb "$PID")
  stop "$PID"
}

LOAD_START=$(load1)
log "results and logs: $OUT"

# --- --allocation: heap allocated per lead, end to end (intake, dispatch, the archive) ---------------
# After a warm-up, once the inbox is empty, a full collection marks the start; LoadGen posts 300 leads/s
# for 15 s, below what dispatch takes, so no backlog builds (with one, every poll lists the whole inbox
# and the figure follows the backlog, 255 to 691 KB per lead at 600 to 1,360 leads/s of wrk); once the
# inbox is empty again a second full collection marks the end. Allocated: the sum, over the
# collections in between, of the heap before each minus the heap after the one before.
if $ALLOCATION; then
  drained() { until [ -z "$(ls "$DATA/inbox")" ]; do sleep 1; done; }
  SAVED=("${CONNECTOR[@]}"); CONNECTOR=("${CONNECTOR[0]}" -Xlog:gc:file="$OUT/gc.log" "${CONNECTOR[@]:1}")
  t0=$(now_ms); start_connector allocation; CONNECTOR=("${SAVED[@]}")
  wait_http "$PID" "http://127.0.0.1:$MGMT/actuator/health/readiness" "$t0" ok >/dev/null
  loadgen paced "http://127.0.0.1:$PORT/leads" 300 5 bench-allocation-warm "$OUT/sent-allocation-warm.tsv" >/dev/null
  drained
  BEFORE=$(ls "$DATA/leads" | wc -l)
  "$JCMD" "$PID" GC.run >/dev/null
  LOAD=$(loadgen paced "http://127.0.0.1:$PORT/leads" 300 15 bench-allocation "$OUT/sent-allocation.tsv")
  drained
  LEADS=$(( $(ls "$DATA/leads" | wc -l) - BEFORE ))
  "$JCMD" "$PID" GC.run >/dev/null
  stop "$PID"
  awk -v leads="$LEADS" -v load="$LOAD" '
    match($0, /Pause [A-Za-z]+ \([^)]*\) [0-9]+M->[0-9]+M/) {
      n = split(substr($0, RSTART, RLENGTH), w, " "); split(w[n], heap, /M->|M/)
      if (counting) { allocated += heap[1] - last; collections++ }
      if ($0 ~ /Diagnostic Command/) { if (counting) { done = 1; counting = 0 } else if (!done) counting = 1 }
      last = heap[2]
    }
    END { printf "allocation: %d leads end to end, %d MB allocated, %.0f KB per lead, %d collections; %s\n",
          leads, allocated, allocated * 1024 / leads, collections - 1, load }' "$OUT/gc.log" | tee "$OUT/table.txt"
  exit 0
fi

# --- --azure: the connector as several instances run it, its inbox a queue -------------------------
# Azurite's queue service (what the tests use: npm ci installs it, as the build does) and the tests'
# embedded PostgreSQL (bench/EmbeddedPostgresServer.java on the test classpath), then the same intake
# load as the embedded defaults get, one after the other; the RSS of each after it.
if $AZURE; then
  [ -x node_modules/.bin/azurite-queue ] || npm ci --no-audit --no-fund >"$OUT/npm.log" 2>&1
  mvn -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/test-classpath.txt" >"$OUT/classpath.log" 2>&1
  QPORT=$(free_port) PGPORT=$(free_port)
  node_modules/.bin/azurite-queue --silent --location "$WORK/azurite" --queueHost 127.0.0.1 --queuePort "$QPORT" \
    --skipApiVersionCheck >"$OUT/azurite.log" 2>&1 &
  QPID=$!; PIDS+=("$QPID")
  wait_http "$QPID" "http://127.0.0.1:$QPORT/" "$(now_ms)" >/dev/null
  "$JAVA" -cp "$(cat "$WORK/test-classpath.txt")" bench/EmbeddedPostgresServer.java "$PGPORT" >"$OUT/postgres.log" 2>&1 &
  PIDS+=($!)
  until grep -q '^jdbc=' "$OUT/postgres.log"; do sleep 0.2; done
  QUEUES="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;QueueEndpoint=http://127.0.0.1:$QPORT/devstoreaccount1;"
  line() {   # NAME ARGS...
    connector_intake "$@"
    echo "$1: $CONN_INTAKE; RSS when ready $RSS_READY MB; RSS after $RSS_AFTER MB; ready $START_MS ms; load $CONN_LOAD"
  }
  {
    echo "lead-connector, profile azure against the embedded defaults, $RUN, $(nproc) cores; command: bench/run.sh $*; JAVA_OPTS=${JAVA_OPTS:-(none)}"
    line embedded
    line azure --spring.profiles.active=azure --leads.azure-queue.connection-string="$QUEUES" \
      --leads.dedup.jdbc-url="jdbc:postgresql://127.0.0.1:$PGPORT/postgres" --leads.dedup.username=postgres --leads.dedup.password=
  } | tee "$OUT/table.txt"
  exit 0
fi

# sections 1 to 3 (intake and start-up) are left out by --e2e-only: their lines say "-"
STARTUPS=()
BASE_INTAKE="" CONN_INTAKE="" BASE_LOAD=- CONN_LOAD=- BASE_RSS=- RSS_AFTER=- RSS_READY=- START_MS=- BASE_START_MS=- START_LOAD=-
if ! $E2E_ONLY; then
# --- 1. baseline: intake ---------------------------------------------------------------------------
BPORT=$(free_port)
t0=$(now_ms)
# shellcheck disable=SC2086
"$JAVA" ${JAVA_OPTS:-} -jar "$BASELINE_JAR" --server.port="$BPORT" --server.address=127.0.0.1 \
  --baseline.file="$WORK/baseline/leads.jsonl" >"$OUT/baseline.log" 2>&1 &
BPID=$!; PIDS+=("$BPID")
BASE_START_MS=$(wait_http "$BPID" "http://127.0.0.1:$BPORT/leads" "$t0")
log "baseline up in ${BASE_START_MS} ms; intake load ${WARM}+${DURATION} s at $CONNECTIONS connections"
BASE_INTAKE=$(intake "http://127.0.0.1:$BPORT/leads" baseline "$BPID"); BASE_LOAD=$(load1)
BASE_RSS=$(rss_mb "$BPID")
stop "$BPID"

# --- 2. start-up of the connector on its embedded defaults, under each JVM setup -------------------
# process start to readiness 200, and RSS then; each on a fresh data folder
STARTUPS=()
startup_of() {   # LABEL JAVA-COMMAND...
  local label=$1 saved=("${CONNECTOR[@]}") t0 ms; shift
  CONNECTOR=("$@")
  t0=$(now_ms)
  start_connector "startup-${#STARTUPS[@]}"
  ms=$(wait_http "$PID" "http://127.0.0.1:$MGMT/actuator/health/readiness" "$t0" ok)
  STARTUPS+=("$(printf '%-44s %-26s %s' "  $label" "$ms ms, RSS $(rss_mb "$PID") MB" "$(load1)")")
  stop "$PID"
  CONNECTOR=("${saved[@]}")
}
# shellcheck disable=SC2086
if $STARTUP_LINES; then
  startup_of "java -jar (no options)" "$JAVA" ${JAVA_OPTS:-} -jar "$JAR"
  startup_of "java @jvm.options -jar" "$JAVA" @jvm.options ${JAVA_OPTS:-} -jar "$JAR"
  startup_of "jvm.options + AOT cache (the Dockerfile)" "$JAVA" @jvm.options ${JAVA_OPTS:-} -XX:AOTCache="$WORK/jar/app.aot" -jar "$EXTRACTED"
  startup_of "  + compact object headers" "$JAVA" @jvm.options ${JAVA_OPTS:-} -XX:+UseCompactObjectHeaders -XX:AOTCache="$WORK/jar/app-coh.aot" -jar "$EXTRACTED"
  if [ -n "$JAVA17" ]; then
    startup_of "Java 17: jvm.options + CDS (before)" "$JAVA17" @jvm.options ${JAVA_OPTS:-} -XX:SharedArchiveFile="$WORK/jar/app.jsa" -jar "$EXTRACTED"
  fi
fi

# --- 3. connector on its embedded defaults: start-up, intake, RSS ------------------------------------
connector_intake embedded

if $INTAKE_ONLY; then
  # the same connector with dispatch held (its route file not loaded: the leads stay in the inbox), so
  # that one run splits the CPU per lead into intake's and dispatch's: the baseline dispatches nothing
  DISPATCHING=$CONN_INTAKE DISPATCHING_TAIL="RSS after $RSS_AFTER MB; ready $START_MS ms; load $CONN_LOAD"
  connector_intake held --camel.main.routes-exclude-pattern=file:routes/lead-dispatch.camel.yaml
  ratio() {   # FIELD LINE BASELINE-LINE
    awk -v a="$(field "$1" "$2")" -v b="$(field "$1" "$3")" 'BEGIN {if (a == "" || b + 0 <= 0) printf "-"; else printf "%.1fx", a / b}'
  }
  ratios() { echo "$(ratio cpu_ms_per_lead "$1" "$BASE_INTAKE") CPU per lead, $(ratio request_threads_cpu_ms_per_lead "$1" "$BASE_INTAKE") on the request threads, $(ratio per_s "$1" "$BASE_INTAKE") leads/s"; }
  {
    echo "lead-connector intake, $RUN, $(nproc) cores; command: bench/run.sh $*; JAVA_OPTS=${JAVA_OPTS:-(none)}; CONNECTOR_ARGS=${CONNECTOR_ARGS:-(none)}"
    echo "connector: $DISPATCHING; $DISPATCHING_TAIL"
    echo "  dispatch held: $CONN_INTAKE; RSS after $RSS_AFTER MB; ready $START_MS ms; load $CONN_LOAD"
    echo "baseline:  $BASE_INTAKE; RSS after $BASE_RSS MB; load $BASE_LOAD"
    echo "against the baseline: connector $(ratios "$DISPATCHING"); dispatch held $(ratios "$CONN_INTAKE")"
    if $PROFILE; then echo "JFR profiles of the intake load: $OUT/profile.txt, dispatch held: $OUT/profile-held.txt"; fi
    printf '%s\n' "${STARTUPS[@]}"
  } | tee "$OUT/table.txt"
  exit 0
fi

fi  # --e2e-only

# --- 4. connector with WireMock CRMs: end to end at a steady rate, API calls in a burst --------------
WPORT=$(free_port); WM=http://127.0.0.1:$WPORT
# DataverseBatch (from the project's test classes) answers each part of a Dataverse $batch, which a
# JSON stub cannot split
java -cp "$WIREMOCK:target/test-classes:target/classes" wiremock.Run --extensions dev.leadconnector.support.DataverseBatch \
  --bind-address 127.0.0.1 --port "$WPORT" --root-dir bench/wiremock --disable-banner \
  >"$OUT/wiremock.log" 2>&1 &
WPID=$!; PIDS+=("$WPID")
wait_http "$WPID" "$WM/__admin/health" "$(now_ms)" ok >/dev/null
# every stub answers after CRM_DELAY_MS, as a CRM's API does (about 150 ms): a batch gathers while a
# call is in flight, so the calls a burst costs depend on it (0: the stubs answer at once)
curl -s -X POST -H 'Content-Type: application/json' -d "{\"fixedDelay\": $CRM_DELAY_MS}" "$WM/__admin/settings" >/dev/null
t0=$(now_ms)
start_connector crm \
  --leads.targets.salesforce.enabled=true --leads.targets.salesforce.login-url="$WM" \
  --leads.targets.salesforce.client-id=bench-app --leads.targets.salesforce.client-secret=bench-secret \
  --leads.targets.marketo.enabled=true --leads.targets.marketo.endpoint="$WM" \
  --leads.targets.marketo.identity="$WM/identity" \
  --leads.targets.marketo.client-id=bench-app --leads.targets.marketo.client-secret=bench-secret \
  --leads.targets.dynamics.enabled=true --leads.targets.dynamics.url="$WM/org" \
  --leads.targets.dynamics.authority="$WM/aad" --leads.targets.dynamics.tenant-id=bench-tenant \
  --leads.targets.dynamics.client-id=bench-app --leads.targets.dynamics.client-secret=bench-secret
CRM_START_MS=$(wait_http "$PID" "http://127.0.0.1:$MGMT/actuator/health/readiness" "$t0" ok)
LEADS_URL=http://127.0.0.1:$PORT/leads

journal_total() { curl -s "$WM/__admin/requests?limit=1" | jq '.meta.total'; }
# the CRMs have had no call for 3 s (a batch waits at most its max-wait), or 120 s passed
wait_quiet() {
  local last=-1 same=0 n
  for _ in $(seq 1 240); do
    n=$(journal_total)
    if [ "$n" = "$last" ]; then same=$((same + 1)); else same=0; last=$n; fi
    [ $same -ge 6 ] && return
    sleep 0.5
  done
  log "the CRMs were still being called after 120 s"
}
target_of='def target: if (.url|startswith("/services/")) then "salesforce" elif (.url|startswith("/rest/") or startswith("/identity/")) then "marketo" elif (.url|startswith("/org/") or startswith("/aad/")) then "dynamics" else "other" end;'

log "warm-up: ${E2E_RATE} leads/s for ${WARM} s to the CRMs"
loadgen paced "$LEADS_URL" "$E2E_RATE" "$WARM" "bench-crmwarm" "$OUT/sent-warm.tsv" >/dev/null
wait_quiet
curl -s -X DELETE "$WM/__admin/requests" >/dev/null

log "end to end: ${E2E_RATE} leads/s for ${E2E_SECONDS} s"
PACED=$(loadgen paced "$LEADS_URL" "$E2E_RATE" "$E2E_SECONDS" "bench-e2e" "$OUT/sent-e2e.tsv")
wait_quiet; E2E_LOAD=$(load1)
curl -s "$WM/__admin/requests" >"$OUT/journal-e2e.json"
# every CRM write (not a token, not a lookup): target, epoch ms WireMock logged it, url and body
writes() {   # JOURNAL.json OUT.tsv
  jq -r "$target_of"' .requests[].request | select(.method == "POST" or .method == "PATCH")
    | select(.url | test("oauth2?/|/token|_method=GET") | not)
    | [target, (.loggedDate|tostring), (.url + " " + (.body // "" | gsub("[\t\r\n]"; " ")))] | @tsv' "$1" >"$2"
}
writes "$OUT/journal-e2e.json" "$OUT/writes-e2e.tsv"
E2E=$(loadgen e2e "$OUT/sent-e2e.tsv" "$OUT/writes-e2e.tsv" salesforce,marketo,dynamics)
curl -s -X DELETE "$WM/__admin/requests" >/dev/null

log "burst: $BURST leads at $CONNECTIONS connections"
BURST_LINE=$(loadgen burst "$LEADS_URL" "$BURST" "$CONNECTIONS" "bench-burst" "$OUT/sent-burst.tsv")
wait_quiet; BURST_LOAD=$(load1)
curl -s "$WM/__admin/requests" >"$OUT/journal-burst.json"
# calls per target and kind: token, lookup (GET, or Marketo's POST ...?_method=GET), write
jq -r "$target_of"' .requests[].request
  | [target, (if (.url | test("oauth2?/|/token")) then "token" elif .method == "GET" or (.url | test("_method=GET")) then "lookup" else "write" end)]
  | @tsv' "$OUT/journal-burst.json" | sort | uniq -c >"$OUT/calls-burst.txt"
UNMATCHED=$(curl -s "$WM/__admin/requests/unmatched" | jq '.requests | length')
curl -s -X DELETE "$WM/__admin/requests" >/dev/null

log "lone leads: $LONE_COUNT, one at a time, each once the CRMs have been idle for 3 s"
: >"$OUT/sent-lone.tsv"
for i in $(seq 1 "$LONE_COUNT"); do
  wait_quiet
  loadgen lone "$LEADS_URL" "bench-lone-$i@example.test" >>"$OUT/sent-lone.tsv"
done
wait_quiet
curl -s "$WM/__admin/requests" >"$OUT/journal-lone.json"
writes "$OUT/journal-lone.json" "$OUT/writes-lone.tsv"
LONE=$(loadgen e2e "$OUT/sent-lone.tsv" "$OUT/writes-lone.tsv" salesforce,marketo,dynamics)
DEAD=$(find "$WORK/crm/dead-letter" -name '*.json' 2>/dev/null | wc -l || true)
CRM_RSS=$(rss_mb "$PID")
stop "$PID"; stop "$WPID"

# --- the table ---------------------------------------------------------------------------------------
calls() {   # TARGET [KIND] -> calls per 1,000 burst leads
  awk -v t="$1" -v k="${2:-}" -v n="$BURST" '$2 == t && (k == "" || $3 == k) {s += $1} END {printf "%d", s * 1000 / n}' \
    "$OUT/calls-burst.txt"
}
verdict() { if awk "BEGIN {exit !($1)}"; then echo "met"; else echo "MISSED"; fi; }

c_rate=$(field per_s "$CONN_INTAKE"); b_rate=$(field per_s "$BASE_INTAKE")
ratio=$(awk -v c="$c_rate" -v b="$b_rate" 'BEGIN {if (b > 0) printf "%.0f", 100 * c / b; else print "-"}')
e2e_p99=$(field p99_ms "$E2E")
TABLE=$OUT/table.txt
{
  echo "lead-connector benchmark, $RUN, $(nproc) cores, $( $QUICK && echo 'QUICK (tiny load, figures not meaningful)' || echo full)"
  echo "command: bench/run.sh $* ; JAVA_OPTS=${JAVA_OPTS:-(none)}; load average (1 min) at start $LOAD_START"
  printf '%-44s %-26s %-24s %-22s %s\n' "figure" "connector" "baseline" "goal" "load"
  printf '%-44s %-26s %-24s %-22s %s\n' "intake leads/s ($CONNECTIONS conn, ${DURATION} s)" \
    "$c_rate" "$b_rate" ">= 70%: $ratio% $($E2E_ONLY && echo - || verdict "$ratio >= 70")" "$CONN_LOAD / $BASE_LOAD"
  printf '%-44s %-26s %-24s %-22s %s\n' "intake latency p50 / p99" \
    "$(field p50_ms "$CONN_INTAKE") / $(field p99_ms "$CONN_INTAKE") ms" \
    "$(field p50_ms "$BASE_INTAKE") / $(field p99_ms "$BASE_INTAKE") ms" "" "$CONN_LOAD / $BASE_LOAD"
  printf '%-44s %-26s %-24s %-22s %s\n' "intake CPU per lead (server process)" \
    "$(field cpu_ms_per_lead "$CONN_INTAKE") ms" "$(field cpu_ms_per_lead "$BASE_INTAKE") ms" "" ""
  printf '%-44s %-26s %-24s %-22s %s\n' "  of it on the request threads" \
    "$(field request_threads_cpu_ms_per_lead "$CONN_INTAKE") ms" "$(field request_threads_cpu_ms_per_lead "$BASE_INTAKE") ms" "" ""
  printf '%-44s %-26s %-24s %-22s %s\n' "intake failed requests" "$(field failed "$CONN_INTAKE")" \
    "$(field failed "$BASE_INTAKE")" "0" ""
  printf '%-44s %-26s %-24s %-22s %s\n' "end to end POST-to-CRM p50 / p99 ($E2E_RATE/s)" \
    "$(field p50_ms "$E2E") / $e2e_p99 ms" "-" "p99 < 1500 ms $(verdict "$e2e_p99 >= 0 && $e2e_p99 < 1500")" "$E2E_LOAD"
  printf '%-44s %-26s %-24s %-22s %s\n' "end to end leads/s (in all 3 CRMs)" \
    "$(field per_s "$E2E") ($(field delivered "$E2E") of $(field offered "$E2E"))" "-" "$E2E_RATE (offered)" "$E2E_LOAD"
  for t in salesforce marketo dynamics; do
    goal="<= 20 $(verdict "$(calls $t) <= 20")"
    printf '%-44s %-26s %-24s %-22s %s\n' "CRM calls per 1,000 burst leads: $t ($CRM_DELAY_MS ms)" \
      "$(calls $t) (w $(calls $t write) l $(calls $t lookup) t $(calls $t token))" "1000 (one per lead)" "$goal" "$BURST_LOAD"
  done
  lone_max=$(field p99_ms "$LONE")
  printf '%-44s %-26s %-24s %-22s %s\n' "a lone lead at an idle CRM: 202 to CRM write" \
    "$(field p50_ms "$LONE") / $lone_max ms (p50 / max)" "-" "< 500 ms $(verdict "$lone_max >= 0 && $lone_max < 500")" ""
  printf '%-44s %-26s %-24s %-22s %s\n' "start-up to ready (process start)" \
    "$START_MS ms (with CRMs $CRM_START_MS)" "$BASE_START_MS ms (port open)" "< 4000 ms $($E2E_ONLY && echo - || verdict "$START_MS < 4000")" "$START_LOAD"
  printf '%-44s %-26s %-24s %-22s %s\n' "RSS after the run" "$RSS_AFTER MB (with CRMs $CRM_RSS)" \
    "$BASE_RSS MB" "< 300 MB $($E2E_ONLY && echo - || verdict "$RSS_AFTER < 300")" "$CONN_LOAD"
  echo "Paced posts: $(field accepted "$PACED") of $(field sent "$PACED") accepted (202) within 30 s," \
    "intake p50 / p99 $(field p50_ms "$PACED") / $(field p99_ms "$PACED") ms."
  echo "RSS when ready: $RSS_READY MB. Burst: $(field accepted "$BURST_LINE")/$BURST accepted. Dead letters: $DEAD." \
    "Requests no stub matched: $UNMATCHED. Per-target end-to-end p99 (ms): salesforce $(field salesforce_p99_ms "$E2E")," \
    "marketo $(field marketo_p99_ms "$E2E"), dynamics $(field dynamics_p99_ms "$E2E")."
  echo "Lone leads: $(field delivered "$LONE") of $LONE_COUNT in all 3 CRMs; slowest per target (ms): salesforce" \
    "$(field salesforce_p99_ms "$LONE"), marketo $(field marketo_p99_ms "$LONE"), dynamics $(field dynamics_p99_ms "$LONE")."
  echo "Start-up to ready by JVM setup, Java 25 unless it says 17 (embedded defaults; the table's connector: $($PLAIN && echo 'java -jar, no options' || echo 'jvm.options + AOT cache, as the Dockerfile runs it')):"
  printf '%s\n' "${STARTUPS[@]}"
  if $PROFILE; then echo "JFR profile of the intake load: $OUT/profile.txt"; fi
} | tee "$TABLE"
[ "$UNMATCHED" = 0 ] || log "WARNING: $UNMATCHED CRM requests matched no stub in bench/wiremock/mappings (see $OUT)"
