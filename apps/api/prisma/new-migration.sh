#!/usr/bin/env bash
# Writes a new migration from the difference between the schema as last committed and the schema now:
#   bash prisma/new-migration.sh add_something
# (`prisma migrate dev` works on an empty database here, but its wasm engine stops with "unreachable" once
# migrations exist; `migrate diff` between two schema files needs no database at all.)
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: new-migration.sh NAME}
previous=$(mktemp)
git show HEAD:apps/api/prisma/schema.prisma > "$previous"
dir="prisma/migrations/$(date -u +%Y%m%d%H%M%S)_${name}"
mkdir -p "$dir"
DATABASE_URL=${DATABASE_URL:-postgresql://unused@127.0.0.1/unused} npx prisma migrate diff \
  --from-schema-datamodel "$previous" --to-schema-datamodel prisma/schema.prisma --script 2>/dev/null \
  | sed '/./,$!d' > "$dir/migration.sql"
rm -f "$previous"
echo "wrote $dir/migration.sql"
