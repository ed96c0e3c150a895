#!/usr/bin/env bash
# What a JFR recording's samples were doing, by package: bench/jfr-top.sh FILE.jfr [N=20]
#   thread: samples per thread kind (digits in thread names become #)
#   self:   the package of the frame that was running (where the CPU went)
#   owner:  the first package on the stack that is not the JDK's (who that JDK time was for)
#   library: the same, cut to three name parts (org.apache.camel, com.fasterxml.jackson)
#   total:  the packages anywhere on the stack (what the work was done for)
#   method: the running method
# for jdk.ExecutionSample (threads on CPU) and jdk.NativeMethodSample (threads in native code, such as
# fsync or file creation; threads idle in epoll or accept are left out).
set -eu
FILE=$1 N=${2:-20}
# the Java 25 jfr tool: the connector runs on Java 25, and an older tool cannot read its recordings
JFR=${JAVA25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jfr
[ -x "$JFR" ] || JFR=jfr
samples() {
  "$JFR" print --events "$1" --stack-depth 64 "$FILE" | awk '
    function pkg(frame,   q, parts, n, i, p) {
      q = frame; sub(/\(.*/, "", q); n = split(q, parts, ".")
      p = parts[1]; for (i = 2; i <= n - 2; i++) p = p "." parts[i]
      return n > 2 ? p : q
    }
    /sampledThread = / { t = $0; sub(/.*sampledThread = "/, "", t); sub(/".*/, "", t); gsub(/[0-9]+/, "#", t) }
    /stackTrace = \[/ { inStack = 1; depth = 0; next }
    inStack && /^[ \t]*\]/ {
      inStack = 0
      if (depth == 0 || frames[1] ~ /EPoll\.wait|Net\.accept/) next
      samples++; threads[t]++; self[pkg(frames[1])]++; top[frames[1]]++
      delete seen; owned = 0
      for (i = 1; i <= depth; i++) {
        p = pkg(frames[i])
        if (!owned && frames[i] !~ /^(java|javax|jdk|sun)\./) {
          owner[p]++; owned = 1
          n = split(p, parts, "."); lib = parts[1] "." parts[2] (n > 2 ? "." parts[3] : ""); library[lib]++
        }
        if (!(p in seen)) { seen[p] = 1; total[p]++ }
      }
      next
    }
    inStack {
      f = $0; sub(/^[ \t]+/, "", f); sub(/ line: .*/, "", f)
      if (f != "...") frames[++depth] = f
    }
    END {
      printf "samples\t%d\n", samples
      for (k in threads) printf "thread\t%d\t%.1f%%\t%s\n", threads[k], 100 * threads[k] / samples, k
      for (k in self) printf "self\t%d\t%.1f%%\t%s\n", self[k], 100 * self[k] / samples, k
      for (k in owner) printf "owner\t%d\t%.1f%%\t%s\n", owner[k], 100 * owner[k] / samples, k
      for (k in library) printf "library\t%d\t%.1f%%\t%s\n", library[k], 100 * library[k] / samples, k
      for (k in total) printf "total\t%d\t%.1f%%\t%s\n", total[k], 100 * total[k] / samples, k
      for (k in top) printf "method\t%d\t%.1f%%\t%s\n", top[k], 100 * top[k] / samples, k
    }'
}
show() {   # KIND TITLE
  echo "== $2"
  grep "^$1	" "$TMP" | sort -t'	' -k2,2nr | head -"$N" | cut -f2- | column -t -s'	' || true
}
TMP=$(mktemp); trap 'rm -f "$TMP"' EXIT
for event in jdk.ExecutionSample jdk.NativeMethodSample; do
  samples $event >"$TMP"
  echo; echo "######## $event: $(grep '^samples' "$TMP" | cut -f2) samples"
  show thread "by thread"
  show self "by package of the running frame (self)"
  show owner "by first non-JDK package on the stack (who the JDK time was for)"
  show library "by first non-JDK library on the stack (owner cut to three name parts)"
  show total "by package anywhere on the stack (total)"
  show method "by running method"
done
