#!/usr/bin/env bash
# Makes Temporal's Java time-skipping test server runnable without the SDK
# downloading anything: resolves io.temporal:temporal-test-server (pom.xml beside
# this file) from Maven Central into the local Maven repository, writes its runtime
# classpath to .cache/time-skipping/classpath.txt and dumps an AppCDS archive
# (.cache/time-skipping/app.jsa) so the JVM opens its port well inside the SDK's
# ~5 s start-up window. Idempotent: when nothing changed it returns in well under
# a second. Prints the wrapper's path (scripts/time-skipping/test-server) on stdout;
# progress and errors go to stderr.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${TIME_SKIPPING_CACHE_DIR:-$root/.cache/time-skipping}"
wrapper="$here/test-server"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

say() { echo "time-skipping: $*" >&2; }
die() { say "error: $*"; exit 1; }

if ! command -v "$java" >/dev/null 2>&1; then
  die "java not found (JAVA_HOME=${JAVA_HOME:-unset}). Install a JDK 11 or newer, e.g. 'apt-get install openjdk-17-jdk-headless', or set JAVA_HOME."
fi

mkdir -p "$cache"
# One ensure at a time (parallel jest workers, two shells).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache/.lock"
  flock 9
fi

# Everything the outputs depend on: the pom, the wrapper's JVM flags, the JVM itself.
stamp="$( { cat "$here/pom.xml" "$wrapper"; "$java" -version 2>&1; } | sha256sum | cut -d' ' -f1)"

up_to_date() {
  [ -s "$cache/classpath.txt" ] && [ -f "$cache/stamp" ] && [ "$(<"$cache/stamp")" = "$stamp" ] || return 1
  local jar
  local IFS=:
  for jar in $(<"$cache/classpath.txt"); do [ -f "$jar" ] || return 1; done
  return 0
}

if up_to_date; then
  echo "$wrapper"
  exit 0
fi

if ! command -v mvn >/dev/null 2>&1; then
  die "mvn not found. Install Maven 3.6 or newer, e.g. 'apt-get install maven'; it resolves io.temporal:temporal-test-server from Maven Central."
fi

rm -f "$cache/stamp" "$cache/app.jsa"
started=$SECONDS
say "resolving io.temporal:temporal-test-server with Maven (first run downloads ~60 MB) ..."
if ! mvn -q -B -f "$here/pom.xml" dependency:build-classpath \
  -Dmdep.includeScope=runtime -Dmdep.outputFile="$cache/classpath.txt.tmp" >"$cache/mvn.log" 2>&1; then
  tail -n 40 "$cache/mvn.log" >&2
  die "Maven could not resolve the test server (full log: $cache/mvn.log)"
fi
mv "$cache/classpath.txt.tmp" "$cache/classpath.txt"
say "classpath ready in $((SECONDS - started)) s"

# AppCDS: start the server once, let it serve one gRPC call (what the SDK's readiness
# probe does), stop it; the JVM writes the classes it loaded to app.jsa on exit.
# The wrapper works without the archive, only slower to start.
port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})' 2>/dev/null || echo 17999)"
TIME_SKIPPING_CDS_DUMP="$cache/app.jsa" "$wrapper" "$port" >"$cache/cds.log" 2>&1 &
pid=$!
ready=0
for _ in $(seq 1 300); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then ready=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ "$ready" = 1 ] && command -v curl >/dev/null 2>&1; then
  # An empty protobuf message in a gRPC frame: GetSystemInfo, as the SDK's probe calls it.
  printf '\0\0\0\0\0' | curl -s -o /dev/null --max-time 10 --http2-prior-knowledge \
    -H 'content-type: application/grpc' -H 'te: trailers' --data-binary @- \
    "http://127.0.0.1:$port/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo" || true
fi
kill -TERM "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
if [ "$ready" = 1 ] && [ -s "$cache/app.jsa" ]; then
  say "class-data-sharing archive written ($cache/app.jsa)"
else
  rm -f "$cache/app.jsa"
  say "warning: no class-data-sharing archive (see $cache/cds.log); the server still runs, only slower to start"
fi

echo "$stamp" >"$cache/stamp"
say "ready in $((SECONDS - started)) s: $wrapper"
echo "$wrapper"
