#!/bin/bash
# Entrypoint of the ETP Odoo image (docker/Dockerfile). docker-compose.yml runs
# it three times; the arguments are Odoo's:
#   odoo-web     --max-cron-threads=0                prefork HTTP workers, :8069
#   odoo-gevent  gevent --max-cron-threads=0         /websocket, :8072
#   odoo-cron    --no-http --max-cron-threads=2      scheduled actions only
# Steps: render the config, wait for PostgreSQL, make sure the database holds
# the product (odoo-web installs it, the others wait for that), exec Odoo.
set -euo pipefail

case "${1:-}" in
  odoo) shift ;;                 # `run odoo-web odoo shell` == `run odoo-web shell`
  bash|sh|python3) exec "$@" ;;  # debugging: no rendering, no waiting
esac

: "${ODOO_DB_NAME:?ODOO_DB_NAME is required}"
ETP_MODULES="${ETP_MODULES:-etp_helpdesk,etp_escalation,etp_incident}"
CONF=/etc/odoo/odoo.conf   # ODOO_RC of the image, private to this container
log() { echo "etp-entrypoint: $*" >&2; }

# 1. Render config/odoo.conf (see config/README.md). One database per
# deployment: the default dbfilter ^%d$ would match the first label of the
# host name (e.g. "localhost"), so it is pinned to the database name.
export ODOO_ADDONS_PATH=/mnt/etp-addons,/usr/lib/python3/dist-packages/odoo/addons
export ODOO_DATA_DIR=/var/lib/odoo
export ODOO_DBFILTER="${ODOO_DBFILTER:-^${ODOO_DB_NAME}\$}"
if [ "${ETP_DEMO:-0}" = 1 ]; then
  export ODOO_WITHOUT_DEMO="${ODOO_WITHOUT_DEMO:-False}"   # only read when installing
fi
python3 /etc/etp/render_conf.py /etc/etp/odoo.conf db_name="$ODOO_DB_NAME" > "$CONF"
chmod 600 "$CONF"   # holds the admin and database passwords

# Small psycopg2 helpers. `pg wait`: PostgreSQL accepts connections (at most
# 60 s). `pg ready`: exit 0 when the database exists and every module of
# ETP_MODULES is installed, 1 otherwise.
pg() {
  python3 - "$@" "$ODOO_DB_NAME" "$ETP_MODULES" <<'PY'
import os, sys, time
import psycopg2

mode, db, modules = sys.argv[1], sys.argv[2], sys.argv[3].split(",")

def connect(dbname):
    return psycopg2.connect(
        host=os.environ.get("ODOO_DB_HOST", "db"),
        port=os.environ.get("ODOO_DB_PORT", "5432"),
        user=os.environ.get("ODOO_DB_USER", "odoo"),
        password=os.environ["ODOO_DB_PASSWORD"],
        dbname=dbname, connect_timeout=5)

if mode == "wait":
    deadline = time.time() + 60
    while True:
        try:
            connect("postgres").close()
            sys.exit(0)
        except psycopg2.OperationalError as exc:
            if time.time() > deadline:
                sys.exit(f"etp-entrypoint: PostgreSQL unreachable for 60 s: {exc}")
            time.sleep(1)

conn = connect("postgres")
cur = conn.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,))
exists = cur.fetchone()
conn.close()
if not exists:
    sys.exit(1)
cur = connect(db).cursor()
cur.execute("SELECT to_regclass('ir_module_module')")
if cur.fetchone()[0] is None:  # created but never initialised
    sys.exit(1)
cur.execute("SELECT count(*) FROM ir_module_module"
            " WHERE state = 'installed' AND name = ANY(%s)", (modules,))
sys.exit(0 if cur.fetchone()[0] == len(modules) else 1)
PY
}

# 2. PostgreSQL.
pg wait

# 3. The database. Only odoo-web (ETP_INIT_DB=1) installs, so that two services
# never build it at the same time; the others must not even start Odoo before
# that, because `odoo -d NAME` creates a missing database by itself.
if [ "${ETP_INIT_DB:-0}" = 1 ]; then
  if ! pg ready; then
    log "database $ODOO_DB_NAME missing or incomplete: installing $ETP_MODULES" \
        "(demo data: $([ "${ETP_DEMO:-0}" = 1 ] && echo yes || echo no)); this takes a few minutes"
    odoo -c "$CONF" -d "$ODOO_DB_NAME" -i "$ETP_MODULES" \
      --workers=0 --no-http --max-cron-threads=0 --stop-after-init
    pg ready || { log "installation did not complete, see the log above"; exit 1; }
    log "database $ODOO_DB_NAME initialised"
  fi
else
  n=0
  until pg ready; do
    [ $((n % 6)) -eq 0 ] && log "waiting for odoo-web to initialise database $ODOO_DB_NAME"
    n=$((n + 1))
    sleep 5
  done
fi

# 4. Odoo. A subcommand must come first: Odoo only recognises `gevent` as
# sys.argv[1] (odoo/_monkeypatches/evented.py), so "$@" goes before -c.
exec odoo "$@" -c "$CONF" -d "$ODOO_DB_NAME"
