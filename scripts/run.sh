#!/usr/bin/env bash
# Run the helpdesk with Russian demo data on http://127.0.0.1:8069.
# The database is created once (three addons, demo data, Russian language);
# later runs just start the server.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="${ETP_DB:-etp_demo}"
PORT="${ETP_HTTP_PORT:-8069}"

phase_start "Install (venv, PostgreSQL)"
check_odoo_source
ensure_system_packages
ensure_venv
ensure_postgres
phase_end

# workers=0: the threaded server answers HTTP and /websocket (live chat, bus)
# on one port, so no proxy is needed on a developer's machine. Compose runs
# prefork workers and a gevent process behind nginx instead.
CONF=$(render_config run workers=0 max_cron_threads=1 http_interface=127.0.0.1 \
  http_port="$PORT" dbfilter="^$DB\$" without_demo=False)

if ! db_exists "$DB" || ! check_installed "$DB" "$ETP_MODULES" 2>/dev/null; then
  phase_start "Database build ($DB, demo data, Russian)"
  build_demo_db "$DB" "$CONF" --log-level=warn
  phase_end
fi
print_phase_times

cat <<MSG

  ETP support desk: http://127.0.0.1:$PORT   (database $DB)
  Portal and web form: http://127.0.0.1:$PORT/support   Live chat: on the website pages

  Logins (password = login):
$("$VENV/bin/python" "$ROOT/scripts/demo_setup.py" "$CONF" "$DB" --list-logins)

  Stop with Ctrl+C.
MSG
exec "$VENV/bin/python" "$ODOO_SOURCE/odoo-bin" -c "$CONF" -d "$DB"
