#!/usr/bin/env bash
# Installs what the project needs on a fresh Debian machine: npm packages always; FRR, ucarp,
# iproute2, ping, OpenBSD netcat, shellcheck, procps, a C compiler, mandoc (man page lint),
# bmake (runs the port's recipes) and promtool (alerting rule tests, from Debian's prometheus
# package) when running as root and any is missing.
# Safe to run again: it only installs what is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

need=()
command -v ip >/dev/null 2>&1 || need+=(iproute2)
[ -x /usr/lib/frr/ospfd ] || need+=(frr)
command -v vtysh >/dev/null 2>&1 || need+=(frr)
command -v ucarp >/dev/null 2>&1 || need+=(ucarp)
command -v ping >/dev/null 2>&1 || need+=(iputils-ping)
command -v nc.openbsd >/dev/null 2>&1 || need+=(netcat-openbsd)
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v ps >/dev/null 2>&1 || need+=(procps)
command -v mandoc >/dev/null 2>&1 || need+=(mandoc)
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v bmake >/dev/null 2>&1 || need+=(bmake)
# The lab compiles a 60-line preload for ucarp (test/lab/ucarp-immediate.c).
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)

if [ "${#need[@]}" -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ${need[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "setup: missing ${need[*]} (not root or no apt-get): tests that need them will skip" >&2
  fi
fi
