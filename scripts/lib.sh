# Shared helpers of scripts/run and scripts/test. Every step checks before it acts, so both
# commands are idempotent and never rebuild what is already installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA_DIR="${CLICKPAY_DATA_DIR:-$ROOT/.data}"
TRUNK_VERSION="0.21.14"
CARGO_DENY_VERSION="0.20.2"
BINARYEN_NPM_VERSION="132"
# The most the cabinet's wasm may weigh gzipped (issue 18: a lighter cabinet); the test command
# fails above it. Issue 18's budget: 400 000 bytes; the cabinet is 399 556 today, so any growth
# must be paid for by a cut elsewhere.
WASM_GZ_BUDGET_BYTES=400000
export PATH="$HOME/.cargo/bin:$ROOT/e2e/node_modules/.bin:$PATH"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

APT_UPDATED=""
# ensure_apt PACKAGE... installs the Debian packages that are missing.
ensure_apt() {
  local missing=()
  for p in "$@"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

pg_bindir() {
  local d
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return 0; }; done
  return 1
}

ensure_postgres_binaries() { pg_bindir >/dev/null || ensure_apt postgresql; pg_bindir >/dev/null || die "PostgreSQL server binaries not found"; }

ensure_wasm_target() {
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown && return 0
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
}

ensure_trunk() {
  if trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION\$"; then return 0; fi
  log "installing trunk $TRUNK_VERSION (a cold build takes ~13 min)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
}

ensure_cargo_deny() {
  if cargo deny --version 2>/dev/null | grep -q " $CARGO_DENY_VERSION\$"; then return 0; fi
  log "installing cargo-deny $CARGO_DENY_VERSION (~5 min)"
  cargo install cargo-deny --version "$CARGO_DENY_VERSION" --locked
}

# The wasm-bindgen CLI must match the wasm-bindgen library in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_wasm_bindgen() {
  local v; v="$(wasm_bindgen_version)"
  [ -n "$v" ] || die "wasm-bindgen not found in Cargo.lock"
  if wasm-bindgen --version 2>/dev/null | grep -q " $v\$"; then return 0; fi
  log "installing wasm-bindgen-cli $v (~4 min)"
  cargo install wasm-bindgen-cli --version "$v"
}

