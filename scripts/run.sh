#!/usr/bin/env bash
# Starts the throwaway MariaDB (scripts/mariadb.sh) and runs GoFlow on it, by default on http://127.0.0.1:8080.
# The database stops when the service exits (Ctrl+C included), unless it was already running before.
#
#   bash scripts/run.sh [arguments for the service]
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

started_database=false
stop_database() {
    if [[ "$started_database" == true ]]; then
        started_database=false
        bash scripts/mariadb.sh stop || echo "run.sh: could not stop the database" >&2
    fi
}
trap stop_database EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A server that already runs belongs to someone else: reuse it, and leave it running.
if ! bash scripts/mariadb.sh status >/dev/null 2>&1; then
    started_database=true
fi
# Assigned first: `eval "$(...)"` would hide a failed start behind eval's own success.
database_env="$(bash scripts/mariadb.sh start)"
eval "$database_env"

# DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD and DB_NAME come from the export lines above.
dotnet run --project GoFlow.Host -- "$@"
