#!/usr/bin/env bash
# Load benchmark of the production mode (see bench_load.py for the mix).
# Builds a scratch database (ETP_BENCH_DB, default etp_bench_load) with the
# three addons and no demo data, runs the benchmark, prints its table, and
# drops the database whatever happens. Extra arguments go to bench_load.py,
# e.g. `--minutes 1 --emails 100` for a quick look.
source "$(dirname "${BASH_SOURCE[0]}")/../common.sh"

DB="${ETP_BENCH_DB:-etp_bench_load}"
case "$DB" in etp_bench*) ;; *) die "ETP_BENCH_DB must start with etp_bench (it is dropped).";; esac
BENCH_VENV="$STATE/bench-venv"

check_odoo_source
ensure_system_packages
ensure_venv
ensure_postgres

want=$(sha256sum "$ROOT/scripts/bench/requirements.txt" | cut -d' ' -f1)
if [ "$(cat "$BENCH_VENV/.etp-stamp" 2>/dev/null)" != "$want" ]; then
  say "Creating the benchmark's venv (locust) in $BENCH_VENV"
  [ -x "$BENCH_VENV/bin/python" ] || "$PY" -m venv "$BENCH_VENV"
  "$BENCH_VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/scripts/bench/requirements.txt"
  echo "$want" > "$BENCH_VENV/.etp-stamp"
fi

drop_db() {
  "$VENV/bin/python" - "$DB" <<'PY'
import sys, psycopg2
conn = psycopg2.connect(dbname="postgres")
conn.autocommit = True
conn.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[1])
PY
  rm -rf "$STATE/data/filestore/$DB"
}
trap drop_db EXIT

CONF=$(render_config bench workers=0 max_cron_threads=0 dbfilter="^$DB\$")
drop_db
say "Building the scratch database $DB"
"$VENV/bin/python" "$ODOO_SOURCE/odoo-bin" -c "$CONF" -d "$DB" \
  -i "$ETP_MODULES" --without-demo=all --stop-after-init --log-level=warn
check_installed "$DB" "$ETP_MODULES"

say "Running the benchmark"
"$VENV/bin/python" "$ROOT/scripts/bench/bench_load.py" "$CONF" "$DB" \
  "$BENCH_VENV/bin/locust" "$@"
