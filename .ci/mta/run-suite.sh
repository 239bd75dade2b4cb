#!/usr/bin/env bash
# The real-MTA suite: install the servers from Debian's archive, start a
# private Postfix instance and an aiosmtpd server on loopback, run
# `npm run test:mta` against them, and stop both whatever the tests did
# (each stop runs even if the other fails).
set -euo pipefail
cd "$(dirname "$0")/../.."

bash .ci/mta/install.sh

# Postfix's user must reach the folder, so it is made directly under /tmp.
postfix_dir=$(mktemp -d /tmp/smtp-probe-postfix.XXXXXX)
aiosmtpd_dir=$(mktemp -d /tmp/smtp-probe-aiosmtpd.XXXXXX)
cleanup() {
  local rc=$? status=0
  bash .ci/mta/postfix.sh stop "$postfix_dir" || status=1
  bash .ci/mta/aiosmtpd.sh stop "$aiosmtpd_dir" || status=1
  if [ "$status" -eq 0 ]; then
    rm -rf "$postfix_dir" "$aiosmtpd_dir"
  else
    # Kept for a look at the logs; a server left running fails the run.
    echo "run-suite.sh: a server did not stop; see $postfix_dir and $aiosmtpd_dir" >&2
    if [ "$rc" -eq 0 ]; then exit 1; fi
  fi
}
trap cleanup EXIT

bash .ci/mta/postfix.sh start "$postfix_dir"
bash .ci/mta/aiosmtpd.sh start "$aiosmtpd_dir"
set -a
# shellcheck disable=SC1091  # written by postfix.sh start
. "$postfix_dir/env"
# shellcheck disable=SC1091  # written by aiosmtpd.sh start
. "$aiosmtpd_dir/env"
set +a

npm run test:mta -- "$@"
