# shellcheck shell=bash
# Shared set-up steps for scripts/run.sh and scripts/test.sh.
# Every step is idempotent and cheap when there is nothing to do.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STATE="$ROOT/.state"          # generated config, logs, stamps (ignored by git)
PY=python3.11

# Where Odoo 18.0's source is: a directory with odoo-bin and odoo/ (packaged
# layout), or a git checkout of odoo/odoo (odoo-bin, odoo/, addons/).
ODOO_SOURCE="${ODOO_SOURCE:-/opt/odoo-18.0}"

# PostgreSQL: by default a local cluster that the setup starts and a role it
# creates. Set PGHOST/PGPORT/PGUSER/PGPASSWORD and ETP_PG_MANAGED=0 to use an
# existing server instead (see config/README.md).
export PGHOST="${PGHOST:-127.0.0.1}"
export PGPORT="${PGPORT:-5432}"
export PGUSER="${PGUSER:-etp}"
export PGPASSWORD="${PGPASSWORD:-etp}"
ETP_PG_MANAGED="${ETP_PG_MANAGED:-1}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

phase_start() { PHASE_NAME="$1"; PHASE_T0=$(date +%s); say "$1"; }
phase_end() {
  local dt=$(( $(date +%s) - PHASE_T0 ))
  PHASE_TIMES+=("$(printf '%-22s %4ss' "$PHASE_NAME" "$dt")")
}
print_phase_times() {
  say "Time per phase"
  printf '    %s\n' "${PHASE_TIMES[@]}"
}
PHASE_TIMES=()

check_odoo_source() {
  if [ ! -f "$ODOO_SOURCE/odoo-bin" ] || [ ! -f "$ODOO_SOURCE/odoo/release.py" ]; then
    die "Odoo 18.0 source not found at ODOO_SOURCE=$ODOO_SOURCE.
  Provide a directory that holds 'odoo-bin' and the 'odoo/' package of Odoo 18.0
  Community (an official source tarball unpacked, or a git checkout of the 18.0 branch),
  then either put it at $ODOO_SOURCE or run with ODOO_SOURCE=/path/to/it."
  fi
  local ver
  ver=$(grep -E "^version_info = " "$ODOO_SOURCE/odoo/release.py" | head -n1)
  case "$ver" in
    *"(18, 0,"*) ;;
    *) die "ODOO_SOURCE=$ODOO_SOURCE is not Odoo 18.0 ($ver)." ;;
  esac
}

# Addons path: ours, Odoo's own addons (both layouts). OCA wheels are found
# through the odoo.addons namespace of the venv.
addons_path() {
  local p="$ROOT/addons,$ODOO_SOURCE/odoo/addons"
  [ -d "$ODOO_SOURCE/addons" ] && p="$p,$ODOO_SOURCE/addons"
  echo "$p"
}

