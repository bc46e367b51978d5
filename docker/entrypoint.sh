#!/bin/bash
# Entrypoint of the ETP Odoo image (docker/Dockerfile). docker-compose.yml runs
# it once per service; ETP_ROLE says which, the arguments are extra Odoo options:
#   web      prefork HTTP workers on :8069, no crons, no gevent child
#            (etp-odoo-web); installs the database on first start
#   gevent   `odoo gevent`: /websocket (live chat, bus) on :8072
#   cron     --no-http: scheduled actions only, in prefork cron workers
# Steps: check the secrets, render the config, wait for PostgreSQL, make sure
# the database holds the product (web installs it, the others wait), exec Odoo.
set -euo pipefail

case "${1:-}" in
  odoo) shift ;;                 # `run odoo-web odoo shell` == `run odoo-web shell`
  bash|sh|python3) exec "$@" ;;  # debugging: no rendering, no waiting
esac

log() { echo "etp-entrypoint: $*" >&2; }
refuse() { log "$*"; exit 78; }  # 78: EX_CONFIG

# 0. Secrets come from the environment, never from the image or the repository.
# A missing or placeholder one stops the container before anything listens.
for var in ODOO_ADMIN_PASSWORD ODOO_DB_PASSWORD; do
  value="${!var:-}"
  [ -n "$value" ] || refuse "$var is not set: put it in the environment (see README.md, Deploy)."
  case "$value" in
    admin|odoo|password|changeme|secret)
      refuse "$var is a well-known default; choose a real secret." ;;
  esac
  [ ${#value} -ge 12 ] || refuse "$var is shorter than 12 characters."
done
: "${ODOO_DB_NAME:?ODOO_DB_NAME is required}"
ETP_ROLE="${ETP_ROLE:-web}"
ETP_MODULES="${ETP_MODULES:-etp_helpdesk,etp_escalation,etp_incident}"
CONF=/etc/odoo/odoo.conf   # ODOO_RC of the image, private to this container

# 1. Render config/odoo.conf (see config/README.md). One database per
# deployment: the default dbfilter ^%d$ would match the first label of the
# host name (e.g. "localhost"), so it is pinned to the database name.
# The product's addons and OCA's are wheels in the odoo.addons namespace
# (docker/Dockerfile): only Odoo's own directory is listed.
export ODOO_ADDONS_PATH=/usr/lib/python3/dist-packages/odoo/addons
export ODOO_DATA_DIR=/var/lib/odoo
export ODOO_DBFILTER="${ODOO_DBFILTER:-^${ODOO_DB_NAME}\$}"
if [ "${ETP_DEMO:-0}" = 1 ]; then
  export ODOO_WITHOUT_DEMO="${ODOO_WITHOUT_DEMO:-False}"   # only read when installing
fi
python3 /etc/etp/render_conf.py /etc/etp/odoo.conf db_name="$ODOO_DB_NAME" > "$CONF"
chmod 600 "$CONF"   # holds the admin and database passwords

# Small psycopg2 helpers. `pg wait`: PostgreSQL accepts connections (at most
# 60 s). `pg ready`: exit 0 when the database exists and every module of
# ETP_MODULES is installed, 1 otherwise. `pg lock CMD...`: run CMD under an
# advisory lock unless the database became ready meanwhile.
pg() {
  python3 - "$1" "$ODOO_DB_NAME" "$ETP_MODULES" "${@:2}" <<'PY'
import os, subprocess, sys, time
import psycopg2

mode, db, modules = sys.argv[1], sys.argv[2], sys.argv[3].split(",")

def connect(dbname):
    return psycopg2.connect(
        host=os.environ.get("ODOO_DB_HOST", "db"),
        port=os.environ.get("ODOO_DB_PORT", "5432"),
        user=os.environ.get("ODOO_DB_USER", "odoo"),
        password=os.environ["ODOO_DB_PASSWORD"],
        dbname=dbname, connect_timeout=5)

def ready():
    conn = connect("postgres")
    cur = conn.cursor()
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,))
    exists = cur.fetchone()
    conn.close()
    if not exists:
        return False
    cur = connect(db).cursor()
    cur.execute("SELECT to_regclass('ir_module_module')")
    if cur.fetchone()[0] is None:  # created but never initialised
        return False
    cur.execute("SELECT count(*) FROM ir_module_module"
                " WHERE state = 'installed' AND name = ANY(%s)", (modules,))
    return cur.fetchone()[0] == len(modules)

if mode == "lock":
    # Run the install command under a session-level advisory lock: a second
    # web node waits here, then finds the database ready and skips it.
    conn = connect("postgres")
    conn.autocommit = True
    conn.cursor().execute("SELECT pg_advisory_lock(hashtext(%s))", ("etp-install:" + db,))
    sys.exit(0 if ready() else subprocess.run(sys.argv[4:]).returncode)

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

sys.exit(0 if ready() else 1)
PY
}

# 2. PostgreSQL.
pg wait

# 3. The database. Only a web node installs it; the others must not even start
# Odoo before that, because `odoo -d NAME` creates a missing database by
# itself. Two web nodes (the second-web profile) take a PostgreSQL advisory
# lock, so that only one installs.
if [ "$ETP_ROLE" = web ]; then
  if ! pg ready; then
    log "database $ODOO_DB_NAME missing or incomplete: installing $ETP_MODULES" \
        "(demo data: $([ "${ETP_DEMO:-0}" = 1 ] && echo yes || echo no)); this takes a few minutes"
    pg lock odoo -c "$CONF" -d "$ODOO_DB_NAME" -i "$ETP_MODULES" \
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

# 4. Odoo, by role. A subcommand must come first: Odoo only recognises `gevent`
# as sys.argv[1] (odoo/_monkeypatches/evented.py), so it goes before -c.
case "$ETP_ROLE" in
  web)    exec etp-odoo-web -c "$CONF" -d "$ODOO_DB_NAME" --max-cron-threads=0 "$@" ;;
  gevent) exec odoo gevent -c "$CONF" -d "$ODOO_DB_NAME" --max-cron-threads=0 "$@" ;;
  cron)   exec odoo -c "$CONF" -d "$ODOO_DB_NAME" --no-http "$@" ;;
  *)      refuse "ETP_ROLE must be web, gevent or cron (not '$ETP_ROLE')." ;;
esac
