#!/usr/bin/env bash
# Run a throw-away aiosmtpd server on 127.0.0.1 for CI.
#
#   aiosmtpd.sh start DIR   configure DIR (absolute path) and start the server
#   aiosmtpd.sh stop DIR    stop the server started in DIR (exit 0 if not running)
#
# The server is .ci/mta/aiosmtpd-server.py under Debian's /usr/bin/python3
# (-I: no PYTHON* variables, no user site) and python3-aiosmtpd (1.4),
# never a python found on PATH. It listens on 127.0.0.1:AIOSMTPD_PORT
# (default 2526) in plaintext and offers STARTTLS
# (self-signed certificate for aiosmtpd.probe.test); AUTH PLAIN, LOGIN and
# XOAUTH2 are offered only after STARTTLS; sending needs no AUTH. One user,
# probe@probe.test, with a password and an OAuth token made at each start.
# Accepted messages land as DIR/messages/NAME.eml (exact bytes), their
# envelopes as DIR/envelopes/NAME.json. DIR/pid holds the server's pid,
# DIR/log its log, DIR/env how to reach it.
set -euo pipefail

HOST=127.0.0.1
HOSTNAME_FQDN=aiosmtpd.probe.test
AUTH_USER=probe@probe.test
PYTHON=/usr/bin/python3
SERVER=$(cd "$(dirname "$0")" && pwd)/aiosmtpd-server.py
START_TIMEOUT=15   # seconds to wait for the greeting after starting
STOP_TIMEOUT=10    # seconds to wait for the process to end after SIGTERM

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

# The pid recorded in DIR/pid, if that process is still our server.
server_pid() {
  local dir=$1 pid
  [ -f "$dir/pid" ] || return 1
  pid=$(cat "$dir/pid")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  # Guard against a recycled pid: it must be this script's server for DIR.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$SERVER $dir" || return 1
  echo "$pid"
}

# ---------------------------------------------------------------- stop ----
cmd_stop() {
  local dir=$1 pid port
  port=${AIOSMTPD_PORT:-2526}
  if [ -f "$dir/env" ]; then
    port=$(sed -n 's/^AIOSMTPD_PORT=//p' "$dir/env")
  fi
  if ! pid=$(server_pid "$dir"); then
    log "aiosmtpd in $dir is not running"
    rm -f "$dir/pid"
    return 0
  fi
  log "stopping aiosmtpd (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$waited" -ge $((STOP_TIMEOUT * 5)) ]; then
      log "pid $pid still there ${STOP_TIMEOUT}s after SIGTERM: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then die "pid $pid survived SIGKILL"; fi
  rm -f "$dir/pid"
  if port_open "$port"; then die "port $HOST:$port still open after stop"; fi
  log "stopped; port $port closed"
}

# --------------------------------------------------------------- start ----
cmd_start() {
  local dir=$1
  local port=${AIOSMTPD_PORT:-2526}

  [ -x "$PYTHON" ] || die "$PYTHON not found"
  "$PYTHON" -I -c 'import aiosmtpd' 2>/dev/null \
    || die "python3-aiosmtpd not installed for $PYTHON (run .ci/mta/install.sh)"
  command -v openssl >/dev/null || die "openssl not installed (run .ci/mta/install.sh)"
  [ -f "$SERVER" ] || die "missing $SERVER"
  if ! [[ $port =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
    die "bad port '$port' (want 1-65535)"
  fi
  if [ "$port" -eq 25 ]; then die "refusing to use port 25"; fi

  # 1. A server already running for DIR is stopped first.
  if server_pid "$dir" >/dev/null; then
    cmd_stop "$dir"
  fi
  if port_open "$port"; then die "port $HOST:$port is already in use by another program"; fi

  # 2. Layout; tmp/ is where files are written before being renamed into place.
  mkdir -p "$dir/messages" "$dir/envelopes" "$dir/tmp" "$dir/tls"
  chmod 700 "$dir/tls"
  rm -f "$dir/env" "$dir/pid"

  # 3. Self-signed certificate (kept while still valid for another day).
  local cert=$dir/tls/cert.pem key=$dir/tls/key.pem
  make_certificate "$HOSTNAME_FQDN" "$cert" "$key"

  # 4. Credentials for this run.
  local password token
  password=$(openssl rand -hex 16)
  token=ya29.$(openssl rand -hex 24)

  # 5. Start in the background; $! is the python process itself (env execs it).
  log "starting aiosmtpd on $HOST:$port (STARTTLS) in $dir"
  env AIOSMTPD_HOST="$HOST" AIOSMTPD_PORT="$port" AIOSMTPD_USER="$AUTH_USER" \
    AIOSMTPD_PASSWORD="$password" AIOSMTPD_TOKEN="$token" AIOSMTPD_DIR="$dir" \
    AIOSMTPD_CERT="$cert" AIOSMTPD_KEY="$key" \
    "$PYTHON" -I -B "$SERVER" "$dir" </dev/null >>"$dir/log" 2>&1 &
  local pid=$!
  echo "$pid" >"$dir/pid"

  # 6. Wait (bounded) for the greeting; give up early if the process died.
  local waited=0
  until greets_220 "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "aiosmtpd.sh: the server exited; tail $dir/log:" >&2
      tail -n 30 "$dir/log" >&2 || true
      rm -f "$dir/pid"
      exit 1
    fi
    if [ "$waited" -ge $((START_TIMEOUT * 5)) ]; then
      echo "aiosmtpd.sh: no greeting on $HOST:$port within ${START_TIMEOUT}s; tail $dir/log:" >&2
      tail -n 30 "$dir/log" >&2 || true
      cmd_stop "$dir" || true
      exit 1
    fi
    sleep 0.2
    waited=$((waited + 1))
  done

  # 7. Record how to reach it.
  cat >"$dir/env" <<EOF
AIOSMTPD_HOST=$HOST
AIOSMTPD_PORT=$port
AIOSMTPD_TLS=starttls
AIOSMTPD_CERT=$cert
AIOSMTPD_USER=$AUTH_USER
AIOSMTPD_PASSWORD=$password
AIOSMTPD_TOKEN=$token
AIOSMTPD_MESSAGES=$dir/messages
AIOSMTPD_ENVELOPES=$dir/envelopes
EOF
  chmod 600 "$dir/env"
  log "ready (pid $pid)"
  cat "$dir/env"
}

main "$@"
