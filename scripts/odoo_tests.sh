#!/usr/bin/env bash
# The whole suite through Odoo's own test runner (odoo-bin --test-tags), as
# OCA's CI runs addons' tests, on a fresh scratch database:
#  1. odoo-bin installs our three addons and the test-only etp_stories, as the
#     test database of `make test` is built (no test runs);
#  2. odoo-bin updates them with the tests enabled: each addon's at-install
#     tests run right after it loads, then the post-install tests.
# (Tests enabled during the install itself would not do: installing
# uninstalls Odoo's IAP modules, which reloads the registry, so that odoo-bin
# runs the at-install tests twice and forgets to run the post-install ones.)
# `make test` runs the same tests through pytest-odoo and checks that both
# runners see the same ones (etp_stories/tests/test_runners.py).
#
# Usage: bash scripts/odoo_tests.sh [ODOO-BIN OPTIONS...]
# e.g. --test-tags /etp_stories:TestRoleTours for one class, or
# --test-tags /etp_helpdesk,/etp_escalation,/etp_incident,/etp_stories,-etp_live
# to leave out the deployment checks.
# The scratch database is ETP_TEST_DB with etp_test -> etp_odoo_tests
# (etp_test_x -> etp_odoo_tests_x), dropped first; the logs are
# .state/odoo-tests-install.log and .state/odoo-tests.log. Exits non-zero on
# any failed test, or when no test ran.
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
drop_db "$DB"

# odoo-bin "$@": the last --test-tags given wins.
odoo_bin() {
  local log="$1"; shift
  rm -f "$log"
  local cmd=("$VENV/bin/python" "$ODOO_SOURCE/odoo-bin" -c "$CONF" -d "$DB"
             "$@" --stop-after-init --logfile="$log")
  say "${cmd[*]}"
  "${cmd[@]}"
}

# "F E N": failed, errors and tests of the run logged in $1.
counts() {
  grep -Eo "[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests" "$1" | tail -n1 \
    | awk '{print $1, $3, $6}'
}

INSTALL_LOG="$STATE/odoo-tests-install.log"
odoo_bin "$INSTALL_LOG" -i "$ETP_TEST_MODULES" --without-demo=all \
  --load-language=en_US,ru_RU \
  || die "Installing $ETP_TEST_MODULES failed (log: $INSTALL_LOG)"

LOG="$STATE/odoo-tests.log"
set +e
odoo_bin "$LOG" -u "$ETP_TEST_MODULES" --test-tags "$TAGS" "$@"
rc=$?
set -e
read -r failed errors total <<<"$(counts "$LOG")"
grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) .*(FAIL|ERROR):" "$LOG" \
  | head -n 40 >&2 || true
post=$(grep -Eo "[0-9]+ post-tests in" "$LOG" | awk '{print $1}' | tail -n1)
echo "Odoo's runner: ${failed:-?} failed, ${errors:-?} error(s) of ${total:-no} tests," \
  "${post:-no} of them post-install (exit $rc, log: $LOG)"
[ $rc -eq 0 ] && [ "${total:-0}" -gt 0 ] && [ "${failed:-1}" -eq 0 ] \
  && [ "${errors:-1}" -eq 0 ]
