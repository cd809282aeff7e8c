#!/usr/bin/env bash
# Make sure the PostgreSQL and Redis that the tests use answer on 127.0.0.1.
# Starts the local servers when they are installed but stopped; says what to do when
# they are not installed at all.
set -euo pipefail

pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
redis_up() {
  exec 3<>/dev/tcp/127.0.0.1/6379 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  local reply
  read -r -t 2 reply <&3 || return 1
  exec 3>&-
  [[ "$reply" == +PONG* ]]
}
wait_for() {
  local check=$1 name=$2
  for _ in $(seq 1 30); do
    "$check" && return 0
    sleep 0.5
  done
  echo "$name did not come up within 15 seconds." >&2
  return 1
}

if ! pg_up; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    echo "Starting the local PostgreSQL..."
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
    wait_for pg_up PostgreSQL
  else
    echo "PostgreSQL is not running on 127.0.0.1:5432 and is not installed here." >&2
    echo "Install it (apt-get install postgresql) or point TEST_DATABASE_URL at a server." >&2
    exit 1
  fi
fi

if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "Starting the local Redis..."
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/training-monitor-redis.log
    wait_for redis_up Redis
  else
    echo "Redis is not running on 127.0.0.1:6379 and is not installed here." >&2
    echo "Install it (apt-get install redis-server) or point TEST_REDIS_URL at a server." >&2
    exit 1
  fi
fi
echo "PostgreSQL and Redis answer."
