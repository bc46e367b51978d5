#!/usr/bin/env bash
# OCA helpdesk's own test suites (helpdesk_mgmt, helpdesk_mgmt_sla,
# helpdesk_mgmt_rating) with our three addons installed: a scratch database
# with the addons and demo data (upstream's tests use its demo records), then
# upstream's tests through Odoo's loader and runner with --test-tags, every
# installed module loaded (scripts/upstream_tests.py). Fails on any failure
# outside scripts/upstream_tests_excluded.txt, and when an excluded test
# passes. Extra arguments go to the runner (e.g. --test-tags=/helpdesk_mgmt_sla).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# The scratch database: ETP_UPSTREAM_DB, else the test database's name with
# etp_upstream for etp_test (etp_test_x -> etp_upstream_x).
TEST_DB="${ETP_TEST_DB:-etp_test}"
DB="${TEST_DB/etp_test/etp_upstream}"
[ "$DB" != "$TEST_DB" ] || DB="${TEST_DB}_upstream"
DB="${ETP_UPSTREAM_DB:-$DB}"
TAGS="/helpdesk_mgmt,/helpdesk_mgmt_sla,/helpdesk_mgmt_rating"

check_odoo_source
ensure_venv
ensure_postgres

CONF=$(render_config upstream workers=0 max_cron_threads=0 http_interface=127.0.0.1 \
  http_port="${ETP_TEST_HTTP_PORT:-8069}" dbfilter="^$DB\$" without_demo=False \
  log_handler=":INFO,werkzeug:WARNING")
LOG="$STATE/upstream-tests.log"
rm -f "$LOG"

say "Scratch database $DB (our addons, demo data)"
"$VENV/bin/python" - "$DB" <<'PY'
import sys, psycopg2
conn = psycopg2.connect(dbname="postgres")
conn.autocommit = True
conn.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[1])
PY
rm -rf "$STATE/data/filestore/$DB"
"$VENV/bin/python" "$ODOO_SOURCE/odoo-bin" -c "$CONF" -d "$DB" -i "$ETP_MODULES" \
  --stop-after-init --logfile="$LOG" \
  || die "Building $DB failed (log: $LOG)."
check_installed "$DB" "$ETP_MODULES" || die "A module failed to install (log: $LOG)."

say "Upstream tests ($TAGS)"
"$VENV/bin/python" "$ROOT/scripts/upstream_tests.py" \
  "$ROOT/scripts/upstream_tests_excluded.txt" \
  -c "$CONF" -d "$DB" --test-tags="$TAGS" --logfile="$LOG" "$@" \
  || die "Upstream suites: see above; tracebacks in $LOG"
