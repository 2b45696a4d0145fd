#!/usr/bin/env bash
# A production-shaped Temporal beside the dev server: the real Temporal server
# (go.temporal.io/server v1.29.1, its cmd/server) on PostgreSQL, with persistence and SQL
# visibility in their own databases. Their schemas are set up and migrated by the server's own
# schema tool (cmd/tools/sql, plugin postgres12, the versioned schemas embedded in it). The
# `default` namespace and the sync's Keyword search attributes are registered. Idempotent: a
# second `start` rebuilds nothing and changes nothing.
#
# Usage: scripts/temporal-postgres.sh [start|stop|status|reset]
#   start   (the default) build the two binaries into .tools/bin if missing, create the databases
#           if missing, set up and update their schemas, write the server config, start the server
#           in the background, wait until it answers, create the namespace and the search
#           attributes if missing, then print the address (stdout). Already running and healthy:
#           it says so and checks the namespace and the search attributes, changing nothing.
#   stop    SIGTERM, then SIGKILL after TEMPORAL_PG_STOP_TIMEOUT seconds. Not running is fine.
#   status  exit 0 and print the address (stdout) when running and healthy, else exit 1.
#   reset   stop, drop both databases and remove .data/temporal-postgres (the binaries stay).
#
# Environment (default):
#   TEMPORAL_PG_HOST (127.0.0.1), TEMPORAL_PG_PORT (5432), TEMPORAL_PG_USER (postgres),
#   TEMPORAL_PG_PASSWORD (empty; passed to the tools and the server through their environment,
#     never written to a file or a command line)
#   TEMPORAL_PG_DB (alloyscan_temporal): persistence database
#   TEMPORAL_PG_VISIBILITY_DB (alloyscan_temporal_visibility): SQL visibility database
#   TEMPORAL_PG_FRONTEND_PORT (7433): the address is 127.0.0.1:<port>. Every port of the server is
#     derived from it and bound to 127.0.0.1, so it runs beside the dev server (7233/8233) and any
#     other Temporal (membership 6933-6939). With the default:
#       7433 frontend gRPC   7434 history gRPC   7435 matching gRPC   7439 worker gRPC
#       7443 frontend HTTP   7445-7448 membership (frontend, history, matching, worker)
#       7449 Prometheus metrics (http://127.0.0.1:7449/metrics)
#   TEMPORAL_PG_LOG_LEVEL (info), TEMPORAL_PG_START_TIMEOUT (120 s), TEMPORAL_PG_STOP_TIMEOUT (30 s)
#
# Files: .tools/bin/temporal-server, .tools/bin/temporal-sql-tool (+ .temporal-server-version);
# .data/temporal-postgres/: config/server.yaml and config/dynamicconfig.yaml (rewritten on each
# start), server.pid, server.log (the previous run's in server.log.prev), schema.log.
# numHistoryShards (4) is fixed when the databases are created: `reset` to change it.
set -euo pipefail
cd "$(dirname "$0")/.."

TEMPORAL_SERVER_VERSION=v1.29.1
TOOLS_BIN="$PWD/.tools/bin"
SERVER_BIN="$TOOLS_BIN/temporal-server"
SQL_TOOL_BIN="$TOOLS_BIN/temporal-sql-tool"
VERSION_STAMP="$TOOLS_BIN/.temporal-server-version"
TEMPORAL_CLI="$TOOLS_BIN/temporal"
DATA_DIR="$PWD/.data/temporal-postgres"
CONFIG_DIR="$DATA_DIR/config"
PID_FILE="$DATA_DIR/server.pid"
SETTINGS_FILE="$DATA_DIR/server.settings" # the settings the running server was started with
LOG_FILE="$DATA_DIR/server.log"
SCHEMA_LOG="$DATA_DIR/schema.log"

PG_HOST=${TEMPORAL_PG_HOST:-127.0.0.1}
PG_PORT=${TEMPORAL_PG_PORT:-5432}
PG_USER=${TEMPORAL_PG_USER:-postgres}
PG_PASSWORD=${TEMPORAL_PG_PASSWORD:-}
PG_DB=${TEMPORAL_PG_DB:-alloyscan_temporal}
PG_VISIBILITY_DB=${TEMPORAL_PG_VISIBILITY_DB:-alloyscan_temporal_visibility}
FRONTEND_PORT=${TEMPORAL_PG_FRONTEND_PORT:-7433}
LOG_LEVEL=${TEMPORAL_PG_LOG_LEVEL:-info}
START_TIMEOUT=${TEMPORAL_PG_START_TIMEOUT:-120}
STOP_TIMEOUT=${TEMPORAL_PG_STOP_TIMEOUT:-30}

