#!/usr/bin/env bash
# scripts/deploy and `scripts/experiment run --hosts` against stand-ins for
# Raspberry Pis: three namespaces (alice, bob, clare) on a bridge, each
# running Debian's OpenSSH server on port 2222 with a throwaway host key and
# a throwaway client key (all in a temporary directory; nothing of the
# machine's ssh setup is used or changed), plus a control namespace from
# which deploy and experiment run, as a laptop on the Pis' LAN would.
#
# The "Pis" share this filesystem, so the inventory points all three at one
# temporary directory: deploy copies the working tree there over ssh, builds
# it there (the ilnp target, to keep the test short: DEPLOY_TEST_BUILD=setup
# runs the default scripts/setup.sh instead), checks the binary and leaves
# the systemd unit there (no systemd runs here; nodes run detached through
# scripts/lib/remote-node.sh). Then exp1-cn-to-mn-ci runs on the three hosts
# over ssh and its results are checked like the emulated runs (no loss,
# counted at both ends, plots). About 2-4 minutes, mostly the build.
#
# usage: deploy_test.sh ILNP_BINARY   (exit 77: not root, or no sshd and no apt-get)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=SCRIPTDIR/../netns/lib.sh
source "$repo/tests/netns/lib.sh" "${1:-}"
netns_require
if [[ ! -x /usr/sbin/sshd ]]; then
  command -v apt-get >/dev/null || skip "needs openssh-server"
  log "installing openssh-server (Debian)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >/dev/null 2>&1 ||
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server >/dev/null; } ||
    skip "cannot install openssh-server"
fi
command -v ssh >/dev/null || skip "needs an ssh client"

netns_setup alice bob clare laptop
t=$NETNS_DIR
ssh-keygen -q -t ed25519 -N '' -C ilnp-test-host -f "$t/host_key"
ssh-keygen -q -t ed25519 -N '' -C ilnp-test-client -f "$t/client_key"
cp "$t/client_key.pub" "$t/authorized_keys"
mkdir -p /run/sshd
chmod 755 /run/sshd
n=0
for host in alice bob clare; do
  n=$((n + 1))
  cat >"$t/sshd_$host.conf" <<CONF
Port 2222
ListenAddress fd00::$n
HostKey $t/host_key
AuthorizedKeysFile $t/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile $t/sshd_$host.pid
MaxSessions 50
MaxStartups 50
CONF
  netns_start "$host" "sshd_$host" -- /usr/sbin/sshd -D -e -f "$t/sshd_$host.conf"
done
if [[ ${DEPLOY_TEST_BUILD:-} == setup ]]; then
  build="scripts/setup.sh"
else
  build="cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null && cmake --build build -j$(nproc) --target ilnp"
fi
cat >"$t/inventory" <<INV
# Three stand-in Pis in namespaces, one shared target directory.
[defaults]
user = root
ssh_port = 2222
dir = $t/pi/ilnp-overlay
interface = eth0
identity = $t/client_key
ssh_options = -o UserKnownHostsFile=$t/known_hosts -o StrictHostKeyChecking=no -o LogLevel=ERROR -o ControlPath=$t/ssh-%C
build = $build

[host alice]
address = fd00::1

[host bob]
address = fd00::2

[host clare]
address = fd00::3
INV
in_laptop() { ip netns exec "$(netns_name laptop)" env HOME="$t" "$@"; }
wait_for 10 "sshd answers on alice" in_laptop ssh -i "$t/client_key" -p 2222 -o BatchMode=yes \
  -o UserKnownHostsFile="$t/known_hosts" -o StrictHostKeyChecking=no -o LogLevel=ERROR root@fd00::1 true ||
  fail "ssh to the stand-in Pi failed"
bob_ns=$(in_laptop ssh -i "$t/client_key" -p 2222 -o BatchMode=yes -o UserKnownHostsFile="$t/known_hosts" \
  -o StrictHostKeyChecking=no -o LogLevel=ERROR root@fd00::2 'readlink /proc/self/ns/net') || fail "ssh to bob failed"
check "an ssh session on bob runs in bob's namespace" test "$bob_ns" = "$(ip netns exec "$(netns_name bob)" readlink /proc/self/ns/net)"

start=$SECONDS
in_laptop "$repo/scripts/deploy" "$t/inventory" >"$t/deploy.out" 2>"$t/deploy.err" ||
  fail "scripts/deploy failed: $(tail -n 30 "$t/deploy.err")"
log "deploy took $((SECONDS - start)) s: $(cat "$t/deploy.out")"
target="$t/pi/ilnp-overlay"
check "the source tree arrived" test -f "$target/CMakeLists.txt" -a -f "$target/scripts/lib/remote-node.sh" -a -f "$target/topo/three-pi.topo"
check "the experiment files arrived" test -f "$target/experiments/exp1-cn-to-mn-ci.exp"
check "ilnp was built on the host" test -x "$target/build/ilnp"
check "the built ilnp runs" bash -c "'$target/build/ilnp' node --help >/dev/null"
check "the unit was rendered with the target directory" grep -q "^ExecStart=$target/scripts/lib/remote-node.sh run %i$" "$target/testbed/ilnp-node@.service"
check "deploy reported the missing systemd" grep -q "no systemd running there" "$t/deploy.err"
check "every host was deployed and built" test "$(grep -c ': built in' "$t/deploy.err")" -eq 3
if command -v systemd-analyze >/dev/null 2>&1; then
  sed "s|^ExecStart=.*|ExecStart=/bin/true %i|" "$target/testbed/ilnp-node@.service" >"$t/ilnp-node@.service"
  check "systemd-analyze accepts the unit" systemd-analyze verify "$t/ilnp-node@.service"
fi

start=$SECONDS
in_laptop "$repo/scripts/experiment" run --hosts "$t/inventory" exp1-cn-to-mn-ci --ilnp "$ILNP" --out "$t/results" \
  >"$t/experiment.out" 2>&1 || fail "experiment over ssh failed: $(tail -n 40 "$t/experiment.out")"
log "experiment over ssh took $((SECONDS - start)) s"
python3 "$here/check_results.py" "$t/results" --lossless >&2 || fail "results over ssh: $(sed -n '/## Flows/,$p' "$t/results/summary.md")"
check "the results say they ran on real hosts" grep -q "real hosts over ssh" "$t/results/summary.md"
check "the nodes' status files say they exited 0" test "$(cat "$target/testbed/bob/status")" = 0 -a "$(cat "$target/testbed/alice/status")" = 0
check "no node process is left on the hosts" bash -c "! pgrep -f '^$target/build/ilnp'"
sed -n '/## Flows/,/^$/p;/^| flow/,/^$/p' "$t/results/summary.md" | sed -n '3,5p' >&2
