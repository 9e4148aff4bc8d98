#!/usr/bin/env bash
# The memory soak of issue 16: GoFlow.Host (Release build, roles Api and Worker) on MySQL, under a steady stream of
# POST /workflows from wrk, with retention on so that the tables stay bounded; the host's resident set is sampled every
# 10 s. Prints one line per sample: seconds since the load began, VmRSS in MB, and its three parts (anonymous: the GC's
# heap and native allocations; file: the mapped assemblies and native libraries; shared: the JIT-compiled code, which
# the runtime maps through a memfd). Then wrk's summary, the POSTs/s, the peak (VmHWM), and VmRSS's median and range
# from 120 s on, once retention deletes as fast as the load creates.
#
#   bash scripts/soak.sh [--host-dll <GoFlow.Host.dll>] [--port <n>] "<MySQL connection string with Database=>" \
#     [seconds=600] [wrk connections=4]
#
# --host-dll soaks another build of the host (a baseline) under the same load; --port (default 18093) lets two soaks
# run side by side, each with its own database. Needs `dotnet build -c Release GoFlow.Host/GoFlow.Host.csproj` and wrk
# (apt-get install -y wrk). Binds 127.0.0.1 only, and stops the host and wrk it started, whatever happens.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
host_dll="$root/GoFlow.Host/bin/Release/net10.0/GoFlow.Host.dll"
port=18093
while [[ $# -gt 0 && "$1" == --* ]]; do
  case "$1" in
    --host-dll) host_dll="${2:?--host-dll needs a path}"; shift 2 ;;
    --port) port="${2:?--port needs a number}"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
connection="${1:?a MySQL connection string with Database=}"
seconds="${2:-600}"
connections="${3:-4}"
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

echo "host: $host_dll"
echo "seconds rss_mb anon_mb file_mb shmem_mb"
for ((elapsed = 0; elapsed <= seconds; elapsed += 10)); do
  awk -v s="$elapsed" '/^VmRSS/ {r = $2} /^RssAnon/ {a = $2} /^RssFile/ {f = $2} /^RssShmem/ {m = $2}
    END {printf "%d %d %d %d %d\n", s, r / 1024, a / 1024, f / 1024, m / 1024}' "/proc/$host_pid/status" | tee -a "$work/rss.txt"
  sleep 10
done

wait "$wrk_pid" || true
wrk_pid=""
cat "$work/wrk.txt"
echo "POSTs/s: $(awk '/^Requests\/sec/ {printf "%d", $2}' "$work/wrk.txt")"
echo "host peak (VmHWM): $(awk '/VmHWM/ {printf "%d MB", $2 / 1024}' "/proc/$host_pid/status")"
awk '$1 >= 120 {print $2}' "$work/rss.txt" | sort -n | awk '{v[NR] = $1}
  END {if (NR) printf "VmRSS from 120 s on: median %d MB, %d-%d MB (%d samples)\n", v[int((NR + 1) / 2)], v[1], v[NR], NR}'