ensure_system_packages() {
  # python-ldap builds against these; chromium runs the tours; postfix and
  # dovecot are the real mail servers of the mail round trip (the tests run
  # private instances on free ports, never the system's services); nginx
  # fronts `make run-prod`; docker-compose (v1) checks docker-compose.yml.
  local missing=()
  for pkg in libldap2-dev libsasl2-dev libpq-dev chromium \
             postfix dovecot-imapd dovecot-lmtpd nginx-light docker-compose; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "Missing Debian packages: ${missing[*]}. Install them: sudo apt-get install ${missing[*]}"
  fi
  say "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  # postfix asks how to configure itself: the defaults do (the tests bring
  # their own configuration).
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

ensure_venv() {
  local stamp="$VENV/.etp-stamp" want
  want=$(cat "$ROOT"/requirements-*.txt "$ROOT"/scripts/common.sh | sha256sum | cut -d' ' -f1)
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$VENV/bin/python" ]; then
    link_odoo_source
    return 0
  fi
  command -v "$PY" >/dev/null || PY=python3
  "$PY" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
    || die "Python 3.11 is required (found $("$PY" --version))."
  say "Creating the virtualenv in $VENV"
  [ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements-odoo.txt"
  "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps -r "$ROOT/requirements-oca.txt"
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$ROOT/requirements-dev.txt"
  link_odoo_source
  echo "$want" > "$stamp"
}

# Make `import odoo` resolve to ODOO_SOURCE inside the venv (a .pth file), so
# pytest-odoo and the OCA wheels in the odoo.addons namespace all see one Odoo.
link_odoo_source() {
  local site
  site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
  echo "$ODOO_SOURCE" > "$site/etp-odoo-source.pth"
}

ensure_postgres() {
  if [ "$ETP_PG_MANAGED" = "1" ]; then
    if command -v pg_lsclusters >/dev/null; then
      local cluster
      cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2" "$4}')
      [ -n "$cluster" ] || die "No PostgreSQL cluster found (pg_lsclusters is empty)."
      set -- $cluster
      if [ "$3" != "online" ]; then
        say "Starting PostgreSQL $1/$2"
        pg_ctlcluster "$1" "$2" start
      fi
    fi
    if [ "$(id -u)" -eq 0 ] && id postgres >/dev/null 2>&1; then
      # As the cluster's superuser over the local socket, without our PG* variables.
      local su_psql=(runuser -u postgres -- env -u PGHOST -u PGUSER -u PGPASSWORD psql -qtA -p "$PGPORT")
      "${su_psql[@]}" -c "SELECT 1 FROM pg_roles WHERE rolname = '$PGUSER'" | grep -q 1 \
        || { say "Creating PostgreSQL role $PGUSER";
             "${su_psql[@]}" -c "CREATE ROLE \"$PGUSER\" LOGIN CREATEDB PASSWORD '$PGPASSWORD'"; }
    fi
  fi
  for _ in $(seq 1 30); do
    "$VENV/bin/python" -c 'import psycopg2; psycopg2.connect(dbname="postgres").close()' 2>/dev/null && return 0
    sleep 1
  done
  die "Cannot connect to PostgreSQL at $PGHOST:$PGPORT as $PGUSER. Start it, or set PGHOST/PGPORT/PGUSER/PGPASSWORD (see config/README.md)."
}

# Render config/odoo.conf (shared with docker-compose) into .state/<name>.conf.
render_config() {
  local name="$1"; shift
  mkdir -p "$STATE"
  ODOO_ADDONS_PATH="$(addons_path)" \
  ODOO_DATA_DIR="${ODOO_DATA_DIR:-$STATE/data}" \
  ODOO_ADMIN_PASSWORD="${ODOO_ADMIN_PASSWORD:-admin}" \
  ODOO_DB_HOST="$PGHOST" ODOO_DB_PORT="$PGPORT" ODOO_DB_USER="$PGUSER" ODOO_DB_PASSWORD="$PGPASSWORD" \
    "$VENV/bin/python" "$ROOT/config/render_conf.py" "$ROOT/config/odoo.conf" "$@" > "$STATE/$name.conf"
  echo "$STATE/$name.conf"
}

db_exists() {
  "$VENV/bin/python" - "$1" <<'PY'
import sys, psycopg2
conn = psycopg2.connect(dbname="postgres")
cur = conn.cursor()
cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", (sys.argv[1],))
sys.exit(0 if cur.fetchone() else 1)
PY
}

# Drop database $1 (of this worktree's server) and its filestore, if any.
drop_db() {
  "$VENV/bin/python" - "$1" <<'PY'
import sys, psycopg2
conn = psycopg2.connect(dbname="postgres")
conn.autocommit = True
conn.cursor().execute('DROP DATABASE IF EXISTS "%s" WITH (FORCE)' % sys.argv[1])
PY
  rm -rf "$STATE/data/filestore/$1"
}

# Modules of the product, in install order.
ETP_MODULES="etp_helpdesk,etp_escalation,etp_incident"
# The test databases add etp_stories: the tests across the addons, an addon
# installed only to run them (never in the demo or in production).
ETP_TEST_MODULES="$ETP_MODULES,etp_stories"

# Fail unless every given module is installed in the database.
check_installed() {
  "$VENV/bin/python" - "$1" "$2" <<'PY'
import sys, psycopg2
db, modules = sys.argv[1], sys.argv[2].split(",")
cur = psycopg2.connect(dbname=db).cursor()
cur.execute("SELECT name, state FROM ir_module_module WHERE name = ANY(%s)", (modules,))
states = dict(cur.fetchall())
bad = {m: states.get(m, "absent") for m in modules if states.get(m) != "installed"}
if bad:
    sys.exit("Modules not installed: %s" % ", ".join(f"{m} ({s})" for m, s in bad.items()))
PY
}

# Build `make run`'s database DB with config CONF: the three addons with their
# demo data and Russian, then the demo finishing touches. The test suite builds
# the same database and checks it (scripts/check_demo.py). Extra arguments go
# to odoo-bin (e.g. --logfile=...).
build_demo_db() {
  local db="$1" conf="$2"; shift 2
  "$VENV/bin/python" "$ODOO_SOURCE/odoo-bin" -c "$conf" -d "$db" \
    -i "$ETP_MODULES" --load-language=ru_RU --without-demo=all --stop-after-init "$@"
  # demo_setup.py loads the demo data once the Russian is there (see there).
  "$VENV/bin/python" "$ROOT/scripts/demo_setup.py" "$conf" "$db"
  check_installed "$db" "$ETP_MODULES"
}
