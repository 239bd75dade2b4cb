#!/usr/bin/env bash
# Install the loopback test servers' packages for CI without starting any
# daemon: Postfix, OpenSSL, Cyrus SASL (sasldb tools and the PLAIN, LOGIN,
# CRAM-MD5 plugins; saslauthd is installed by sasl2-bin but never started)
# Debian's aiosmtpd for /usr/bin/python3, and prometheus for its promtool
# (test/mta/promtool.test.ts lints --format prometheus with it).
# Idempotent: returns quickly when everything is already installed.
set -euo pipefail

PACKAGES=(postfix openssl sasl2-bin libsasl2-modules python3-aiosmtpd prometheus)

# 1. Nothing to do if every package is already installed.
missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q '^install ok installed$'; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "install.sh: already installed: ${PACKAGES[*]}"
  exit 0
fi
echo "install.sh: installing: ${missing[*]}"

if [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: must run as root" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive

# 2. Tell the postfix package not to write a config of its own
#    (Debian's default would listen on *:25).
echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections

# 3. Forbid package scripts from starting any service: policy-rc.d exiting 101.
#    An existing policy-rc.d is kept aside and put back afterwards;
#    one we create is removed afterwards.
POLICY=/usr/sbin/policy-rc.d
POLICY_BACKUP=""
if [ -e "$POLICY" ]; then
  POLICY_BACKUP="$(mktemp /usr/sbin/policy-rc.d.ci-backup.XXXXXX)"
  cp -p "$POLICY" "$POLICY_BACKUP"
fi
restore_policy() {
  if [ -n "$POLICY_BACKUP" ]; then
    mv -f "$POLICY_BACKUP" "$POLICY"
  else
    rm -f "$POLICY"
  fi
}
trap restore_policy EXIT
printf '#!/bin/sh\n# written by .ci/mta/install.sh: start no services\nexit 101\n' > "$POLICY"
chmod 755 "$POLICY"

# 4. Refresh the package lists once, then install.
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
  "${missing[@]}"

# 5. sasl2-bin ships saslauthd, which the tests do not use (Postfix reads
#    its own sasldb). policy-rc.d kept the package from starting it, and its
#    init script starts it only with START=yes in /etc/default/saslauthd,
#    which Debian's file leaves unset: make sure that no START=yes is there.
if [ -f /etc/default/saslauthd ]; then
  sed -i 's/^START=.*/START=no/' /etc/default/saslauthd
fi
if pgrep -x saslauthd >/dev/null 2>&1; then
  echo "install.sh: warning: a saslauthd is running (not started by this script)" >&2
fi

# 6. The prometheus package ships a server that listens on *:9090; only its
#    promtool is wanted. policy-rc.d kept the package from starting it; its
#    systemd unit is disabled too, so that no boot of this machine starts it.
#    --no-install-recommends left out the node exporter (*:9100).
if command -v systemctl >/dev/null 2>&1; then
  systemctl disable prometheus.service >/dev/null 2>&1 || true
fi
if pgrep -x prometheus >/dev/null 2>&1; then
  echo "install.sh: a prometheus server is running; the CI must not leave one" >&2
  exit 1
fi

# 7. Sanity check: the binaries we rely on exist.
command -v postfix >/dev/null || { echo "install.sh: postfix binary missing" >&2; exit 1; }
command -v openssl >/dev/null || { echo "install.sh: openssl binary missing" >&2; exit 1; }
command -v saslpasswd2 >/dev/null || { echo "install.sh: saslpasswd2 missing" >&2; exit 1; }
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null \
  || { echo "install.sh: aiosmtpd missing for /usr/bin/python3" >&2; exit 1; }
command -v promtool >/dev/null || { echo "install.sh: promtool missing" >&2; exit 1; }
echo "install.sh: done ($(postconf -d -h mail_version 2>/dev/null || echo '?'))"
