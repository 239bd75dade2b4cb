#!/usr/bin/env bash
# Run a throw-away private Postfix instance on 127.0.0.1 for CI.
#
#   postfix.sh start DIR   configure DIR (absolute path) and start Postfix
#   postfix.sh stop DIR    stop the instance in DIR (exit 0 if not running)
#
# Everything (main.cf, master.cf, queue, data, TLS files, sasldb, maillog,
# Maildir) lives in DIR. Ports, all on 127.0.0.1:
#   POSTFIX_PORT            plain SMTP + STARTTLS, no AUTH (default 2525)
#   POSTFIX_TLS_PORT        implicit TLS, no AUTH (default 4465)
#   POSTFIX_SUBMISSION_PORT submission: STARTTLS, then Cyrus SASL AUTH
#                           (PLAIN LOGIN CRAM-MD5) from a sasldb; relaying
#                           only for authenticated clients (default 2587)
# The SASL user is probe@probe.test (sasldb user "probe", realm
# "probe.test"; "probe" alone works too, smtpd_sasl_local_domain adds the
# realm) with a random password made at each start. Mail for
# user@probe.test lands in the Maildir named by POSTFIX_MAILDIR; mail for
# any other domain goes to discard: and nothing ever leaves the machine.
# DIR/env records all of this for the tests.
# Needs root and the packages from install.sh.
set -euo pipefail

HOST=127.0.0.1
HOSTNAME_FQDN=mx.probe.test
DOMAIN=probe.test
MAILBOX_USER=user@probe.test
SASL_USER=probe             # sasldb user name ...
SASL_REALM=$DOMAIN          # ... and realm: logs in as probe@probe.test
START_TIMEOUT=15   # seconds to wait for the listeners after "postfix start"
STOP_TIMEOUT=15    # seconds to wait for the ports to close after "postfix stop"

# shellcheck source-path=SCRIPTDIR source=common.sh
. "$(dirname "$0")/common.sh"

# Show why Postfix did not start: check output (errors otherwise go to
# syslog, which does not exist here; script(1) gives it a tty) and maillog.
explain_failure() {
  local dir=$1
  echo "---- postfix -c $dir check (ownership warnings about DIR omitted) ----" >&2
  script -qc "postfix -c $dir check" /dev/null 2>&1 \
    | grep -Ev "warning: (not owned by root|group or other writable): $dir/" >&2 || true
  echo "---- postfix -c $dir status ----" >&2
  script -qc "postfix -c $dir status" /dev/null >&2 || true
  if [ -f "$dir/maillog" ]; then
    echo "---- tail $dir/maillog ----" >&2
    tail -n 40 "$dir/maillog" >&2 || true
  fi
}

# True when the master process of the instance in $1 is running.
instance_running() {
  [ -f "$1/main.cf" ] && postfix -c "$1" status >/dev/null 2>&1
}

# ---------------------------------------------------------------- stop ----
cmd_stop() {
  local dir=$1
  local port tls_port sub_port
  port=${POSTFIX_PORT:-2525}
  tls_port=${POSTFIX_TLS_PORT:-4465}
  sub_port=${POSTFIX_SUBMISSION_PORT:-2587}
  # Use the ports the instance was started with, if it recorded them.
  if [ -f "$dir/env" ]; then
    port=$(sed -n 's/^POSTFIX_PORT=//p' "$dir/env")
    tls_port=$(sed -n 's/^POSTFIX_TLS_PORT=//p' "$dir/env")
    sub_port=$(sed -n 's/^POSTFIX_SUBMISSION_PORT=//p' "$dir/env")
    sub_port=${sub_port:-${POSTFIX_SUBMISSION_PORT:-2587}}
  fi

  # 1. Postfix's own stop command (only if this instance is running).
  if ! instance_running "$dir"; then
    log "Postfix in $dir is not running"
    return 0
  fi
  log "stopping Postfix in $dir"
  postfix -c "$dir" stop 2>&1 || true

  # 2. Wait (bounded) until the master is gone and both ports are closed.
  local waited=0
  while instance_running "$dir" || port_open "$port" || port_open "$tls_port" \
    || port_open "$sub_port"; do
    if [ "$waited" -ge $((STOP_TIMEOUT * 5)) ]; then
      die "ports $port/$tls_port/$sub_port still open ${STOP_TIMEOUT}s after stop"
    fi
    sleep 0.2
    waited=$((waited + 1))
  done
  log "stopped; ports $port, $tls_port and $sub_port closed"
}

