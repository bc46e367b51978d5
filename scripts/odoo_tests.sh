#!/usr/bin/env bash
# The whole suite through Odoo's own test runner, as OCA's CI runs addons'
# tests: a fresh scratch database where odoo-bin installs our three addons and
# the test-only etp_stories, with --test-tags, in two runs:
#  1. the install: each addon's at-install tests run right after it installs;
#  2. the post-install tests, on the installed database. (Installing uninstalls
#     Odoo's IAP modules, which reloads the registry; Odoo then forgets which
#     modules that run installed and would run no post-install test in it.)
# `make test` runs the same tests through pytest-odoo and checks that both
# runners see the same ones (etp_stories/tests/test_runners.py).
#
# Usage: bash scripts/odoo_tests.sh [ODOO-BIN OPTIONS...]
# e.g. --test-tags /etp_stories:TestRoleTours for one class, or
# --test-tags /etp_helpdesk,/etp_escalation,/etp_incident,/etp_stories,-etp_live
# to leave out the deployment checks.
# The scratch database is ETP_TEST_DB with etp_test -> etp_odoo_tests
# (etp_test_x -> etp_odoo_tests_x), dropped first; the logs are
# .state/odoo-tests-install.log and .state/odoo-tests-post.log. Exits non-zero
# on any failed test, or when no test ran.
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

set +e
INSTALL_LOG="$STATE/odoo-tests-install.log"
odoo_bin "$INSTALL_LOG" -i "$ETP_TEST_MODULES" --without-demo=all \
  --load-language=en_US,ru_RU --test-tags "$TAGS" "$@"
install_rc=$?
POST_LOG="$STATE/odoo-tests-post.log"
rm -f "$POST_LOG"
post_rc=0
# (Should the install ever run the post-install tests itself, they ran.)
ran=$(grep -Eo "[0-9]+ post-tests in" "$INSTALL_LOG" | awk '{print $1}' | tail -n1)
if [ "${ran:-0}" -eq 0 ]; then
  odoo_bin "$POST_LOG" --test-tags "$TAGS" "$@"
  post_rc=$?
else
  echo "0 failed, 0 error(s) of 0 tests" >"$POST_LOG"
fi
set -e

read -r f1 e1 n1 <<<"$(counts "$INSTALL_LOG")"
read -r f2 e2 n2 <<<"$(counts "$POST_LOG")"
grep -hE "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) .*(FAIL|ERROR):" \
  "$INSTALL_LOG" "$POST_LOG" | head -n 40 >&2 || true
failed=$(( ${f1:-0} + ${f2:-0} )) errors=$(( ${e1:-0} + ${e2:-0} ))
total=$(( ${n1:-0} + ${n2:-0} ))
echo "Odoo's runner: at install ${n1:-no} tests, post-install ${n2:-no} tests;" \
  "$failed failed, $errors error(s) of $total tests (exit $install_rc/$post_rc)"
[ -n "$n1" ] && [ -n "$n2" ] && [ "$total" -gt 0 ] && [ "$failed" -eq 0 ] \
  && [ "$errors" -eq 0 ] && [ $install_rc -eq 0 ] && [ $post_rc -eq 0 ]
