#!/usr/bin/env bash
# Runs every test project of GoFlow.sln against a real MariaDB and ends with one line:
#   N passed, N failed[, N skipped]
#
#   bash scripts/test.sh [--coverage]
#
# --coverage also measures line and branch coverage of the production assemblies (coverlet, tests/coverage.runsettings)
# and merges it into coverage/ (Cobertura.xml, index.html; scripts/coverage-report.sh), printing a table per assembly
# before the last line. A report that cannot be made fails the run.
#
# The database: when GOFLOW_TEST_MYSQL is set, its server is used and nothing is started. Otherwise
# scripts/mariadb.sh starts a throwaway server, and this script stops it again on every exit (success,
# failure, Ctrl+C). A server already running from the same data directory is reused and left running.
#
# The counts come from one TRX file per test project. Exit status: 0 only when the solution built, every
# test project ran to the end and reported, at least one test ran and none failed.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

log() { echo "test.sh: $*" >&2; }

coverage=false
for argument in "$@"; do
    case "$argument" in
        --coverage) coverage=true ;;
        *) log "unknown argument $argument (usage: bash scripts/test.sh [--coverage])"; exit 2 ;;
    esac
done
coverage_args=()
if [[ "$coverage" == true ]]; then
    coverage_args=(--settings tests/coverage.runsettings --collect "XPlat Code Coverage")
fi

results_dir="$(mktemp -d "${TMPDIR:-/tmp}/goflow-test-results.XXXXXX")"
started_database=false

stop_database() {
    if [[ "$started_database" == true ]]; then
        started_database=false
        bash scripts/mariadb.sh stop || log "could not stop the database this run started"
    fi
}

cleanup() {
    local status=$?
    stop_database
    rm -rf "$results_dir"
    exit "$status"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

if [[ -n "${GOFLOW_TEST_MYSQL:-}" ]]; then
    log "using the database server given in GOFLOW_TEST_MYSQL"
else
    # Only a server this run starts is stopped at the end; one that already runs belongs to someone else.
    if ! bash scripts/mariadb.sh status >/dev/null 2>&1; then
        started_database=true
    fi
    # Assigned first: `eval "$(...)"` would hide a failed start behind eval's own success. Only GOFLOW_TEST_MYSQL is
    # taken: the DB_* lines would make every test host choose MySQL, the SQLite ones included.
    database_env="$(bash scripts/mariadb.sh start)"
    eval "$(grep '^export GOFLOW_TEST_MYSQL=' <<<"$database_env")"
fi
export GOFLOW_TEST_MYSQL

# The dashboard's browser tests drive Debian's Chromium (Playwright's own browser downloads are not used). Without it they
# fail under CI=true, so it is installed here when missing, as scripts/mariadb.sh installs the database server.
chromium_path=/usr/bin/chromium
if [[ ! -x "$chromium_path" ]]; then
    if [[ "$(id -u)" -eq 0 ]]; then
        log "installing chromium for the dashboard's browser tests"
        apt-get update >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y chromium >&2
    else
        log "$chromium_path is missing and installing it needs root: apt-get install -y chromium"
    fi
fi

if ! dotnet build GoFlow.sln -nologo; then
    log "the build failed, so no test ran"
    exit 1
fi

# The test projects: every project of the solution that MSBuild says is one (tests/GoFlow.TestSupport is not).
test_projects=()
while IFS= read -r project; do
    if [[ "$(dotnet msbuild "$project" -nologo -getProperty:IsTestProject)" == true ]]; then
        test_projects+=("$project")
    fi
done < <(dotnet sln GoFlow.sln list | grep -E '\.csproj$' | tr '\\' '/' | sort)

if [[ ${#test_projects[@]} -eq 0 ]]; then
    log "GoFlow.sln has no test project"
    exit 1
fi

# The value of one attribute of the TRX <Counters> element (0 when absent).
counter() {
    local trx=$1 name=$2 value
    value="$(grep -o '<Counters [^>]*' "$trx" | grep -o " $name=\"[0-9]*\"" | grep -o '[0-9][0-9]*' || true)"
    echo "${value:-0}"
}

passed=0
failed=0
skipped=0
incomplete=()

for project in "${test_projects[@]}"; do
    name="$(basename "$project" .csproj)"
    trx="$results_dir/$name/$name.trx"
    log "running $name"
    run_status=0
    dotnet test "$project" --no-build --nologo \
        --results-directory "$results_dir/$name" \
        --logger "trx;LogFileName=$name.trx" "${coverage_args[@]}" || run_status=$?

    if [[ ! -f "$trx" ]]; then
        log "$name reported no results (exit code $run_status): its test host failed to start or crashed"
        incomplete+=("$name")
        continue
    fi

    project_passed="$(counter "$trx" passed)"
    # Errors, timeouts and aborted tests are failures too.
    project_failed=$(($(counter "$trx" failed) + $(counter "$trx" error) + $(counter "$trx" timeout) + $(counter "$trx" aborted)))
    # Whatever neither passed nor failed (ignored, inconclusive, not run); TRX's own notExecuted stays 0 for NUnit's ignored.
    project_skipped=$(($(counter "$trx" total) - project_passed - project_failed))
    if [[ $project_skipped -lt 0 ]]; then
        project_skipped=0
    fi
    passed=$((passed + project_passed))
    failed=$((failed + project_failed))
    skipped=$((skipped + project_skipped))
    log "$name: $project_passed passed, $project_failed failed, $project_skipped skipped"

    # A non-zero exit with no failed test means the run broke off (a crashed test host): its counts are partial.
    if [[ $run_status -ne 0 && $project_failed -eq 0 ]]; then
        log "$name exited with code $run_status without a failed test: the run did not complete"
        incomplete+=("$name")
    fi
done

# --- The sample app (issue 14): GoFlow's packages from a local feed, a refund end to end on SQLite (scripts/sample.sh).
# It counts as one test.
log "running the sample app on the packages (scripts/sample.sh)"
if bash scripts/sample.sh; then
    passed=$((passed + 1))
    log "sample app: 1 passed"
else
    failed=$((failed + 1))
    log "sample app: 1 failed"
fi
# --- end of the sample app

# A project that did not complete counts as one failure, so that it can never read as "0 failed".
failed=$((failed + ${#incomplete[@]}))
if [[ ${#incomplete[@]} -gt 0 ]]; then
    log "test projects that did not complete (each counted as 1 failed): ${incomplete[*]}"
fi

summary="$passed passed, $failed failed"
if [[ $skipped -gt 0 ]]; then
    summary="$summary, $skipped skipped"
fi

status=0
if [[ $failed -gt 0 ]]; then
    status=1
elif [[ $passed -eq 0 ]]; then
    log "no test ran"
    status=1
fi

if [[ "$coverage" == true ]] && ! bash scripts/coverage-report.sh "$results_dir" coverage; then
    log "the coverage report could not be made"
    status=1
fi

# Stopped before the summary, so that the summary really is the last line of the output.
stop_database
echo "$summary"
exit "$status"