# --------------------------------------------------------------- start ----
cmd_start() {
  local dir=$1
  local port=${POSTFIX_PORT:-2525}
  local tls_port=${POSTFIX_TLS_PORT:-4465}
  local sub_port=${POSTFIX_SUBMISSION_PORT:-2587}

  [ "$(id -u)" -eq 0 ] || die "must run as root"
  command -v postfix >/dev/null || die "postfix not installed (run .ci/mta/install.sh)"
  command -v openssl >/dev/null || die "openssl not installed (run .ci/mta/install.sh)"
  command -v saslpasswd2 >/dev/null || die "saslpasswd2 not installed (run .ci/mta/install.sh)"
  for p in "$port" "$tls_port" "$sub_port"; do
    if ! [[ $p =~ ^[0-9]+$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then
      die "bad port '$p' (want 1-65535)"
    fi
    if [ "$p" -eq 25 ]; then die "refusing to use port 25"; fi
  done
  [ "$(printf '%s\n' "$port" "$tls_port" "$sub_port" | sort -u | wc -l)" -eq 3 ] \
    || die "POSTFIX_PORT, POSTFIX_TLS_PORT and POSTFIX_SUBMISSION_PORT must differ"

  # 1. An instance already running in DIR is stopped first, so the
  #    configuration written below is the one in use.
  if instance_running "$dir"; then
    cmd_stop "$dir"
  fi
  for p in "$port" "$tls_port" "$sub_port"; do
    if port_open "$p"; then die "port $HOST:$p is already in use by another program"; fi
  done

  # 2. Directory layout. DIR is the config directory and must be
  #    reachable by the postfix user (mktemp -d makes it 0700).
  mkdir -p "$dir"
  chown root:root "$dir"
  chmod 755 "$dir"
  runuser -u postfix -- test -x "$dir" \
    || die "the postfix user cannot enter $dir (check the permissions of its parents)"
  mkdir -p "$dir/queue" "$dir/data" "$dir/tls" "$dir/mail"
  chown root:root "$dir/queue" && chmod 755 "$dir/queue"  # Postfix wants root here
  chown postfix:postfix "$dir/data" && chmod 700 "$dir/data"
  chown nobody:nogroup "$dir/mail" && chmod 700 "$dir/mail"  # virtual delivery runs as nobody
  chmod 700 "$dir/tls"
  mkdir -p "$dir/sasl"
  chown root:root "$dir/sasl" && chmod 755 "$dir/sasl"

  # 3. Self-signed certificate for mx.probe.test (kept while still valid
  #    for another day, so restarts reuse it).
  local cert=$dir/tls/cert.pem key=$dir/tls/key.pem
  make_certificate "$HOSTNAME_FQDN" "$cert" "$key"

  # 4. Recipients of the virtual mailbox domain: one Maildir (trailing /).
  printf '%s %s/user/\n' "$MAILBOX_USER" "$DOMAIN" > "$dir/vmailbox"

  # 5. Cyrus SASL for the submission listener. Debian's Postfix reads
  #    DIR/sasl/smtpd.conf (the name is smtpd_sasl_path + ".conf"); without
  #    it AUTH answers "454 4.7.0 Temporary authentication failure".
  #    The sasldb holds the password in clear (CRAM-MD5 needs it) and must
  #    be readable by the postfix user, which runs smtpd. A new password at
  #    each start; the old database is replaced.
  local sasldb=$dir/sasl/sasldb2 password
  password=$(openssl rand -hex 16)
  rm -f "$sasldb"
  printf '%s' "$password" \
    | saslpasswd2 -p -c -f "$sasldb" -u "$SASL_REALM" "$SASL_USER" \
    || die "saslpasswd2 could not create $sasldb"
  chown root:postfix "$sasldb" && chmod 640 "$sasldb"
  cat > "$dir/sasl/smtpd.conf" <<EOF
# Generated by .ci/mta/postfix.sh: Cyrus SASL for the submission listener.
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $sasldb
mech_list: PLAIN LOGIN CRAM-MD5
EOF
  chmod 644 "$dir/sasl/smtpd.conf"
  runuser -u postfix -- test -r "$sasldb" || die "the postfix user cannot read $sasldb"

  # 6. main.cf: loopback only, no DNS, no trusted networks, no local
  #    delivery; anything that is not user@probe.test is refused by smtpd.
  cat > "$dir/main.cf" <<EOF
# Generated by .ci/mta/postfix.sh -- private throw-away instance.
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop

# Logging to a file (there is no syslog); needs the postlog service.
maillog_file = $dir/maillog
maillog_file_prefixes = $dir

# Identity and network: loopback only, IPv4 only.
myhostname = $HOSTNAME_FQDN
mydomain = $DOMAIN
myorigin = \$myhostname
inet_interfaces = $HOST
inet_protocols = ipv4
smtpd_peername_lookup = no
smtp_dns_support_level = disabled

# Nothing is trusted: relaying is denied as on a real MX.
mynetworks =
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions =

# No local delivery; the only deliverable address is in the virtual domain.
mydestination =
relay_domains =
alias_maps =
alias_database =
local_recipient_maps =
local_transport = discard:
default_transport = discard:
relay_transport = discard:
virtual_mailbox_domains = $DOMAIN
virtual_mailbox_maps = texthash:$dir/vmailbox
virtual_mailbox_base = $dir/mail
virtual_uid_maps = static:$(id -u nobody)
virtual_gid_maps = static:$(getent group nogroup | cut -d: -f3)
biff = no

# TLS: STARTTLS offered on the plain port, implicit TLS on the second one.
smtpd_tls_security_level = may
smtpd_tls_cert_file = $cert
smtpd_tls_key_file = $key
smtpd_tls_protocols = >=TLSv1.2
smtpd_tls_mandatory_protocols = >=TLSv1.2
smtpd_tls_loglevel = 1

# Cyrus SASL (switched on only for the submission listener, see master.cf).
cyrus_sasl_config_path = $dir/sasl
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
EOF

  # 7. master.cf: only the three loopback listeners plus internal services.
  #    No chroot anywhere, nothing on port 25. SASL is switched on for the
  #    submission listener alone; there STARTTLS is offered (level may),
  #    AUTH only after it, and only authenticated clients may send anywhere.
  cat > "$dir/master.cf" <<EOF
# Generated by .ci/mta/postfix.sh -- private throw-away instance.
# service        type       private unpriv chroot wakeup maxproc command
$HOST:$port       inet       n       -      n      -      -       smtpd
$HOST:$tls_port   inet       n       -      n      -      -       smtpd
  -o syslog_name=postfix/smtps
  -o smtpd_tls_wrappermode=yes
$HOST:$sub_port   inet       n       -      n      -      -       smtpd
  -o syslog_name=postfix/submission
  -o smtpd_tls_security_level=may
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_sasl_security_options=noanonymous
  -o smtpd_sasl_tls_security_options=noanonymous
  -o smtpd_sasl_local_domain=$SASL_REALM
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
pickup           unix       n       -      n      60     1       pickup
cleanup          unix       n       -      n      -      0       cleanup
qmgr             unix       n       -      n      300    1       qmgr
tlsmgr           unix       -       -      n      1000?  1       tlsmgr
rewrite          unix       -       -      n      -      -       trivial-rewrite
bounce           unix       -       -      n      -      0       bounce
defer            unix       -       -      n      -      0       bounce
trace            unix       -       -      n      -      0       bounce
verify           unix       -       -      n      -      1       verify
flush            unix       n       -      n      1000?  0       flush
proxymap         unix       -       -      n      -      -       proxymap
proxywrite       unix       -       -      n      -      1       proxymap
showq            unix       n       -      n      -      -       showq
error            unix       -       -      n      -      -       error
retry            unix       -       -      n      -      -       error
discard          unix       -       -      n      -      -       discard
virtual          unix       -       n      n      -      -       virtual
anvil            unix       -       -      n      -      1       anvil
scache           unix       -       -      n      -      1       scache
postlog          unix-dgram n       -      n      -      1       postlogd
EOF
  chmod 644 "$dir/main.cf" "$dir/master.cf" "$dir/vmailbox"

  # 8. Start: "postfix start" creates the queue directories (post-install
  #    create-missing) and returns once the master has initialised.
  rm -f "$dir/env"
  log "starting Postfix in $dir on $HOST:$port, $HOST:$tls_port (TLS), $HOST:$sub_port (submission)"
  if ! postfix -c "$dir" start 2>&1; then
    echo "postfix.sh: 'postfix -c $dir start' failed" >&2
    explain_failure "$dir"
    exit 1
  fi

  # 9. Wait (bounded) for all ports and a "220 " greeting on the plain ones.
  local waited=0
  until port_open "$tls_port" && greets_220 "$port" && greets_220 "$sub_port"; do
    if [ "$waited" -ge $((START_TIMEOUT * 5)) ]; then
      echo "postfix.sh: Postfix did not answer on $HOST:$port/$tls_port/$sub_port within ${START_TIMEOUT}s" >&2
      explain_failure "$dir"
      postfix -c "$dir" stop >/dev/null 2>&1 || true
      exit 1
    fi
    sleep 0.2
    waited=$((waited + 1))
  done

  # 10. Record how to reach it. POSTFIX_MAILDIR is the Maildir of
  #     user@probe.test (its new/ and cur/ appear with the first delivery).
  cat > "$dir/env" <<EOF
POSTFIX_HOST=$HOST
POSTFIX_PORT=$port
POSTFIX_TLS_PORT=$tls_port
POSTFIX_CERT=$cert
POSTFIX_SUBMISSION_PORT=$sub_port
POSTFIX_AUTH_USER=$SASL_USER@$SASL_REALM
POSTFIX_AUTH_PASSWORD=$password
POSTFIX_MAILDIR=$dir/mail/$DOMAIN/user
EOF
  chmod 600 "$dir/env"
  log "ready"
  cat "$dir/env"
}

main "$@"