NAMESPACE=default
NAMESPACE_RETENTION=72h
SEARCH_ATTRIBUTES=(JobId AlloyScanSite SyncTrigger SyncOutcome) # all Keyword (common/search-attributes.ts)

log() { printf '[temporal-postgres] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# --- Settings check ----------------------------------------------------------------------------
if ! [[ $FRONTEND_PORT =~ ^[0-9]+$ ]] || (( FRONTEND_PORT < 1024 || FRONTEND_PORT + 16 > 65535 )); then
  die "TEMPORAL_PG_FRONTEND_PORT must be a port from 1024 to 65519 (the server uses it and the 16 above it), not '$FRONTEND_PORT'"
fi
[[ $PG_PORT =~ ^[0-9]+$ ]] || die "TEMPORAL_PG_PORT must be a port number, not '$PG_PORT'"
[[ $PG_HOST =~ ^[A-Za-z0-9_.-]+$ ]] || die "TEMPORAL_PG_HOST must be a host name or IPv4 address, not '$PG_HOST'"
[[ $PG_USER =~ ^[A-Za-z0-9_.-]+$ ]] || die "TEMPORAL_PG_USER must be letters, digits, '_', '.' or '-', not '$PG_USER'"
for db in "$PG_DB" "$PG_VISIBILITY_DB"; do
  [[ $db =~ ^[a-z_][a-z0-9_]*$ ]] || die "database names must be lower-case letters, digits and '_' (not '$db')"
done
[ "$PG_DB" != "$PG_VISIBILITY_DB" ] || die "TEMPORAL_PG_DB and TEMPORAL_PG_VISIBILITY_DB must differ (both are '$PG_DB')"
[[ $LOG_LEVEL =~ ^(debug|info|warn|error)$ ]] || die "TEMPORAL_PG_LOG_LEVEL must be debug, info, warn or error, not '$LOG_LEVEL'"
[[ $START_TIMEOUT =~ ^[0-9]+$ && $STOP_TIMEOUT =~ ^[0-9]+$ ]] || die "TEMPORAL_PG_START_TIMEOUT and TEMPORAL_PG_STOP_TIMEOUT are seconds"

ADDRESS="127.0.0.1:$FRONTEND_PORT"
HISTORY_PORT=$(( FRONTEND_PORT + 1 ))
MATCHING_PORT=$(( FRONTEND_PORT + 2 ))
WORKER_PORT=$(( FRONTEND_PORT + 6 ))
HTTP_PORT=$(( FRONTEND_PORT + 10 ))
FRONTEND_MEMBERSHIP_PORT=$(( FRONTEND_PORT + 12 ))
HISTORY_MEMBERSHIP_PORT=$(( FRONTEND_PORT + 13 ))
MATCHING_MEMBERSHIP_PORT=$(( FRONTEND_PORT + 14 ))
WORKER_MEMBERSHIP_PORT=$(( FRONTEND_PORT + 15 ))
METRICS_PORT=$(( FRONTEND_PORT + 16 ))
# Everything the generated config depends on (not the password): a running server started with other
# settings is reported, never silently reused or stopped for them.
SETTINGS="address=$ADDRESS postgres=$PG_USER@$PG_HOST:$PG_PORT db=$PG_DB visibility_db=$PG_VISIBILITY_DB log_level=$LOG_LEVEL server=$TEMPORAL_SERVER_VERSION"
ALL_PORTS=("$FRONTEND_PORT" "$HISTORY_PORT" "$MATCHING_PORT" "$WORKER_PORT" "$HTTP_PORT"
  "$FRONTEND_MEMBERSHIP_PORT" "$HISTORY_MEMBERSHIP_PORT" "$MATCHING_MEMBERSHIP_PORT"
  "$WORKER_MEMBERSHIP_PORT" "$METRICS_PORT")

# `env -u NAME ...` for every exported variable starting with a prefix: the tools read settings
# from the environment (SQL_TLS, TEMPORAL_ADDRESS, TEMPORAL_API_KEY, TEMPORAL_ENVIRONMENT...) and
# must see only what this script passes.
unset_env_args() {
  local v
  for v in $(compgen -e); do
    [[ $v == "$1"* ]] && printf -- '-u\n%s\n' "$v"
  done
  return 0
}
mapfile -t CLEAN_SQL_ENV < <(unset_env_args SQL_)
mapfile -t CLEAN_TEMPORAL_ENV < <(unset_env_args TEMPORAL_)

# --- PostgreSQL --------------------------------------------------------------------------------
# pg DB SQL: runs one statement, prints the rows unaligned (-At); .psqlrc ignored (-X).
pg() {
  env ${PG_PASSWORD:+"PGPASSWORD=$PG_PASSWORD"} PGCONNECT_TIMEOUT=10 \
    psql -w -X -q -At -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -d "$1" -c "$2"
}

check_postgres() {
  command -v psql >/dev/null || die "psql (the PostgreSQL client) is required: apt-get install postgresql-client"
  local out
  out=$(pg postgres 'SHOW server_version_num' 2>&1) ||
    die "cannot reach PostgreSQL at $PG_HOST:$PG_PORT as '$PG_USER' (database 'postgres'): $out"
  if ! [[ $out =~ ^[0-9]+$ ]] || (( out < 120000 )); then
    die "PostgreSQL 12 or newer is required (plugin postgres12); the server reports version number '$out'"
  fi
  PG_VERSION_NUM=$out
}

database_exists() { [ "$(pg postgres "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }

ensure_database() {
  if database_exists "$1"; then
    log "database $1 exists"
  else
    log "creating database $1"
    pg postgres "CREATE DATABASE $1" >/dev/null
  fi
}

sql_tool() { # sql_tool DB COMMAND [ARGS...]: the schema tool against DB; output appended to schema.log
  local db=$1
  shift
  printf '\n=== %s temporal-sql-tool --db %s %s\n' "$(date '+%F %T')" "$db" "$*" >>"$SCHEMA_LOG"
  env "${CLEAN_SQL_ENV[@]}" ${PG_PASSWORD:+"SQL_PASSWORD=$PG_PASSWORD"} \
    "$SQL_TOOL_BIN" --endpoint "$PG_HOST" --port "$PG_PORT" --user "$PG_USER" \
    --plugin postgres12 --db "$db" "$@" >>"$SCHEMA_LOG" 2>&1 ||
    { tail -n 20 "$SCHEMA_LOG" >&2; die "temporal-sql-tool $1 failed on database $db (full output: $SCHEMA_LOG)"; }
}

schema_version() { # the version the schema tool recorded, empty before setup-schema
  if [ "$(pg "$1" "SELECT to_regclass('public.schema_version') IS NOT NULL")" = t ]; then
    pg "$1" "SELECT curr_version FROM schema_version WHERE version_partition = 0 AND db_name = '$1'"
  fi
}

# ensure_schema DB EMBEDDED_SCHEMA: setup-schema -v 0.0 (only the version tables) once, then
# update-schema to the newest version embedded in the tool (a no-op when already there).
ensure_schema() {
  local db=$1 schema=$2 before after
  before=$(schema_version "$db")
  if [ -z "$before" ]; then
    log "setting up the schema of $db ($schema)"
    sql_tool "$db" setup-schema -v 0.0
  fi
  sql_tool "$db" update-schema --schema-name "$schema"
  after=$(schema_version "$db")
  if [ "$before" = "$after" ]; then
    log "schema of $db up to date (version $after)"
  else
    log "schema of $db updated: ${before:-none} -> $after"
  fi
}

# --- Binaries ----------------------------------------------------------------------------------
# The server and its schema tool, built from the server's Go module (no replace directives, so
# `go install module/pkg@version` works) into .tools/bin under their usual release names.
build_binaries() {
  if [ -x "$SERVER_BIN" ] && [ -x "$SQL_TOOL_BIN" ] &&
    [ "$(cat "$VERSION_STAMP" 2>/dev/null)" = "$TEMPORAL_SERVER_VERSION" ]; then
    log "temporal-server and temporal-sql-tool $TEMPORAL_SERVER_VERSION present in .tools/bin"
    return
  fi
  command -v go >/dev/null || die "Go is required to build the Temporal server (Go >= 1.25)"
  local go_version start
  go_version=$(go env GOVERSION 2>/dev/null || true) # go1.26.8, go1.25rc1, devel go1.26-...
  if [[ "$go_version" =~ go([0-9]+)\.([0-9]+) ]]; then
    if (( BASH_REMATCH[1] < 1 || (BASH_REMATCH[1] == 1 && BASH_REMATCH[2] < 25) )); then
      die "Go >= 1.25 is required to build the Temporal server, but 'go' is $go_version ($(command -v go)): install a newer Go"
    fi
  else
    log "cannot tell the Go version ('$go_version'); trying anyway (Go >= 1.25 is required)"
  fi
  log "building the Temporal server $TEMPORAL_SERVER_VERSION and its SQL schema tool with 'go install' ($go_version; minutes on a cold cache)..."
  mkdir -p "$TOOLS_BIN"
  BUILD_DIR=$(mktemp -d "$TOOLS_BIN/.build.XXXXXX") # `go install` names them server and sql
  trap 'rm -rf "$BUILD_DIR"' EXIT
  start=$(date +%s)
  # As in setup.sh: package lines (a bare import path, the -v output) only advance a counter;
  # every other line (compiler errors, "go: ..." messages) is printed in full.
  GOBIN="$BUILD_DIR" GOFLAGS=-buildvcs=false go install -v \
    "go.temporal.io/server/cmd/server@$TEMPORAL_SERVER_VERSION" \
    "go.temporal.io/server/cmd/tools/sql@$TEMPORAL_SERVER_VERSION" 2>&1 |
    awk '!/^[[:alnum:]._~\/+-]+$/ { print "[temporal-postgres]   " $0 > "/dev/stderr"; fflush(); next }
         { n++; if (n % 100 == 0) { printf "[temporal-postgres]   ... %d packages compiled\n", n > "/dev/stderr"; fflush() } }' ||
    die "go install failed (see the errors above)"
  if [ ! -x "$BUILD_DIR/server" ] || [ ! -x "$BUILD_DIR/sql" ]; then
    die "go install finished without producing the server and sql binaries"
  fi
  mv -f "$BUILD_DIR/server" "$SERVER_BIN"
  mv -f "$BUILD_DIR/sql" "$SQL_TOOL_BIN"
  echo "$TEMPORAL_SERVER_VERSION" >"$VERSION_STAMP"
  log "temporal-server and temporal-sql-tool built in $(( $(date +%s) - start ))s"
}

# --- Server config -----------------------------------------------------------------------------
write_config() {
  mkdir -p "$CONFIG_DIR"
  # The server renders this file as a Go template (the "enable-template" comment): only the
  # password line uses it, read from the server's environment.
  cat >"$CONFIG_DIR/server.yaml.tmp" <<EOF
# enable-template (the password is read from TEMPORAL_PG_PASSWORD when the server starts)
# Generated by scripts/temporal-postgres.sh on every start: edit the script, not this file.
log:
  stdout: true
  level: $LOG_LEVEL

persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4 # fixed once the database exists; small for a 2-core machine
  datastores:
    postgres-default:
      sql:
        pluginName: postgres12
        databaseName: $PG_DB
        connectAddr: "$PG_HOST:$PG_PORT"
        connectProtocol: tcp
        user: "$PG_USER"
        password: {{ env "TEMPORAL_PG_PASSWORD" | quote }}
        # Per service: the four services each open their own pools, so at most 4 x (8 + 4) = 48
        # connections (PostgreSQL's default max_connections is 100, shared with the store tests).
        maxConns: 8
        maxIdleConns: 4
        maxConnLifetime: 1h
    postgres-visibility:
      sql:
        pluginName: postgres12
        databaseName: $PG_VISIBILITY_DB
        connectAddr: "$PG_HOST:$PG_PORT"
        connectProtocol: tcp
        user: "$PG_USER"
        password: {{ env "TEMPORAL_PG_PASSWORD" | quote }}
        maxConns: 4
        maxIdleConns: 2
        maxConnLifetime: 1h

global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
  pprof:
    port: 0 # off
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: 127.0.0.1:$METRICS_PORT

services:
  frontend:
    rpc:
      grpcPort: $FRONTEND_PORT
      httpPort: $HTTP_PORT
      membershipPort: $FRONTEND_MEMBERSHIP_PORT
      bindOnIP: 127.0.0.1
  history:
    rpc:
      grpcPort: $HISTORY_PORT
      membershipPort: $HISTORY_MEMBERSHIP_PORT
      bindOnIP: 127.0.0.1
  matching:
    rpc:
      grpcPort: $MATCHING_PORT
      membershipPort: $MATCHING_MEMBERSHIP_PORT
      bindOnIP: 127.0.0.1
  worker:
    rpc:
      grpcPort: $WORKER_PORT
      membershipPort: $WORKER_MEMBERSHIP_PORT
      bindOnIP: 127.0.0.1

clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: $ADDRESS
      httpAddress: 127.0.0.1:$HTTP_PORT

dcRedirectionPolicy:
  policy: noop

archival:
  history:
    state: disabled
  visibility:
    state: disabled

namespaceDefaults:
  archival:
    history:
      state: disabled
    visibility:
      state: disabled

publicClient:
  hostPort: $ADDRESS

dynamicConfigClient:
  filepath: $CONFIG_DIR/dynamicconfig.yaml
  pollInterval: 10s
EOF
  cat >"$CONFIG_DIR/dynamicconfig.yaml.tmp" <<EOF
# Generated by scripts/temporal-postgres.sh on every start: edit the script, not this file.
# Re-read by the server every 10 s.

# What \`temporal server start-dev\` (CLI v1.5.1) sets for tests: new search attributes usable at
# once (no eventual consistency), with the persistence rate limits raised to match.
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
frontend.persistenceMaxQPS:
  - value: 10000
history.persistenceMaxQPS:
  - value: 45000
# Also from the dev server: a small host-level mutable-state cache, more visibility RPS (the
# default, 10 per second, throttles a test suite that polls workflow lists).
history.hostLevelCacheMaxSize:
  - value: 8096
frontend.namespaceRPS.visibility:
  - value: 100
# Nexus callbacks to this server's frontend HTTP port (as the dev server does).
component.nexusoperations.callback.endpoint.template:
  - value: http://127.0.0.1:$HTTP_PORT/namespaces/{{.NamespaceName}}/nexus/callback
component.callbacks.allowedAddresses:
  - value:
      - Pattern: "127.0.0.1:$HTTP_PORT"
        AllowInsecure: true
EOF
  mv -f "$CONFIG_DIR/server.yaml.tmp" "$CONFIG_DIR/server.yaml"
  mv -f "$CONFIG_DIR/dynamicconfig.yaml.tmp" "$CONFIG_DIR/dynamicconfig.yaml"
}

# --- Process -----------------------------------------------------------------------------------
alive() { # a process that is not a zombie
  local state
  state=$(ps -p "$1" -o stat= 2>/dev/null) || return 1
  [[ $state != Z* ]]
}

# Prints the pid of the server this script started, if it is still running; otherwise fails (and
# removes a stale pid file). The command line is checked, so a recycled pid is not mistaken for it.
server_pid() {
  [ -f "$PID_FILE" ] || return 1
  local pid args
  pid=$(cat "$PID_FILE" 2>/dev/null || true)
  if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid"; then
    args=$(ps -p "$pid" -o args= 2>/dev/null || true)
    if [[ $args == "$SERVER_BIN "*"--root $DATA_DIR "* ]]; then
      echo "$pid"
      return 0
    fi
  fi
  rm -f "$PID_FILE"
  return 1
}

tcli() { # the Temporal CLI against this server only (no TEMPORAL_* variables, no config file)
  env "${CLEAN_TEMPORAL_ENV[@]}" "$TEMPORAL_CLI" "$@" --address "$ADDRESS" \
    --disable-config-file --disable-config-env --command-timeout 10s
}

healthy() { tcli operator cluster health >/dev/null 2>&1; }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

launch_server() {
  local p busy=()
  for p in "${ALL_PORTS[@]}"; do port_in_use "$p" && busy+=("$p"); done
  [ ${#busy[@]} -eq 0 ] ||
    die "port(s) ${busy[*]} on 127.0.0.1 already in use by a process this script did not start (see 'ss -ltnp'); choose another block with TEMPORAL_PG_FRONTEND_PORT"
  [ -f "$LOG_FILE" ] && mv -f "$LOG_FILE" "$LOG_FILE.prev"
  log "starting temporal-server $TEMPORAL_SERVER_VERSION (log: ${LOG_FILE#"$PWD/"})"
  # Own session (setsid, where there is one): a Ctrl-C in this terminal does not reach it. Lock
  # fd 9 closed: the lock is this script's, not the server's.
  local session=()
  if command -v setsid >/dev/null; then session=(setsid); fi
  env "${CLEAN_TEMPORAL_ENV[@]}" TEMPORAL_PG_PASSWORD="$PG_PASSWORD" \
    "${session[@]}" "$SERVER_BIN" --root "$DATA_DIR" --config config --env server --allow-no-auth start \
    </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  echo $! >"$PID_FILE"
  echo "$SETTINGS" >"$SETTINGS_FILE"
}

# A running server must have been started with this invocation's settings (not e.g. another
# TEMPORAL_PG_FRONTEND_PORT): the data directory and the pid file are shared.
check_same_settings() {
  local running
  running=$(cat "$SETTINGS_FILE" 2>/dev/null || true)
  [ "$running" = "$SETTINGS" ] ||
    die "temporal-server (pid $1) is running with other settings (${running:-unknown}); this call asks for: $SETTINGS. Stop it first: bash scripts/temporal-postgres.sh stop"
}

# wait_until_healthy PID launched: on time-out a server this invocation launched is stopped again;
# one found running is left alone.
wait_until_healthy() {
  local pid=$1 launched=$2 deadline=$(( SECONDS + START_TIMEOUT ))
  while ! healthy; do
    if ! alive "$pid"; then
      rm -f "$PID_FILE"
      log "the server exited during start-up; the end of ${LOG_FILE#"$PWD/"} (lines cut at 600 characters):"
      tail -n 4 "$LOG_FILE" | cut -c 1-600 >&2
      exit 1
    fi
    if (( SECONDS >= deadline )); then
      if [ "$launched" = launched ]; then
        log "the server did not answer at $ADDRESS within ${START_TIMEOUT}s; stopping it (see ${LOG_FILE#"$PWD/"})"
        stop_server
        exit 1
      fi
      die "temporal-server (pid $pid) does not answer at $ADDRESS after ${START_TIMEOUT}s (see ${LOG_FILE#"$PWD/"}): 'stop', then 'start'"
    fi
    sleep 1
  done
}

stop_server() {
  local pid deadline
  if ! pid=$(server_pid); then
    log "not running"
    return 0
  fi
  log "stopping temporal-server (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( SECONDS + STOP_TIMEOUT ))
  while alive "$pid" && (( SECONDS < deadline )); do sleep 0.5; done
  if alive "$pid"; then
    log "still running after ${STOP_TIMEOUT}s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    deadline=$(( SECONDS + 10 ))
    while alive "$pid" && (( SECONDS < deadline )); do sleep 0.2; done
    ! alive "$pid" || die "pid $pid survived SIGKILL"
  fi
  rm -f "$PID_FILE" "$SETTINGS_FILE"
  log "stopped"
}

# --- Namespace and search attributes -----------------------------------------------------------
ensure_namespace() {
  local out
  if tcli operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; then
    log "namespace $NAMESPACE exists"
    return
  fi
  log "creating namespace $NAMESPACE (retention $NAMESPACE_RETENTION)"
  out=$(tcli operator namespace create --namespace "$NAMESPACE" --retention "$NAMESPACE_RETENTION" 2>&1) ||
    [[ $out == *"already"* ]] || die "cannot create namespace $NAMESPACE: $out"
}

search_attribute_type() { # NAME -> its type (from `search-attribute list`), empty when missing
  awk -v n="$1" '$1 == n { print $2; exit }' <<<"$SA_LIST"
}

# A namespace created a moment ago is not in the frontend's namespace cache yet ("Namespace
# default is not found" for up to ~10 s): the calls below are retried until SA_DEADLINE.
list_search_attributes() {
  until SA_LIST=$(tcli operator search-attribute list --namespace "$NAMESPACE" 2>&1); do
    (( SECONDS < SA_DEADLINE )) || die "cannot list the search attributes of $NAMESPACE: $SA_LIST"
    sleep 1
  done
}

ensure_search_attributes() {
  local name type missing=() out
  SA_DEADLINE=$(( SECONDS + 60 ))
  list_search_attributes
  for name in "${SEARCH_ATTRIBUTES[@]}"; do
    type=$(search_attribute_type "$name")
    if [ -z "$type" ]; then
      missing+=("$name")
    elif [ "$type" != Keyword ]; then
      die "search attribute $name exists as $type, but the sync needs Keyword: 'reset' for a clean start"
    fi
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "search attributes ${SEARCH_ATTRIBUTES[*]} registered (Keyword)"
    return
  fi
  log "registering search attributes ${missing[*]} (Keyword)"
  # One --type per --name: the CLI pairs them by position and silently drops names without a type.
  local args=()
  for name in "${missing[@]}"; do args+=(--name "$name" --type Keyword); done
  until out=$(tcli operator search-attribute create --namespace "$NAMESPACE" "${args[@]}" 2>&1); do
    (( SECONDS < SA_DEADLINE )) || die "cannot register the search attributes: $out"
    sleep 1
  done
  list_search_attributes
  for name in "${SEARCH_ATTRIBUTES[@]}"; do
    [ "$(search_attribute_type "$name")" = Keyword ] || die "search attribute $name is not listed after creating it: $SA_LIST"
  done
}

# --- Commands ----------------------------------------------------------------------------------
take_lock() { # one start/stop/reset at a time (the server does not inherit the lock)
  mkdir -p "$DATA_DIR"
  if command -v flock >/dev/null; then
    exec 9>"$DATA_DIR/.lock"
    flock -w 300 9 || die "another temporal-postgres.sh is still busy after 300s"
  fi
}

require_cli() {
  [ -x "$TEMPORAL_CLI" ] || die "the Temporal CLI is missing at .tools/bin/temporal: run 'bash scripts/setup.sh' first"
}

cmd_start() {
  local t0=$SECONDS pid
  require_cli
  take_lock
  if pid=$(server_pid); then
    check_same_settings "$pid"
    if healthy; then
      log "already running and healthy (pid $pid) at $ADDRESS"
      ensure_namespace
      ensure_search_attributes
      echo "$ADDRESS"
      return
    fi
    log "running (pid $pid) but not answering yet at $ADDRESS: waiting"
    wait_until_healthy "$pid" found
  else
    if healthy; then
      die "something not started by this script already answers at $ADDRESS: stop it, or choose another TEMPORAL_PG_FRONTEND_PORT"
    fi
    build_binaries
    check_postgres
    ensure_database "$PG_DB"
    ensure_database "$PG_VISIBILITY_DB"
    ensure_schema "$PG_DB" postgresql/v12/temporal
    ensure_schema "$PG_VISIBILITY_DB" postgresql/v12/visibility
    write_config
    launch_server
    wait_until_healthy "$(cat "$PID_FILE")" launched
  fi
  ensure_namespace
  ensure_search_attributes
  log "Temporal (PostgreSQL) ready at $ADDRESS, namespace $NAMESPACE ($(( SECONDS - t0 ))s); stop with: bash scripts/temporal-postgres.sh stop"
  echo "$ADDRESS"
}

cmd_status() {
  local pid
  if ! pid=$(server_pid); then
    log "not running"
    return 1
  fi
  check_same_settings "$pid"
  require_cli
  if ! healthy; then
    log "running (pid $pid) but not answering at $ADDRESS"
    return 1
  fi
  log "running and healthy (pid $pid)"
  echo "$ADDRESS"
}

cmd_reset() {
  take_lock
  stop_server
  check_postgres
  local db
  for db in "$PG_DB" "$PG_VISIBILITY_DB"; do
    if database_exists "$db"; then
      log "dropping database $db"
      # WITH (FORCE) (PostgreSQL 13+): also when a client is still connected to it.
      if (( PG_VERSION_NUM >= 130000 )); then
        pg postgres "DROP DATABASE $db WITH (FORCE)" >/dev/null
      else
        pg postgres "DROP DATABASE $db" >/dev/null
      fi
    else
      log "database $db does not exist"
    fi
  done
  # Everything generated (config, logs, pid) except the lock this script holds.
  find "$DATA_DIR" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
  log "reset done: the next start creates both databases from scratch"
}

case "${1:-start}" in
  start) cmd_start ;;
  stop) take_lock; stop_server ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  -h | --help | help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' ;;
  *) log "unknown command '$1' (start, stop, status, reset)"; exit 2 ;;
esac
