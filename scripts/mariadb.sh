#!/usr/bin/env bash
# A throwaway MariaDB for development and tests, bound to 127.0.0.1 only.
#
#   scripts/mariadb.sh start    start (or reuse) the server and print its settings as export lines
#   scripts/mariadb.sh stop     stop the server this script started (no-op when none runs)
#   scripts/mariadb.sh status   say whether it runs (exit 0 when it does, 1 when not)
#   scripts/mariadb.sh env      print the export lines only
#
# Usage: eval "$(scripts/mariadb.sh start)"
# Settings: GOFLOW_DB_DIR (default <repo>/.goflow/mariadb), GOFLOW_DB_PORT (default 3307),
#           GOFLOW_DB_BUFFER_POOL (innodb_buffer_pool_size of a server this script starts, in bytes or with a K, M or G
#           suffix; default 128M, MariaDB's own default; a server already running keeps the size it was started with).
# Only the export lines go to stdout; every diagnostic goes to stderr so that eval sees nothing else.
set -euo pipefail
# Job control off, whoever called us: a background job must not lead its own process group, or setsid (below) would
# fork and $! would no longer be the server's pid.
set +m

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
db_dir="${GOFLOW_DB_DIR:-$repo_root/.goflow/mariadb}"
db_port="${GOFLOW_DB_PORT:-3307}"
db_buffer_pool="${GOFLOW_DB_BUFFER_POOL:-128M}"
socket="$db_dir/mysqld.sock"
pid_file="$db_dir/mysqld.pid"
log_file="$db_dir/mysqld.log"
# The server's temporary files (sorts, large result sets) stay beside its data, not in the shared /tmp, where another
# program's clean-up once deleted one under a running benchmark's read. Not inside the data directory: the server would
# list a directory there as a database.
tmp_dir="$db_dir.tmp"
start_deadline_seconds=60
stop_deadline_seconds=60

db_user=goflow
db_password=goflow
db_name=goflow

log() { echo "mariadb.sh: $*" >&2; }

usage() {
    echo "usage: $0 start|stop|status|env" >&2
    exit 2
}

print_env() {
    cat <<EOF
export GOFLOW_TEST_MYSQL='Server=127.0.0.1;Port=$db_port;User ID=$db_user;Password=$db_password'
export DB_HOST=127.0.0.1
export DB_PORT=$db_port
export DB_USERNAME=$db_user
export DB_PASSWORD=$db_password
export DB_NAME=$db_name
EOF
}