# e2e/node_modules holds Playwright's test runner (no browser download) and binaryen's wasm-opt.
ensure_node_modules() {
  command -v npm >/dev/null || ensure_apt nodejs npm
  local stamp="$ROOT/e2e/node_modules/.lock-hash" want
  want="$(sha256sum "$ROOT/e2e/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
  log "installing npm packages of e2e/"
  (cd "$ROOT/e2e" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
}

ensure_frontend_tools() {
  ensure_wasm_target
  ensure_trunk
  ensure_wasm_bindgen
  ensure_node_modules
  wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_NPM_VERSION" || die "wasm-opt $BINARYEN_NPM_VERSION missing (npm binaryen)"
  # Trunk.toml's post_build hook writes the .gz and .br copies the server sends.
  ensure_apt gzip brotli
}

# The dependencies' source paths end up in the wasm (panic locations): each registry's source
# folder is remapped to `crates`, so the build, and its size against the budget, do not depend
# on where Cargo's home is. RUSTFLAGS replaces .cargo/config.toml's flags for wasm32, so it
# repeats them.
build_frontend() {
  log "building the cabinet (trunk build --release)"
  local flags="--cfg erase_components" src
  for src in "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/; do
    flags+=" --remap-path-prefix=${src%/}=crates"
  done
  (cd "$ROOT" && RUSTFLAGS="$flags" trunk build --release)
}

# Fails when the built wasm, gzipped (the copy the build made), is over WASM_GZ_BUDGET_BYTES.
check_wasm_budget() {
  local wasm gz
  wasm="$(find "$ROOT/dist" -maxdepth 1 -name '*.wasm')"
  [ -n "$wasm" ] && [ "$(printf '%s\n' "$wasm" | wc -l)" = 1 ] || die "expected one .wasm in dist/, found: ${wasm:-none}"
  [ -f "$wasm.gz" ] && [ -f "$wasm.br" ] || die "no .gz/.br copy of $wasm: Trunk.toml's post_build hook makes them"
  gz="$(stat -c %s "$wasm.gz")"
  log "cabinet wasm: $(stat -c %s "$wasm") bytes, gzip $gz, brotli $(stat -c %s "$wasm.br") (gzip budget $WASM_GZ_BUDGET_BYTES)"
  [ "$gz" -le "$WASM_GZ_BUDGET_BYTES" ] || die "the cabinet's wasm is $gz bytes gzipped, over the budget of $WASM_GZ_BUDGET_BYTES"
}

# --- PostgreSQL --------------------------------------------------------------------------

# The project's own cluster lives in the project folder when the postgres user can reach it;
# otherwise in /var/lib/clickpay/<checkout hash>.
pg_dir() {
  local d="$DATA_DIR/postgres"
  mkdir -p "$DATA_DIR"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$DATA_DIR" 2>/dev/null; then
    d="/var/lib/clickpay/$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)/postgres"
  fi
  echo "$d"
}

# A port derived from the checkout, so two checkouts on one machine do not collide.
pg_port() { echo "${CLICKPAY_PG_PORT:-$((54000 + $(printf '%s' "$ROOT" | cksum | cut -d' ' -f1) % 900))}"; }

run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# Starts the local cluster (unless DATABASE_URL is set) and exports DATABASE_URL.
start_postgres() {
  if [ -n "${DATABASE_URL:-}" ]; then log "using DATABASE_URL from the environment"; return 0; fi
  ensure_postgres_binaries
  LOCAL_PG=1
  local bin dir port pwfile sockdir
  bin="$(pg_bindir)"; dir="$(pg_dir)"; port="$(pg_port)"; sockdir="$dir/../run"
  pwfile="$DATA_DIR/pg-password"
  [ -s "$pwfile" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$pwfile")
  mkdir -p "$dir" "$sockdir"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$(dirname "$dir")"
  if [ ! -f "$dir/PG_VERSION" ]; then
    log "creating the local PostgreSQL cluster in $dir"
    local tmp; tmp="$(mktemp)"; cp "$pwfile" "$tmp"; chmod 644 "$tmp"
    run_pg "$bin/initdb" -D "$dir" -U clickpay --pwfile="$tmp" --auth-local=scram-sha-256 \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$tmp"
  fi
  if ! run_pg "$bin/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
    log "starting PostgreSQL on 127.0.0.1:$port"
    run_pg "$bin/pg_ctl" -D "$dir" -l "$dir/../postgres.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$sockdir -c max_connections=300 -c fsync=${CLICKPAY_PG_FSYNC:-on}" >/dev/null
  fi
  local pw; pw="$(cat "$pwfile")"
  export DATABASE_URL="postgres://clickpay:$pw@127.0.0.1:$port/clickpay"
  PGPASSWORD="$pw" "$bin/psql" -h 127.0.0.1 -p "$port" -U clickpay -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'clickpay'" | grep -q 1 \
    || PGPASSWORD="$pw" "$bin/psql" -h 127.0.0.1 -p "$port" -U clickpay -d postgres -qc "CREATE DATABASE clickpay" >/dev/null
}

# A primary and its streaming replica, made afresh for the replica test: the primary commits
# with synchronous_commit = remote_apply, so a read on the replica right after a write sees it.
# A pair of its own, beside the local cluster, so a missing standby can never stall the local
# cluster's commits. Exports REPLICA_PRIMARY_URL and REPLICA_STANDBY_URL (database `clickpay`).
start_replica_pair() {
  ensure_postgres_binaries
  local bin root pwfile pw primary_port standby_port tmp
  bin="$(pg_bindir)"; root="$(dirname "$(pg_dir)")/replica-test"
  # Below Linux's ephemeral range (32768-60999): a client connection of the tests just run can
  # hold a port in it, and then the pair could not listen there.
  local base; base="$(pg_port)"; [ "$base" -lt 32768 ] || base=$((base - 30000))
  primary_port=$((base + 1)); standby_port=$((base + 2))
  pwfile="$DATA_DIR/pg-password"; pw="$(cat "$pwfile")"
  psql_p() { PGPASSWORD="$pw" timeout 30 "$bin/psql" -h 127.0.0.1 -p "$primary_port" -U clickpay -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
  stop_replica_pair
  rm -rf "$root"; mkdir -p "$root/run"
  [ "$(id -u)" = 0 ] && chown -R postgres: "$root"
  log "creating a primary and a streaming replica (pg_basebackup) on ports $primary_port and $standby_port"
  tmp="$(mktemp)"; cp "$pwfile" "$tmp"; chmod 644 "$tmp"
  run_pg "$bin/initdb" -D "$root/primary" -U clickpay --pwfile="$tmp" --auth-local=scram-sha-256 \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$tmp"
  # Asynchronous until the standby streams: a commit never waits for a standby that is not there.
  run_pg "$bin/pg_ctl" -D "$root/primary" -l "$root/primary.log" -w -t 60 start -o "-c listen_addresses=127.0.0.1 \
    -c port=$primary_port -c unix_socket_directories=$root/run -c max_connections=200 -c fsync=off" >/dev/null
  psql_p -c "CREATE DATABASE clickpay" >/dev/null
  run_pg env PGPASSWORD="$pw" timeout 120 "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U clickpay \
    -D "$root/standby" -R -X stream >/dev/null
  run_pg "$bin/pg_ctl" -D "$root/standby" -l "$root/standby.log" -w -t 60 start -o "-c listen_addresses=127.0.0.1 \
    -c port=$standby_port -c unix_socket_directories=$root/run -c max_connections=200 -c fsync=off \
    -c cluster_name=clickpay_standby -c hot_standby=on -c hot_standby_feedback=on" >/dev/null
  # Waits (30 s at most) until the standby's column $1 of pg_stat_replication reads $2.
  replication_is() {
    local column="$1" want="$2" got=""
    for _ in $(seq 150); do
      got="$(psql_p -c "SELECT $column FROM pg_stat_replication WHERE application_name = 'clickpay_standby'")"
      [ "$got" = "$want" ] && return 0
      sleep 0.2
    done
    die "the replica's $column is '$got', not '$want': see $root/standby.log"
  }
  replication_is state streaming
  # Now synchronous, applied before a commit returns: a read on the replica right after a write
  # sees it.
  psql_p -c "ALTER SYSTEM SET synchronous_standby_names = 'clickpay_standby'" \
    -c "ALTER SYSTEM SET synchronous_commit = 'remote_apply'" -c "SELECT pg_reload_conf()" >/dev/null
  replication_is sync_state sync
  REPLICA_PRIMARY_URL="postgres://clickpay:$pw@127.0.0.1:$primary_port/clickpay"
  REPLICA_STANDBY_URL="postgres://clickpay:$pw@127.0.0.1:$standby_port/clickpay"
  export REPLICA_PRIMARY_URL REPLICA_STANDBY_URL
}

stop_replica_pair() {
  local bin root; bin="$(pg_bindir)"; root="$(dirname "$(pg_dir)")/replica-test"
  for d in standby primary; do
    [ -f "$root/$d/PG_VERSION" ] && run_pg "$bin/pg_ctl" -D "$root/$d" -m immediate stop >/dev/null 2>&1 || true
  done
}

# The application's role (no ownership, no DDL) for the database of $1 (a URL of the owner);
# prints the URL the server connects with. Migrations keep running as the owner.
app_database_url() {
  local owner_url="$1" db pwfile="$DATA_DIR/app-pg-password" pw hostport
  db="${owner_url##*/}"; db="${db%%\?*}"
  [ -s "$pwfile" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$pwfile")
  pw="$(cat "$pwfile")"
  psql_admin -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clickpay_app') THEN
        CREATE ROLE clickpay_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$pw';
      ELSE ALTER ROLE clickpay_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '$pw'; END IF; END \$\$"
  local psql; psql="$(command -v psql || echo "$(pg_bindir)/psql")"
  "$psql" "$owner_url" -v ON_ERROR_STOP=1 -qtA -v app_role=clickpay_app -f "$ROOT/scripts/app-role.sql" >/dev/null
  hostport="${owner_url#*@}"; hostport="${hostport%%/*}"
  echo "postgres://clickpay_app:$pw@$hostport/$db"
}

# psql against the server of DATABASE_URL, in its maintenance database.
psql_admin() {
  local url="${DATABASE_URL%/*}/postgres"
  local psql; psql="$(command -v psql || echo "$(pg_bindir)/psql")"
  "$psql" "$url" -v ON_ERROR_STOP=1 -qtA "$@"
}

# --- The sandbox bank ----------------------------------------------------------------------

# The bank's own database and role in the local cluster; exports SANDBOX_BANK_DATABASE_URL. The
# gateway's role is given no grant on it (PUBLIC's CONNECT is revoked).
bank_database() {
  if [ -n "${SANDBOX_BANK_DATABASE_URL:-}" ]; then return 0; fi
  local pwfile="$DATA_DIR/bank-pg-password" pw hostport
  [ -s "$pwfile" ] || (umask 077; head -c 24 /dev/urandom | base64 | tr -d '/+=' > "$pwfile")
  pw="$(cat "$pwfile")"
  psql_admin -c "DO \$\$ BEGIN
      IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'clickpay_bank') THEN
        CREATE ROLE clickpay_bank LOGIN PASSWORD '$pw';
      ELSE ALTER ROLE clickpay_bank LOGIN PASSWORD '$pw'; END IF; END \$\$"
  psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'clickpay_bank'" | grep -q 1 \
    || psql_admin -c "CREATE DATABASE clickpay_bank OWNER clickpay_bank"
  psql_admin -c "REVOKE ALL ON DATABASE clickpay_bank FROM PUBLIC"
  hostport="${DATABASE_URL#*@}"; hostport="${hostport%%/*}"
  export SANDBOX_BANK_DATABASE_URL="postgres://clickpay_bank:$pw@$hostport/clickpay_bank"
}

# Starts the sandbox bank on $SANDBOX_BANK_PORT (default: the gateway's port + 1), unless
# CLICKPAY_ACQUIRER_URL points the gateway at another bank. A bank left running by an earlier
# start is stopped first, so the bank always runs the binary just built; its ledger is in its
# database, so a restart loses nothing.
start_bank() {
  if [ -n "${CLICKPAY_ACQUIRER_URL:-}" ]; then log "using the bank at $CLICKPAY_ACQUIRER_URL"; return 0; fi
  local port="${SANDBOX_BANK_PORT:-$(( ${PORT:-8080} + 1 ))}" pidfile="$DATA_DIR/sandbox-bank.pid" pid
  command -v curl >/dev/null || ensure_apt curl
  bank_database
  if [ -f "$pidfile" ]; then
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q sandbox-bank; then
      log "stopping the sandbox bank left running (pid $pid)"
      kill "$pid"; for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$pidfile"
  fi
  if curl -fsS -m 2 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; then
    die "port $port is taken by another process: set SANDBOX_BANK_PORT or CLICKPAY_ACQUIRER_URL"
  fi
  log "starting the sandbox bank on 127.0.0.1:$port"
  SANDBOX_BANK_PORT="$port" nohup "$ROOT/target/debug/clickpay" sandbox-bank >> "$DATA_DIR/sandbox-bank.log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 100); do
    curl -fsS -m 2 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    kill -0 "$(cat "$pidfile")" 2>/dev/null || die "the sandbox bank did not start: see $DATA_DIR/sandbox-bank.log"
    sleep 0.2
  done
  export CLICKPAY_ACQUIRER_URL="http://127.0.0.1:$port" SANDBOX_BANK_PORT="$port"
}

# The browser tests: a fresh database with the demo seed, the real server on the built SPA.
run_e2e() {
  log "browser tests"
  local e2e_db_url="${DATABASE_URL%/*}/clickpay_e2e" e2e_data
  psql_admin -c "DROP DATABASE IF EXISTS clickpay_e2e WITH (FORCE)"
  psql_admin -c "CREATE DATABASE clickpay_e2e"
  psql_admin -c "DROP DATABASE IF EXISTS clickpay_e2e_bank WITH (FORCE)"
  psql_admin -c "CREATE DATABASE clickpay_e2e_bank"
  export E2E_BANK_DATABASE_URL="${DATABASE_URL%/*}/clickpay_e2e_bank"
  e2e_data="$(mktemp -d)"
  export CLICKPAY_E2E_PASSWORD="E2e-password-$(date +%s)"
  (
    export DATABASE_URL="$e2e_db_url" CLICKPAY__DATA_DIR="$e2e_data" CLICKPAY_DEMO_PASSWORD="$CLICKPAY_E2E_PASSWORD"
    "$ROOT/target/debug/clickpay" migrate >/dev/null
    "$ROOT/target/debug/clickpay" seed-demo >/dev/null
  )
  # The server under test connects as the application's role, as in production.
  if [ -n "${LOCAL_PG:-}" ]; then e2e_db_url="$(app_database_url "$e2e_db_url")"; fi
  export E2E_DATABASE_URL="$e2e_db_url" E2E_DATA_DIR="$e2e_data" E2E_ROOT="$ROOT"
  CHROMIUM_PATH="$(command -v chromium)"
  export CHROMIUM_PATH
  (cd "$ROOT/e2e" && npx playwright test "$@")
}
