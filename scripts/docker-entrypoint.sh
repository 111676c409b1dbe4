#!/bin/sh
# The Docker image's entrypoint: maps the user's MODE switch to a biosense
# command line, then execs biosense (so it receives SIGTERM directly).
#
#   MODE=FaceStreaming  biosense run --mode stream --loop   (snapshots, a pass every BIOSENSE_INTERVAL s)
#   MODE=FaceTraining   biosense run --mode train --loop    (enrolment photos)
#   MODE=Consumer       biosense consume                    (RabbitMQ consumers)
#   MODE=Once           biosense run --mode all --once      (one pass, then exit: cron-style)
#   MODE=Watch          biosense watch --loop               (impersonation / no-motion alerts)
#   MODE=Migrate        biosense db migrate                 (create or upgrade the schema, then exit)
#   MODE unset          the container's arguments are the biosense command line
#                       (e.g. `docker run IMAGE config show`)
#
# Arguments given to the container are appended to the mode's command line.
# Everything else comes from BIOSENSE_* variables (see `biosense config keys`).
# Any other MODE is an error: exit 1 (a usage/configuration error) with a
# message naming the valid modes.
#
# BIOSENSE_BIN: the biosense executable (default: biosense on PATH); the tests
# point it at the build or at a recording stand-in.
set -eu

bin="${BIOSENSE_BIN:-biosense}"
mode="${MODE:-}"

case "$mode" in
  FaceStreaming) set -- run --mode stream --loop "$@" ;;
  FaceTraining) set -- run --mode train --loop "$@" ;;
  Consumer) set -- consume "$@" ;;
  Once) set -- run --mode all --once "$@" ;;
  Watch) set -- watch --loop "$@" ;;
  Migrate) set -- db migrate "$@" ;;
  "")
    if [ "$#" -eq 0 ]; then
      echo "docker-entrypoint: MODE is not set and no command was given: set MODE to FaceStreaming," \
        "FaceTraining, Consumer, Once, Watch or Migrate, or pass a biosense command line" >&2
      exit 1
    fi
    ;;
  *)
    echo "docker-entrypoint: unknown MODE '$mode': expected FaceStreaming, FaceTraining, Consumer, Once," \
      "Watch or Migrate" >&2
    exit 1
    ;;
esac

echo "docker-entrypoint: MODE=${mode:-(unset)}: $bin $*" >&2
exec "$bin" "$@"
