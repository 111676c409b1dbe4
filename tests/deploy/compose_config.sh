#!/bin/sh
# `docker compose config` on docker-compose.yml when a compose client exists.
# Exit 77 (ctest: Skipped, NOT passed) when none is installed: this machine
# has the docker CLI but neither the compose plugin nor docker-compose.
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
