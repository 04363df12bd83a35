#!/usr/bin/env bash
# Builds the .deb with cpack from the build tree, installs it with apt, runs
# the installed ilnp and systemd-analyze verify on the installed units, runs
# lintian (fails on errors), purges it and checks that none of its files stay.
set -euo pipefail
build=${1:?usage: deb_test.sh BUILD_DIR}
[[ $(id -u) -eq 0 ]] || { echo "skip: needs root (installs a package)"; exit 77; }
for tool in cpack dpkg-shlibdeps lintian systemd-analyze; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool missing (scripts/setup.sh installs it)"; exit 1; }
done

out=$(mktemp -d /tmp/ilnp-deb.XXXXXX)
trap 'rm -rf "$out"' EXIT
apt_opts=(-y -qq --no-install-recommends -o DPkg::Lock::Timeout=300)
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out" >"$out/cpack.log" || { cat "$out/cpack.log"; exit 1; }
deb=$(ls "$out"/ilnp_*.deb)
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"
dpkg-deb -f "$deb" Depends

fail() { echo "FAIL: $*"; exit 1; }
hosts_before=$(grep '^hosts:' /etc/nsswitch.conf)
DEBIAN_FRONTEND=noninteractive apt-get install "${apt_opts[@]}" "$deb" >"$out/apt.log" 2>&1 || { cat "$out/apt.log"; fail "apt-get install"; }
# Installed files, for the check after purge (directories shared with other
# packages, like /usr/bin, stay).
dpkg -L ilnp | sort >"$out/files"

# The binary dpkg installed, not the build tree's; stripped.
[[ $(command -v ilnp) == /usr/bin/ilnp ]] || fail "ilnp not on PATH at /usr/bin/ilnp"
file /usr/bin/ilnp | grep -q ', stripped' || fail "/usr/bin/ilnp is not stripped: $(file /usr/bin/ilnp)"
/usr/bin/ilnp --version || fail "ilnp --version"
/usr/bin/ilnp node --help >/dev/null || fail "ilnp node --help"

unitdir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /lib/systemd/system)
for unit in "ilnp@.service" ilnp-hub.service; do
  [[ -f $unitdir/$unit ]] || fail "$unitdir/$unit not installed"
done
# A template verifies through an instance; verify prints warnings for
# anything it does not accept, so its output must be empty too.
SYSTEMD_LOG_LEVEL=notice systemd-analyze verify "$unitdir/ilnp@.service" "$unitdir/ilnp-hub.service" \
  >"$out/verify.log" 2>&1 || { cat "$out/verify.log"; fail "systemd-analyze verify"; }
grep -v '^$' "$out/verify.log" && fail "systemd-analyze verify printed warnings"
echo "systemd-analyze verify: clean"

for f in /usr/share/man/man1/ilnp.1.gz /usr/share/man/man5/ilnp.ini.5.gz \
  /usr/share/bash-completion/completions/ilnp /usr/share/doc/ilnp/copyright /usr/share/doc/ilnp/changelog.gz; do
  [[ -f $f ]] || fail "$f not installed"
done
tshark_plugins=$(tshark -G folders 2>/dev/null | awk -F'\t+' '/^Global Lua Plugins:/ {print $2}' || true)
if [[ -n $tshark_plugins ]]; then
  [[ -f $tshark_plugins/ilnp-overlay.lua ]] || fail "ilnp-overlay.lua not in Wireshark's $tshark_plugins"
  tshark -G protocols 2>/dev/null | grep -qi ilnp || fail "tshark does not load the installed dissector"
fi
# The NSS module: found by soname, enabled before dns, and harmless to
# programs while no node runs (localhost still resolves from files).
nss=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)/libnss_ilnp.so.2
[[ -f $nss ]] || fail "$nss not installed"
grep -Eq '^hosts:.*[[:space:]]ilnp[[:space:]]+dns' /etc/nsswitch.conf || fail "postinst did not add ilnp before dns: $(grep '^hosts:' /etc/nsswitch.conf)"
getent hosts localhost >/dev/null || fail "getent hosts localhost fails with the ilnp source"
ls /usr/share/doc/ilnp/examples/*.ini >/dev/null || fail "no example configurations"

lintian --fail-on error --no-tag-display-limit "$deb" | tee "$out/lintian.log" || fail "lintian reports errors"

DEBIAN_FRONTEND=noninteractive apt-get purge "${apt_opts[@]}" ilnp >"$out/purge.log" 2>&1 || { cat "$out/purge.log"; fail "apt-get purge"; }
dpkg-query -W -f='${Status}\n' ilnp 2>/dev/null | grep -qv 'not-installed' && fail "dpkg still knows ilnp"
left=0
while read -r f; do
  [[ -e $f && ! -d $f ]] && { echo "left behind: $f"; left=1; }
  [[ -d $f && $f == *ilnp* ]] && { echo "left behind: $f/"; left=1; }
done <"$out/files"
((left == 0)) || fail "purge left files"
[[ $(grep '^hosts:' /etc/nsswitch.conf) == "$hosts_before" ]] || fail "nsswitch hosts line not restored: $(grep '^hosts:' /etc/nsswitch.conf)"
echo "package.deb: built, installed, verified, linted, purged"
