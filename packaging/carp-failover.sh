#!/bin/sh
#
# carp-failover: the operator's command, installed as PREFIX/bin/carp-failover.
#
# Runs the bundled daemon and CLI (PREFIX/libexec/carp-failover/carp-failover.mjs, every npm
# dependency inside it) with Node. Both are found from this file's own place, so the tree works
# wherever it was unpacked; Node is PREFIX/bin/node (FreeBSD's node22/node24 package) when it is
# there, else the first node on PATH.

prefix=$(dirname "$(dirname "$(realpath "$0")")")
node="${prefix}/bin/node"
if [ ! -x "${node}" ]; then
	node=node
fi
exec "${node}" "${prefix}/libexec/carp-failover/carp-failover.mjs" "$@"
