#!/usr/bin/env bash
# Sealed (security.encrypt) vs plain datagrams through one router, secure
# mode, side by side in one run (a measurement, not a test): bob -> router ->
# alice with `ilnp experiment`, wait_time 0, 4 s per run, 3 runs each,
# alternating. Prints received datagrams/s and Mbit/s per run. Needs root.
# usage: experiments/sealed_vs_plain.sh [ILNP_BINARY]
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../tests/netns/lib.sh
source "$here/../tests/netns/lib.sh" "${1:-$here/../build/ilnp}"
netns_require
netns_setup alice router bob
T=$here/../topo/demo
run() { # $1 label, rest: extra args
  local l=$1; shift
  netns_start router r$l -- "$ILNP" node -c $T/router.ini --network.locators=0:0:0:a,0:0:0:b --network.log=warn
  netns_start alice a$l -- "$ILNP" experiment -c $T/alice.ini --network.locators=0:0:0:a --application.progress=0 --network.log=warn "$@"
  sleep 1.5
  netns_start bob b$l -- "$ILNP" experiment -c $T/bob.ini --application.wait_time=0 --application.run_time=4 --network.log=warn "$@"
  netns_wait_exit b$l 30 || true; netns_wait_exit a$l 10 || true; netns_stop r$l 5 || true
  python3 -c "import json,sys; a=json.loads(open('$(out_of a$l)').read().splitlines()[-1]); print('$l', int(a['received']/a['duration_s']), 'datagrams/s', round(a['bytes_per_second']*8/1e6,1), 'Mbit/s')"
}
for i in 1 2 3; do run plain$i; run sealed$i --security.encrypt=true; done
