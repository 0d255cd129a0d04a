#!/usr/bin/env bash
# Generates a drizzle-kit migration from src/db-schema.ts. Serialised with a lock so that two
# people (or agents) generating at once do not write the same migration number.
set -euo pipefail
cd "$(dirname "$0")/.."
exec flock /tmp/lyceum-drizzle.lock npx drizzle-kit generate "$@"
