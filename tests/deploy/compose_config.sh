#!/bin/sh
# `docker compose config` on docker-compose.yml: Compose's own validation of
# the file (schema, anchors, variables, profiles), without an engine.
# scripts/setup.sh installs Debian's docker-compose (1.29) for it; the plugin
# is used when present. Exit 77 (ctest: Skipped, NOT passed) when neither is.
set -eu
src=$1
export BIOSENSE_DB_PASSWORD=x MARIADB_ROOT_PASSWORD=x BIOSENSE_AMQP_PASSWORD=x
if docker compose version >/dev/null 2>&1; then
  exec docker compose -f "$src/docker-compose.yml" --profile dashboard config -q
elif command -v docker-compose >/dev/null 2>&1; then
  exec docker-compose -f "$src/docker-compose.yml" --profile dashboard config -q
fi
echo "SKIPPED: no 'docker compose' or 'docker-compose' client on this machine; docker-compose.yml was not validated by Compose"
exit 77
