#!/usr/bin/env bash
# Make sure the services the tests use are up on this machine:
#   MariaDB   127.0.0.1:3306, user root, no password
#   RabbitMQ  127.0.0.1:5672, guest/guest
# Installs mariadb-server / rabbitmq-server with apt-get when they are missing
# and starts them without systemd when they are down. Idempotent: when both
# answer already it only checks.
#
# Exit codes: 0 both up, 2 a service could not be installed or did not come up.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly MARIADB_WAIT=60
readonly RABBITMQ_WAIT=90
readonly LOG_DIR="${TMPDIR:-/tmp}"

log() { printf '[services] %s\n' "$*"; }
fail() { printf '[services] ERROR: %s\n' "$*" >&2; exit 2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    if [ -t 0 ]; then sudo "$@"; else sudo -n "$@"; fi
  else
    fail "need root to run '$*': run this script as root or install sudo"
  fi
}

installed() { dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null | grep -qx installed; }

APT_UPDATED=0
apt_install() {
  local opts=(-y -q -o DPkg::Lock::Timeout=300)
  if [ "$APT_UPDATED" -eq 0 ]; then
    as_root env DEBIAN_FRONTEND=noninteractive apt-get "${opts[@]}" update || fail "apt-get update failed"
    APT_UPDATED=1
  fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get "${opts[@]}" install "$@" || fail "apt-get install $* failed"
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND once a second.
wait_for() {
  local limit=$1 what=$2 i
  shift 2
  for ((i = 0; i < limit; i++)); do
    if "$@"; then
      log "$what is up (after ${i}s)"
      return 0
    fi
    sleep 1
  done
  return 1
}

show_log() { # show_log FILE: the end of a service's log, to explain a failure
  if [ -r "$1" ]; then
    printf '[services] --- last lines of %s ---\n' "$1" >&2
    tail -n 20 "$1" >&2 || true
  fi
}

tcp_open() { timeout 2 bash -c ": </dev/tcp/127.0.0.1/$1" 2>/dev/null; }

# --- MariaDB ------------------------------------------------------------------
# ping answers 0 even on "access denied", but not when the server refuses the
# host outright (a fresh data directory has no root@127.0.0.1): then a
# listening port 3306 counts as alive, and the login check below fixes access.
mariadb_alive() {
  mariadb-admin -uroot -h127.0.0.1 -P3306 --connect-timeout=2 ping >/dev/null 2>&1 || tcp_open 3306
}
mariadb_login() { mariadb -uroot -h127.0.0.1 -P3306 --connect-timeout=2 -e 'SELECT 1' >/dev/null 2>&1; }

# A fresh Debian install lets root in only through the Unix socket
# (unix_socket auth); the tests connect over TCP as root with no password.
mariadb_allow_tcp_root() {
  log "root cannot log in over TCP without a password: allowing it (test machine set-up)"
  local sql="CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;"
  as_root mariadb -uroot --protocol=socket -e "$sql" ||
    fail "could not grant root@127.0.0.1 through the Unix socket"
  mariadb_login && return 0
  # Without skip-name-resolve 127.0.0.1 may map to root@localhost instead.
  as_root mariadb -uroot --protocol=socket \
    -e "ALTER USER 'root'@'localhost' IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD(''); FLUSH PRIVILEGES;" ||
    fail "could not let root@localhost log in without a password"
}

ensure_mariadb() {
  if ! installed mariadb-server || ! command -v mariadb-admin >/dev/null 2>&1; then
    log "mariadb-server is not installed: installing it"
    apt_install mariadb-server mariadb-client
  fi
  if mariadb_alive; then
    log "MariaDB is up on 127.0.0.1:3306"
  else
    log "MariaDB is down: starting /usr/sbin/mariadbd"
    as_root install -d -o mysql -g mysql -m 0755 /run/mysqld
    [ -d /var/log/mysql ] || as_root install -d -o mysql -g adm -m 2750 /var/log/mysql
    if [ ! -d /var/lib/mysql/mysql ]; then
      log "initialising the data directory /var/lib/mysql"
      as_root mariadb-install-db --user=mysql --datadir=/var/lib/mysql >"$LOG_DIR/biosense-mariadb-install.log" 2>&1 ||
        { show_log "$LOG_DIR/biosense-mariadb-install.log"; fail "mariadb-install-db failed"; }
    fi
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql \
      </dev/null >/dev/null 2>&1 || fail "start-stop-daemon could not start /usr/sbin/mariadbd"
    if ! wait_for "$MARIADB_WAIT" "MariaDB" mariadb_alive; then
      show_log /var/log/mysql/error.log
      fail "MariaDB did not answer on 127.0.0.1:3306 within ${MARIADB_WAIT}s"
    fi
  fi
  mariadb_login || mariadb_allow_tcp_root
  mariadb_login || fail "MariaDB is up but root cannot log in over TCP (127.0.0.1:3306) without a password"
  log "MariaDB: root@127.0.0.1 logs in"
}

# --- RabbitMQ -----------------------------------------------------------------
rabbitmq_alive() { tcp_open 5672; }

ensure_rabbitmq() {
  if ! installed rabbitmq-server; then
    log "rabbitmq-server is not installed: installing it"
    apt_install rabbitmq-server
  fi
  if rabbitmq_alive; then
    log "RabbitMQ is up on 127.0.0.1:5672"
    return 0
  fi
  log "RabbitMQ is down: starting it (rabbitmq-server -detached)"
  # No inherited output descriptors: the daemon must not hold a caller's pipe open.
  as_root rabbitmq-server -detached </dev/null >"$LOG_DIR/biosense-rabbitmq-start.log" 2>&1 ||
    { show_log "$LOG_DIR/biosense-rabbitmq-start.log"; fail "rabbitmq-server -detached failed"; }
  if ! wait_for "$RABBITMQ_WAIT" "RabbitMQ" rabbitmq_alive; then
    show_log "$LOG_DIR/biosense-rabbitmq-start.log"
    fail "RabbitMQ did not listen on 127.0.0.1:5672 within ${RABBITMQ_WAIT}s (see /var/log/rabbitmq/)"
  fi
}

start=$SECONDS
ensure_mariadb
ensure_rabbitmq
log "services ready in $((SECONDS - start))s"
