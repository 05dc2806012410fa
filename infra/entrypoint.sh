#!/bin/sh
# Apply migrations before any process starts (idempotent; safe when several containers start together,
# because Alembic runs each migration in a transaction and records the version).
set -e
alembic -c /app/alembic.ini upgrade head
exec "$@"
