# Sourced by the encoder benchmarks (bench/pipeline.sh, bench/zstd.sh), from the repo root: bench_plain_dump sets
# FILE to a fresh uncompressed custom-format dump (pg_dump -Fc -Z0) of the benchmark database in /dev/shm, removed
# when the calling script exits. It starts the services and creates the database (pgbench scale 5 plus
# bench/mixed-schema.sql) the first time. BF_BENCH_DATABASE names another database.
bench_plain_dump() {
  local services_env db
  services_env=$(scripts/services.sh up) || exit 1
  eval "$services_env"
  FILE=$(mktemp -p /dev/shm bf-plain-XXXXXX.dump)
  trap 'rm -f "$FILE"' EXIT
  db=${BF_BENCH_DATABASE:-bf_pipeline_bench}
  export PGPASSWORD=$BF_PG_PASSWORD
  local psql=(psql -h 127.0.0.1 -p "$BF_PG_PORT" -U "$BF_PG_USER" -v ON_ERROR_STOP=1 -q -X)
  if ! "${psql[@]}" -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1; then
    "${psql[@]}" -d postgres -c "CREATE DATABASE $db"
    pgbench -h 127.0.0.1 -p "$BF_PG_PORT" -U "$BF_PG_USER" -i -q -s 5 "$db" >/dev/null 2>&1
    "${psql[@]}" -d "$db" -v scale=100 -f bench/mixed-schema.sql >/dev/null
  fi
  pg_dump -h 127.0.0.1 -p "$BF_PG_PORT" -U "$BF_PG_USER" -Fc -Z0 -d "$db" >"$FILE"
}
