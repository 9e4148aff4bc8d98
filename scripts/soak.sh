#!/usr/bin/env bash
# The memory soak of issue 16: GoFlow.Host (Release build, roles Api and Worker) on MySQL, under a steady stream of
# POST /workflows from wrk, with retention on so that the tables stay bounded; the host's resident set is sampled every
# 10 s. Prints one line per sample (seconds since the load began, VmRSS in MB), then wrk's summary and the peak.
#
#   bash scripts/soak.sh "<MySQL connection string with Database=>" [seconds=600] [wrk connections=4]
#
# Needs `dotnet build -c Release GoFlow.Host/GoFlow.Host.csproj` and wrk (apt-get install -y wrk). Binds 127.0.0.1
# only, and stops the host and wrk it started, whatever happens.
set -euo pipefail

connection="${1:?a MySQL connection string with Database=}"
seconds="${2:-600}"
connections="${3:-4}"
port=18093
root="$(cd "$(dirname "$0")/.." && pwd)"
host_dll="$root/GoFlow.Host/bin/Release/net10.0/GoFlow.Host.dll"
work="$(mktemp -d)"
host_pid=""
wrk_pid=""

stop() {
  [[ -n "$wrk_pid" ]] && kill "$wrk_pid" 2>/dev/null || true
  [[ -n "$host_pid" ]] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"workflow_name":"UserOnboarding","input_payload":{"email":"soak@example.com"}}'
LUA

MySql__ConnectionString="$connection" Server__Host=127.0.0.1 Server__Port=$port \
  Logging__LogLevel__Default=Warning Retention__MaxAge=00:01:00 Retention__Interval=00:00:05 Retention__BatchSize=2000 \
  dotnet "$host_dll" > "$work/host.log" 2>&1 &
host_pid=$!

for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/health/ready" > /dev/null || { cat "$work/host.log"; exit 1; }

wrk -t2 -c"$connections" -d"${seconds}s" -s "$work/post.lua" "http://127.0.0.1:$port/workflows" > "$work/wrk.txt" &
wrk_pid=$!

echo "seconds rss_mb"
for ((elapsed = 0; elapsed <= seconds; elapsed += 10)); do
  echo "$elapsed $(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$host_pid/status")"
  sleep 10
done

wait "$wrk_pid" || true
wrk_pid=""
cat "$work/wrk.txt"
echo "host peak (VmHWM): $(awk '/VmHWM/ {printf "%d MB", $2 / 1024}' "/proc/$host_pid/status")"
