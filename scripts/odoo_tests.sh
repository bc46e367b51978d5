#!/usr/bin/env bash
# The whole suite through Odoo's own test runner, as OCA's CI runs addons'
# tests: a fresh scratch database where odoo-bin installs our three addons and
# the test-only etp_stories and runs their tests (--test-tags): the at-install
# tests of each addon right after it installs, the post-install tests at the
# end. `make test` runs the same tests through pytest-odoo and checks that
# both runners see the same ones (etp_stories/tests/test_runners.py).
#
# Usage: bash scripts/odoo_tests.sh [ODOO-BIN OPTIONS...]
# e.g. --test-tags /etp_stories,-etp_live to leave out the deployment checks.
# The scratch database is ETP_TEST_DB with etp_test -> etp_odoo_tests
# (etp_test_x -> etp_odoo_tests_x), dropped first; the log is
# .state/odoo-tests.log. Prints the command it runs and exits non-zero on any
# failed test.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

TEST_DB="${ETP_TEST_DB:-etp_test}"
DB="${TEST_DB/etp_test/etp_odoo_tests}"
[ "$DB" != "$TEST_DB" ] || DB="${TEST_DB}_odoo_tests"
TAGS="/${ETP_TEST_MODULES//,/,/}"

check_odoo_source
ensure_system_packages
ensure_venv
ensure_postgres

CONF=$(render_config odoo-tests workers=0 max_cron_threads=0 http_interface=127.0.0.1 \
  http_port="${ETP_TEST_HTTP_PORT:-8069}" dbfilter="^$DB\$" log_handler=":INFO,werkzeug:WARNING")
LOG="$STATE/odoo-tests.log"
rm -f "$LOG"
drop_db "$DB"

cmd=("$VENV/bin/python" "$ODOO_SOURCE/odoo-bin" -c "$CONF" -d "$DB"
     -i "$ETP_TEST_MODULES" --without-demo=all --load-language=en_US,ru_RU
     --test-tags "$TAGS" --stop-after-init --logfile="$LOG" "$@")
say "${cmd[*]}"
set +e
"${cmd[@]}"
rc=$?
set -e
summary=$(grep -Eo "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$LOG" | tail -n1)
grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) .*(FAIL|ERROR):" "$LOG" | head -n 40 >&2 || true
echo "Odoo's runner: ${summary:-no test summary} (exit $rc, log: $LOG)"
case "$summary" in
  "0 failed, 0 error(s) of "*) [ $rc -eq 0 ] || exit $rc ;;
  *) exit 1 ;;
esac