# Whether a process runs. A killed server can linger as a zombie until whoever inherited it reaps it; that counts as gone.
alive() {
    local state
    state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" || return 1
    [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# The pid of the server running from this data directory, or nothing.
running_pid() {
    [[ -f "$pid_file" ]] || return 0
    local pid
    pid="$(tr -d '[:space:]' <"$pid_file")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 0
    # A stale pid file can name a pid that was reused by another program: only a mariadbd counts.
    if alive "$pid" && [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == mariadbd ]]; then
        echo "$pid"
    fi
}

ping_server() {
    mariadb-admin --socket="$socket" --user=root ping >/dev/null 2>&1
}

install_server() {
    if command -v mariadbd >/dev/null 2>&1 || [[ -x /usr/sbin/mariadbd ]]; then
        return
    fi
    if [[ "$(id -u)" -ne 0 ]]; then
        log "mariadbd is not installed and installing it needs root: apt-get install -y mariadb-server"
        exit 1
    fi
    log "installing mariadb-server"
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y mariadb-server >&2
    # The package starts its own service on the default port; this script runs its own server instead.
    if command -v service >/dev/null 2>&1; then
        service mariadb stop >&2 || true
    fi
}

start() {
    install_server
    # Debian puts mariadbd in /usr/sbin, which a non-login root shell may not have on PATH.
    export PATH="$PATH:/usr/sbin"

    if [[ ! "$db_buffer_pool" =~ ^[0-9]+[KMGkmg]?$ ]]; then
        log "GOFLOW_DB_BUFFER_POOL must be a size in bytes or with a K, M or G suffix (128M, 1G), got '$db_buffer_pool'"
        exit 2
    fi

    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" ]]; then
        wait_until_ready "$pid"
        # It may have been started with another GOFLOW_DB_PORT or buffer pool: print what it really runs with.
        local running
        running="$(mariadb --socket="$socket" --user=root --batch --skip-column-names \
            -e 'SELECT CONCAT(@@port, " ", @@innodb_buffer_pool_size DIV 1048576)')"
        db_port="${running%% *}"
        log "reusing the server already running from $db_dir (pid $pid, port $db_port, buffer pool ${running##* } MiB)"
        print_env
        return
    fi

    if [[ ! -d "$db_dir/mysql" ]]; then
        log "initialising $db_dir"
        mkdir -p "$db_dir"
        local install_log="$db_dir/install.log"
        mariadb-install-db --user="$(id -un)" --datadir="$db_dir" \
            --auth-root-authentication-method=normal >"$install_log" 2>&1 || {
            log "mariadb-install-db failed; last lines of $install_log:"
            tail -n 20 "$install_log" >&2
            exit 1
        }
    fi

    mkdir -p "$tmp_dir"
    log "starting mariadbd on 127.0.0.1:$db_port, buffer pool $db_buffer_pool (log: $log_file)"
    # setsid detaches the server from the caller's session, so it outlives `eval "$(...)"` and Ctrl+C
    # in the calling terminal; innodb_flush_log_at_trx_commit stays at its durable default (1).
    setsid mariadbd --no-defaults --user="$(id -un)" --datadir="$db_dir" --port="$db_port" \
        --bind-address=127.0.0.1 --socket="$socket" --skip-name-resolve --pid-file="$pid_file" \
        --log-error="$log_file" --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
        --max-connections=500 --innodb-buffer-pool-size="$db_buffer_pool" --tmpdir="$tmp_dir" </dev/null >"$db_dir/mysqld.out" 2>&1 &
    local launched=$!

    wait_until_ready "$launched"

    # skip-name-resolve means a TCP client from 127.0.0.1 matches only a user whose host is that address.
    mariadb --socket="$socket" --user=root <<SQL
CREATE USER IF NOT EXISTS '$db_user'@'127.0.0.1' IDENTIFIED BY '$db_password';
GRANT ALL PRIVILEGES ON *.* TO '$db_user'@'127.0.0.1' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS \`$db_name\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
FLUSH PRIVILEGES;
SQL
    log "ready"
    print_env
}

# Polls the server until it answers, failing fast when the process died and at the deadline otherwise.
wait_until_ready() {
    local pid=$1
    local deadline=$((SECONDS + start_deadline_seconds))
    until ping_server; do
        if ! alive "$pid"; then
            log "mariadbd exited during start-up; last lines of $log_file and $db_dir/mysqld.out:"
            tail -n 30 "$log_file" >&2 2>/dev/null || true
            tail -n 30 "$db_dir/mysqld.out" >&2 2>/dev/null || true
            exit 1
        fi
        if ((SECONDS >= deadline)); then
            log "mariadbd did not answer within ${start_deadline_seconds}s; last lines of $log_file:"
            tail -n 30 "$log_file" >&2 2>/dev/null || true
            exit 1
        fi
        sleep 0.2
    done
}

stop() {
    local pid
    pid="$(running_pid)"
    if [[ -z "$pid" ]]; then
        log "no server runs from $db_dir"
        return
    fi
    log "stopping mariadbd (pid $pid)"
    kill -TERM "$pid"
    local deadline=$((SECONDS + stop_deadline_seconds))
    while alive "$pid"; do
        if ((SECONDS >= deadline)); then
            log "mariadbd (pid $pid) did not exit within ${stop_deadline_seconds}s"
            exit 1
        fi
        sleep 0.2
    done
    log "stopped"
}

status() {
    local pid
    pid="$(running_pid)"
    if [[ -n "$pid" ]] && ping_server; then
        echo "running (pid $pid, 127.0.0.1:$db_port, data $db_dir)"
    else
        echo "not running"
        return 1
    fi
}

[[ $# -eq 1 ]] || usage
case "$1" in
    start) start ;;
    stop) stop ;;
    status) status ;;
    env) print_env ;;
    *) usage ;;
esac
