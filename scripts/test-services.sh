#!/usr/bin/env bash
# Starts the services the test suite talks to when they are installed but not running:
# PostgreSQL on 127.0.0.1:5432 (the PostgreSQL pass of CI, and the two-node rehearsal's
# scratch database). Redis needs no start: the rehearsal runs a redis-server of its own.
set -euo pipefail

if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
  fi
fi
if ! command -v pg_isready >/dev/null 2>&1 || ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "No PostgreSQL on 127.0.0.1:5432: the two-node rehearsal (tests/deploy) will fail." >&2
fi
