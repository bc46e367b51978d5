#!/usr/bin/env bash
# Production mode on this machine, as config/odoo.conf describes it: prefork
# HTTP workers, a cron worker and the gevent process for /websocket (live chat,
# bus), behind a private nginx that routes /websocket to the gevent port, on
# http://127.0.0.1:${ETP_HTTP_PORT:-8069}. Same demo database as `make run`.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DB="${ETP_DB:-etp_demo}"
PORT="${ETP_HTTP_PORT:-8069}"                    # nginx, the only entry point
ODOO_PORT="${ETP_ODOO_HTTP_PORT:-$((PORT + 10000))}"   # prefork workers
GEVENT_PORT="${ETP_GEVENT_PORT:-$((PORT + 10003))}"    # /websocket
WORKERS="${ETP_WORKERS:-2}"

phase_start "Install (venv, PostgreSQL)"
check_odoo_source
ensure_system_packages
ensure_venv
ensure_postgres
phase_end

CONF=$(render_config run-prod workers="$WORKERS" max_cron_threads=1 \
  http_interface=127.0.0.1 http_port="$ODOO_PORT" gevent_port="$GEVENT_PORT" \
  proxy_mode=True dbfilter="^$DB\$" db_name="$DB" without_demo=False)

if ! db_exists "$DB" || ! check_installed "$DB" "$ETP_MODULES" 2>/dev/null; then
  phase_start "Database build ($DB, demo data, Russian)"
  "$VENV/bin/python" "$ODOO_SOURCE/odoo-bin" -c "$CONF" -d "$DB" --workers=0 \
    -i "$ETP_MODULES" --load-language=ru_RU --stop-after-init --log-level=warn
  "$VENV/bin/python" "$ROOT/scripts/demo_setup.py" "$CONF" "$DB"
  check_installed "$DB" "$ETP_MODULES"
  phase_end
fi
print_phase_times

# A private nginx: its own prefix in .state/, no system service involved.
NGINX_DIR="$STATE/nginx-prod"
mkdir -p "$NGINX_DIR/logs" "$NGINX_DIR/tmp"
cat > "$NGINX_DIR/nginx.conf" <<NGINX
worker_processes 1;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log $NGINX_DIR/logs/access.log;
    client_body_temp_path $NGINX_DIR/tmp/body;
    proxy_temp_path $NGINX_DIR/tmp/proxy;
    fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
    uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
    scgi_temp_path $NGINX_DIR/tmp/scgi;
    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }
    server {
        listen 127.0.0.1:$PORT;
        client_max_body_size 64m;
        proxy_http_version 1.1;
        proxy_read_timeout 300s;
        proxy_set_header Host \$http_host;
        proxy_set_header X-Forwarded-Host \$http_host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        location /websocket {
            proxy_pass http://127.0.0.1:$GEVENT_PORT;
            proxy_set_header Upgrade \$http_upgrade;
            proxy_set_header Connection \$connection_upgrade;
            proxy_set_header Host \$http_host;
            proxy_set_header X-Forwarded-Host \$http_host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_read_timeout 3600s;
        }
        location / { proxy_pass http://127.0.0.1:$ODOO_PORT; }
    }
}
NGINX
command -v nginx >/dev/null || PATH="$PATH:/usr/sbin"
nginx -c "$NGINX_DIR/nginx.conf" -p "$NGINX_DIR" -g 'daemon off;' &
NGINX_PID=$!
trap 'kill $NGINX_PID 2>/dev/null' EXIT

cat <<MSG

  ETP support desk, production mode: http://127.0.0.1:$PORT   (database $DB)
  nginx → $WORKERS HTTP workers on :$ODOO_PORT, /websocket → gevent on :$GEVENT_PORT,
  one cron worker. Logins as for \`make run\`. Stop with Ctrl+C.

MSG
"$VENV/bin/python" "$ODOO_SOURCE/odoo-bin" -c "$CONF"
