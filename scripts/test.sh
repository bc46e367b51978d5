#!/usr/bin/env bash
# The whole test suite: lint, a fresh throw-away database with the three addons
# installed without demo data, then every addon's tests and the top-level
# tests/ through pytest-odoo. Exits non-zero on any failure, including a module
# that does not install or a warning/error logged while modules load.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="${ETP_TEST_DB:-etp_test}"
T_START=$(date +%s)

phase_start "Install (venv, PostgreSQL)"
check_odoo_source
ensure_system_packages
ensure_venv
ensure_postgres
phase_end

phase_start "Lint"
make -s -C "$ROOT" lint
phase_end

phase_start "Database build"
CONF=$(render_config test workers=0 max_cron_threads=0 http_interface=127.0.0.1 \
  http_port="${ETP_TEST_HTTP_PORT:-8069}" dbfilter="^$DB\$" log_handler=":INFO,werkzeug:WARNING")
"$VENV/bin/python" - "$DB" <<'PY'
import sys, psycopg2
conn = psycopg2.connect(dbname="postgres")
conn.autocommit = True
conn.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[1])
PY
rm -rf "$STATE/data/filestore/$DB"
LOG="$STATE/test-install.log"
set +e
"$VENV/bin/python" "$ODOO_SOURCE/odoo-bin" -c "$CONF" -d "$DB" \
  -i "$ETP_MODULES" --without-demo=all --stop-after-init --logfile="$LOG"
rc=$?
set -e
problems=$(grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) " "$LOG" || true)
if [ $rc -ne 0 ] || [ -n "$problems" ]; then
  printf '%s\n' "$problems" | head -n 40 >&2
  die "Building the test database failed (exit $rc); module loading logged the lines above. Full log: $LOG"
fi
check_installed "$DB" "$ETP_MODULES" || die "A module failed to install (log: $LOG)."
# The live checks (tests/test_live_*.py) run Odoo in production mode, which
# commits, on a copy of the fresh database; copied now, while nothing is
# connected to it.
"$VENV/bin/python" -c 'import sys; sys.path.insert(0, sys.argv[1])
from tests.live.odooserver import clone_database
clone_database(sys.argv[2], sys.argv[2] + "_live", sys.argv[3])' "$ROOT" "$DB" "$STATE/data"
phase_end

phase_start "Tests"
cd "$ROOT"
set +e
"$VENV/bin/python" -m pytest \
  --odoo-config="$CONF" --odoo-database="$DB" --odoo-http \
  -p no:cacheprovider "$@" \
  addons/etp_helpdesk addons/etp_escalation addons/etp_incident tests
rc=$?
set -e
phase_end
print_phase_times
echo "Total: $(( $(date +%s) - T_START ))s"
exit $rc
