#!/usr/bin/env bash
# The whole test suite: lint, a fresh throw-away database with the three addons
# and the test-only etp_stories installed without demo data (and Russian, for
# the tours), then the four addons' tests through pytest-odoo (etp_stories'
# test_runners.py checks that Odoo's own runner, scripts/odoo_tests.sh, sees
# the same tests); then `make run`'s demo database built the same way as
# `make run` does and checked (scripts/check_demo.py); last, OCA helpdesk's own
# suites with our addons (scripts/upstream_tests.sh). Exits non-zero on any
# failure, including a module that does not install or a warning/error logged
# while modules load. The time of each phase comes before the last line, which
# is pytest's summary (its whole output: .state/test-pytest.log).
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
# English stays the database's default language (the tests' own); Russian is
# loaded too, for the tours that click the Russian interface.
CONF=$(render_config test workers=0 max_cron_threads=0 http_interface=127.0.0.1 \
  http_port="${ETP_TEST_HTTP_PORT:-8069}" dbfilter="^$DB\$" log_handler=":INFO,werkzeug:WARNING")
drop_db "$DB"
LOG="$STATE/test-install.log"
rm -f "$LOG"  # odoo-bin appends to its log file
set +e
"$VENV/bin/python" "$ODOO_SOURCE/odoo-bin" -c "$CONF" -d "$DB" \
  -i "$ETP_TEST_MODULES" --without-demo=all --load-language=en_US,ru_RU --stop-after-init --logfile="$LOG"
rc=$?
set -e
problems=$(grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) " "$LOG" || true)
if [ $rc -ne 0 ] || [ -n "$problems" ]; then
  printf '%s\n' "$problems" | head -n 40 >&2
  die "Building the test database failed (exit $rc); module loading logged the lines above. Full log: $LOG"
fi
check_installed "$DB" "$ETP_TEST_MODULES" || die "A module failed to install (log: $LOG)."
phase_end

# `make run`'s own database, built the same way and checked afterwards: a
# demo whose tickets have no SLA targets or whose chat has no operator fails
# the suite. It builds in the background, at a lower CPU priority, while the
# tests run (ETP_TEST_DEMO=0 skips it, for quick runs).
DEMO=${ETP_TEST_DEMO:-1}
if [ "$DEMO" != "0" ]; then
  DEMO_DB="${DB}_demo"
  DEMO_CONF=$(render_config test-demo workers=0 max_cron_threads=0 \
    http_interface=127.0.0.1 dbfilter="^$DEMO_DB\$" without_demo=False \
    log_handler=":INFO,werkzeug:WARNING")
  DEMO_LOG="$STATE/test-demo-install.log"
  drop_db "$DEMO_DB"
  rm -f "$DEMO_LOG"
  (
    set +e
    renice -n 10 -p $BASHPID >/dev/null
    build_demo_db "$DEMO_DB" "$DEMO_CONF" --logfile="$DEMO_LOG" >"$STATE/test-demo-build.out" 2>&1
  ) &
  DEMO_PID=$!
  trap 'kill "$DEMO_PID" 2>/dev/null || true' EXIT
fi

phase_start "Tests"
cd "$ROOT"
PYTEST_LOG="$STATE/test-pytest.log"
set +e
"$VENV/bin/python" -m pytest \
  --odoo-config="$CONF" --odoo-database="$DB" --odoo-http \
  -p no:cacheprovider "$@" \
  addons/etp_helpdesk addons/etp_escalation addons/etp_incident addons/etp_stories \
  2>&1 | tee "$PYTEST_LOG"
rc=${PIPESTATUS[0]}
set -e
phase_end

demo_rc=0
if [ "$DEMO" != "0" ]; then
  phase_start "Demo database (make run's)"
  set +e
  wait "$DEMO_PID"
  demo_rc=$?
  errors=$(grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$DEMO_LOG")
  if [ $demo_rc -ne 0 ] || [ -n "$errors" ]; then
    printf '%s\n' "$errors" | head -n 40 >&2
    tail -n 20 "$STATE/test-demo-build.out" >&2
    echo "Building the demo database failed (exit $demo_rc). Log: $DEMO_LOG" >&2
    demo_rc=1
  else
    "$VENV/bin/python" "$ROOT/scripts/check_demo.py" "$DEMO_CONF" "$DEMO_DB"
    demo_rc=$?
  fi
  set -e
  phase_end
fi

# OCA helpdesk's own suites with our addons installed: with the whole suite
# only (not when pytest got arguments such as -k), unless ETP_SKIP_UPSTREAM=1.
if [ $# -eq 0 ] && [ "${ETP_SKIP_UPSTREAM:-0}" != "1" ]; then
  phase_start "Upstream suites"
  set +e
  bash "$ROOT/scripts/upstream_tests.sh"
  upstream_rc=$?
  set -e
  [ $upstream_rc -eq 0 ] || rc=$upstream_rc
  phase_end
fi
print_phase_times
echo "Total: $(( $(date +%s) - T_START ))s"
# The last line: pytest's summary ("N passed, N failed in ...").
tail -n 1 "$PYTEST_LOG"
[ $rc -ne 0 ] && exit $rc
exit $demo_rc
