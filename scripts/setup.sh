#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine: npm packages always; FRR,
# keepalived (the lab's CARP), iproute2, ping, OpenBSD netcat, shellcheck, procps, a C compiler
# (the lab's stand-in client), mandoc (man page lint), bmake (runs the port's recipes) and
# promtool (alerting rule tests, from Debian's prometheus package) when running as root and any
# is missing.
# Safe to run again: it only installs what is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

need=()
# Adds packages to the list once each (ospfd and vtysh both come from frr).
want() {
  local pkg
  for pkg in "$@"; do
    case " ${need[*]} " in *" $pkg "*) ;; *) need+=("$pkg") ;; esac
  done
}
command -v ip >/dev/null 2>&1 || want iproute2
[ -x /usr/lib/frr/ospfd ] || want frr
command -v vtysh >/dev/null 2>&1 || want frr
[ -x /usr/sbin/keepalived ] || want keepalived
command -v ping >/dev/null 2>&1 || want iputils-ping
command -v nc.openbsd >/dev/null 2>&1 || want netcat-openbsd
command -v shellcheck >/dev/null 2>&1 || want shellcheck
command -v ps >/dev/null 2>&1 || want procps
command -v mandoc >/dev/null 2>&1 || want mandoc
command -v promtool >/dev/null 2>&1 || want prometheus
command -v bmake >/dev/null 2>&1 || want bmake
# The real-process hardening tests mount a small tmpfs and fill it (mount, dd, truncate).
command -v mount >/dev/null 2>&1 || want mount
command -v truncate >/dev/null 2>&1 || want coreutils
# The devd rule's test checks its pattern with a real POSIX ERE (grep -E).
command -v grep >/dev/null 2>&1 || want grep
# The lab compiles its FreeBSD command stand-in client (test/lab/standins/client.c).
command -v cc >/dev/null 2>&1 || want gcc libc6-dev

if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: missing ${need[*]} (not root or no apt-get): tests that need them will skip" >&2
  fi
fi
