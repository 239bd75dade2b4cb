#!/usr/bin/env bash
# The real-MTA suite: install Postfix from Debian's archive, start a private
# instance on loopback, run `npm run test:mta` against it, and stop it with
# Postfix's own stop command whatever the tests did.
set -euo pipefail
cd "$(dirname "$0")/../.."

bash .ci/mta/install.sh

# Postfix's user must reach the folder, so it is made directly under /tmp.
dir=$(mktemp -d /tmp/smtp-probe-postfix.XXXXXX)
cleanup() {
  bash .ci/mta/postfix.sh stop "$dir" || true
  rm -rf "$dir"
}
trap cleanup EXIT

bash .ci/mta/postfix.sh start "$dir"
set -a
# shellcheck disable=SC1091  # written by postfix.sh start
. "$dir/env"
set +a

npm run test:mta -- "$@"
