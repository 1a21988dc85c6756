#!/usr/bin/env bash
# Make sure the local PostgreSQL (127.0.0.1:5432) and Redis (127.0.0.1:6379) that the store tests
# use are running: start them if they are installed but stopped. Never fails CI by itself.
set -u

up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_up() { for _ in $(seq 1 40); do up "$1" && return 0; sleep 0.25; done; return 1; }

if up 5432; then
  echo "postgres: up on 127.0.0.1:5432"
elif command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
  for version in $(ls /etc/postgresql); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>&1 || true
  done
  wait_up 5432 && echo "postgres: started" || echo "postgres: could not be started; its tests will skip (DATABASE_URL)"
else
  echo "postgres: not installed; its tests will skip (DATABASE_URL)"
fi

if up 6379; then
  echo "redis: up on 127.0.0.1:6379"
elif command -v redis-server >/dev/null 2>&1; then
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log 2>&1 || true
  wait_up 6379 && echo "redis: started" || echo "redis: could not be started; its tests will skip (REDIS_URL)"
else
  echo "redis: not installed; its tests will skip (REDIS_URL)"
fi
