#!/usr/bin/env bash
# The Dockerfile's runtime steps, run outside Docker (no image can be built on the build machine):
# lays out /app as the image does (app.jar, routes/, application.yaml, application-azure.yaml, a
# writable data/ and nothing else writable), exports the image's ENV lines, starts the ENTRYPOINT
# as an unprivileged user when run as root, waits for the HEALTHCHECK command to pass, posts a lead
# and finds it archived under data/, and that the start used the AOT cache the RUN steps wrote. Run by
# `mvn verify` after the jar is packaged.
set -euo pipefail
cd "$(dirname "$0")/../../.."
DOCKERFILE=${DOCKERFILE:-Dockerfile}
JAR=$(ls target/lead-connector-*.jar | grep -v original | head -1)
fail() { echo "container-steps: $*" >&2; exit 1; }
# the image's java (eclipse-temurin:25-jre): the Java 25 that Maven's toolchain selected (its home)
if [[ -n ${TOOLCHAIN_JAVA:-} ]]; then
  PATH=$TOOLCHAIN_JAVA/bin:$PATH
fi

# issue 26, item 4: started from a folder without application.yaml and routes/, the jar says so in one
# line naming that folder and ends, instead of a long trace
EMPTY=$(mktemp -d)
status=0
(cd "$EMPTY" && timeout 60 java -jar "$OLDPWD/$JAR") >"$EMPTY.out" 2>&1 || status=$?
said=$(grep -v "^Picked up " "$EMPTY.out" || true); rm -rf "$EMPTY" "$EMPTY.out"
[[ $status == 2 ]] || fail "the jar started from an empty folder ended with $status, not 2: $said"
[[ $(printf '%s\n' "$said" | grep -c .) == 1 && $said == *"cannot start: no application.yaml and no routes/ folder in $EMPTY "* ]] \
  || fail "the jar started from an empty folder did not say in one line what it missed: $said"

# the runtime stage: everything after the last FROM
RUNTIME=$(awk '/^FROM /{stage=""} {stage = stage $0 "\n"} END {printf "%s", stage}' "$DOCKERFILE")
HEALTHCHECK=$(printf '%s\n' "$RUNTIME" | sed -n '/^HEALTHCHECK/,/[^\\]$/p' | tr -d '\\\n' | sed -E 's/.*CMD +//')
[[ -n "$HEALTHCHECK" ]] || fail "no HEALTHCHECK in the runtime stage"
tool=${HEALTHCHECK%% *}
if ! printf '%s\n' "$RUNTIME" | grep -Eq "apt-get install.* $tool( |$)" && [[ $tool != java ]]; then
  fail "HEALTHCHECK runs $tool, which the runtime stage does not install (JRE base images do not ship it)"
fi
printf '%s\n' "$RUNTIME" | grep -q '^USER ' || fail "the runtime stage does not switch to a non-root user"

APP=$(mktemp -d)
PID=
cleanup() {
  local status=$?
  if [[ -n $PID ]]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi
  rm -rf "$APP"
  exit "$status"
}
trap cleanup EXIT
chmod 755 "$APP"
# The runtime stage's COPY, ENV and RUN lines in their order, /app being $APP: COPY --from=build
# ... app.jar is the packaged jar; ENV as docker run sets it; the RUN lines after the first COPY (the
# application's own steps, such as the class-data sharing archive) run in $APP, as docker build
# runs them in WORKDIR /app. The RUN lines before it install system packages and are left out.
copied=false
while IFS= read -r line; do
  case $line in
    COPY\ *)
      read -r -a parts <<<"$line"
      parts=("${parts[@]:1}")
      dest=${parts[-1]}
      unset 'parts[-1]'
      if [[ ${parts[0]} == --from=* ]]; then cp "$JAR" "$APP/$dest"
      else for src in "${parts[@]}"; do cp -r "$src" "$APP/$dest"; done
      fi
      copied=true ;;
    ENV\ *) eval "export ${line#ENV }" ;;
    RUN\ *)
      if $copied; then
        (cd "$APP" && bash -euo pipefail -c "${line#RUN }") >>"$APP/build.log" 2>&1 \
          || { tail -50 "$APP/build.log"; fail "RUN failed: ${line#RUN }"; }
      fi ;;
  esac
done < <(printf '%s\n' "$RUNTIME" | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')
[[ -e $APP/data ]] || mkdir "$APP/data"
for f in routes application.yaml application-azure.yaml; do [[ -e $APP/$f ]] || fail "/app/$f missing"; done

free_port() {
  # below the ephemeral range, where no client connection of another process can take it meanwhile
  local port low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  while :; do
    port=$((10000 + RANDOM % (low - 10000)))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
# docker run -e ...: loopback ports of our own instead of 8080/8081
export SERVER_PORT=$(free_port) MANAGEMENT_SERVER_PORT=$(free_port)
export SERVER_ADDRESS=127.0.0.1 MANAGEMENT_SERVER_ADDRESS=127.0.0.1
HEALTHCHECK=${HEALTHCHECK//8081/$MANAGEMENT_SERVER_PORT}
read -r -a ENTRYPOINT < <(printf '%s\n' "$RUNTIME" | sed -n 's/^ENTRYPOINT \[\(.*\)\]/\1/p' | sed 's/", *"/ /g; s/"//g; s#/app/#'"$APP"'/#g')

AS=()
if [[ $(id -u) == 0 ]] && id nobody >/dev/null 2>&1; then
  # like the image's USER 10001:10001: only data/ belongs to the process's user
  chown nobody "$APP/data"
  AS=(setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups)
fi
(cd "$APP" && exec "${AS[@]}" "${ENTRYPOINT[@]}" > "$APP/app.log" 2>&1) &
PID=$!

deadline=$((SECONDS + 90))
until bash -c "$HEALTHCHECK" >/dev/null 2>&1; do
  kill -0 "$PID" 2>/dev/null || { tail -50 "$APP/app.log"; fail "the connector exited"; }
  (( SECONDS < deadline )) || { tail -50 "$APP/app.log"; fail "HEALTHCHECK never passed"; }
  sleep 1
done
grep -q "Picked up JAVA_TOOL_OPTIONS" "$APP/app.log" || fail "JAVA_TOOL_OPTIONS was not picked up"
# a cache the JVM cannot map (another JDK build, another jar path) costs the start-up silently but for
# these lines
if grep -E '\]\[(warning|error) *\]\[(aot|cds)\]' "$APP/app.log"; then fail "the start did not use the AOT cache of the RUN steps"; fi

answer=$(curl -fsS -H 'Content-Type: application/json' --data-binary @src/test/resources/fixtures/leads/azure-marketplace-ins.json \
  "http://127.0.0.1:$SERVER_PORT/leads")
id=$(printf '%s' "$answer" | sed -E 's/.*"id" *: *"([^"]+)".*/\1/')
for _ in $(seq 1 60); do
  [[ -f $APP/data/leads/$id.json ]] && break
  sleep 0.5
done
[[ -f $APP/data/leads/$id.json ]] || { tail -50 "$APP/app.log"; fail "lead $id was not archived under data/leads"; }
echo "container-steps: image layout, ENV, ENTRYPOINT as ${AS[*]:-the current user}, HEALTHCHECK and one lead all OK"
