#!/usr/bin/env bash
# Installs what ONE-TS needs on a fresh Debian machine: the Debian packages the
# drivers and tests use, then the npm packages from package-lock.json.
# Idempotent: it only installs what is missing. --tests adds what only the tests use.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  openssh-server   # test hosts are real sshd processes (test/helpers/sshd-hosts.ts)
  openssh-client   # ssh-keygen for the test hosts' keys
  python3          # an XML-RPC client we did not write (xmlrpc.client) in the e2e tests
  python3-prometheus-client  # an exposition-format parser we did not write, for /metrics (test/e2e/metrics.test.ts)
  iproute2         # ip netns for hosts that can be cut off
  procps           # ps/kill used by the control script and tests
  # Real hypervisors on the test hosts (test/helpers/libvirt-hosts.ts, docs/hypervisor-tests.md):
  # QEMU in TCG mode (no /dev/kvm needed) driven through libvirt, each daemon started by hand.
  libvirt-daemon-system  # libvirtd, virtlogd and the qemu driver
  libvirt-clients        # virsh
  qemu-system-x86        # qemu-system-x86_64, SeaBIOS
  qemu-utils             # qemu-img for disk images
  genisoimage            # context ISO images (CONTEXT in the transfer drivers)
)
# Only the test suite needs these (scripts/test.sh passes --tests).
if [ "${1:-}" = "--tests" ]; then
  DEBIAN_PACKAGES+=(
    postgresql   # the event log on PostgreSQL: tests run private clusters (initdb, pg_ctl), no system service
    chromium     # the web console's browser tests (headless, driven by playwright-core)
  )
fi

missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "ensure-deps: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  # Package scripts must not start daemons (libvirtd, sshd) on the machine: the tests start
  # their own, by hand. Docker images ship this guard; add it for the install when it is missing.
  guard=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    guard=/usr/sbin/policy-rc.d
    trap '$SUDO rm -f "$guard"' EXIT
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$guard" >/dev/null && $SUDO chmod +x "$guard"
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
mkdir -p /run/sshd 2>/dev/null || true

if ! node -e "require.resolve('better-sqlite3'); require.resolve('tsx')" 2>/dev/null \
   || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "ensure-deps: installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
