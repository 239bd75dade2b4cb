#!/usr/bin/env bash
# Shared by the scripts that run test MTAs on loopback: messages, port and
# greeting checks, and the throw-away certificate. Sourced, not run; the
# sourcing script sets HOST first.

SCRIPT_NAME=$(basename "$0")

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}

log() { echo "$SCRIPT_NAME: $*"; }
die() {
  echo "$SCRIPT_NAME: error: $*" >&2
  exit 1
}

# True when something accepts TCP connections on $HOST:$1.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$HOST/$1" 2>/dev/null
}

# True when $HOST:$1 answers with a "220 " SMTP greeting.
greets_220() {
  # shellcheck disable=SC2016  # $0/$1 are expanded by the inner bash
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    IFS= read -r -t 4 line <&3 || exit 1
    printf "QUIT\r\n" >&3
    case "$line" in "220 "*) exit 0 ;; *) exit 1 ;; esac
  ' "$HOST" "$1" 2>/dev/null
}

# A self-signed certificate for a host name, at CERT and KEY; one still
# valid for another day is kept, so that a restart reuses it.
make_certificate() {
  local name=$1 cert=$2 key=$3
  if [ -s "$cert" ] && [ -s "$key" ] && openssl x509 -in "$cert" -noout -checkend 86400 >/dev/null 2>&1; then
    return 0
  fi
  log "creating self-signed certificate for $name"
  openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
    -subj "/CN=$name" \
    -addext "subjectAltName=DNS:$name" \
    -keyout "$key" -out "$cert" 2>/dev/null
  chmod 600 "$key"
  chmod 644 "$cert"
}

# The scripts' entry: `SCRIPT start|stop DIR`, DIR an absolute path of
# plain characters; calls the sourcing script's cmd_start or cmd_stop.
main() {
  [ $# -eq 2 ] || usage
  local action=$1 dir=${2%/}
  [[ $dir == /* ]] || die "DIR must be an absolute path: $2"
  [[ $dir =~ ^/[A-Za-z0-9._/+-]+$ ]] || die "DIR may only contain letters, digits and . _ / + -"

  case $action in
    start) cmd_start "$dir" ;;
    stop) cmd_stop "$dir" ;;
    *) usage ;;
  esac
}
