#!/bin/sh
# Migrations are not run here: the one-off `migrate` service of docker-compose.yml applies them once, before the
# other services start (they set RUN_MIGRATIONS=false), so containers never race on them.
set -e
exec "$@"
