#!/usr/bin/env bash
# The sample app end to end, on GoFlow's packages as a user would take them:
#   bash scripts/sample.sh
# packs every library project into samples/.packages (the samples' local feed), builds samples/Shop (an ASP.NET Core
# app with its own Refund workflow) and samples/Shop.Client (GoFlow.Client), starts the shop on 127.0.0.1 and a
# throwaway SQLite file, runs one refund through it with the client, and stops the shop. Exit status 0 only when the
# shop's runtimeconfig carries the thread pool's spin limit and the refund completed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

log() { echo "sample.sh: $*" >&2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/goflow-sample.XXXXXX")"
shop_pid=""
cleanup() {
    if [[ -n "$shop_pid" ]] && kill -0 "$shop_pid" 2>/dev/null; then
        kill "$shop_pid" 2>/dev/null || true
        wait "$shop_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# The same version is packed each run, so both the feed and the samples' own package cache start empty.
rm -rf samples/.packages samples/.packages-cache
dotnet pack GoFlow.sln -nologo -v q -c Debug -o samples/.packages >"$work/pack.log" 2>&1 || { cat "$work/pack.log" >&2; log "dotnet pack failed"; exit 1; }
for project in samples/Shop/Shop.csproj samples/Shop.Client/Shop.Client.csproj; do
    dotnet build "$project" -nologo -v q -c Debug >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; log "building $project failed"; exit 1; }
done

# The shop takes the thread pool's spin limit as GoFlow.Hosting's README tells a host to (ADR 0035): it is in the
# runtimeconfig the runtime reads at start, or nowhere.
runtime_config=samples/Shop/bin/Debug/net10.0/Shop.runtimeconfig.json
if ! python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["runtimeOptions"].get("configProperties", {}).get("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit") != 16)' "$runtime_config"; then
    cat "$runtime_config" >&2
    log "$runtime_config does not set System.Threading.ThreadPool.UnfairSemaphoreSpinLimit to 16 (GoFlow.Hosting's README)"
    exit 1
fi

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
address="http://127.0.0.1:$port"
dotnet samples/Shop/bin/Debug/net10.0/Shop.dll --urls "$address" --Sqlite:Path="$work/shop.db" >"$work/shop.log" 2>&1 &
shop_pid=$!

for _ in $(seq 1 900); do
    if curl -fs "$address/health/live" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$shop_pid" 2>/dev/null; then
        cat "$work/shop.log" >&2
        log "the shop exited during start-up"
        exit 1
    fi
    sleep 0.1
done

status=0
dotnet samples/Shop.Client/bin/Debug/net10.0/Shop.Client.dll "$address" || status=$?
if [[ $status -ne 0 ]]; then
    cat "$work/shop.log" >&2
    log "the refund did not complete (client exit code $status)"
fi
exit "$status"
