#!/usr/bin/env bash
# The command line's contract, without a node: `ilnp --version` / `version`
# print the project's version and git commit; `help` and `help COMMAND`; every
# `ilnp ctl VERB --help` shows that verb's usage and never the internal
# --command option; unknown commands and bad argument counts give a short
# usage on stderr and exit 2; build_info.cmake says "unknown" outside a git
# checkout instead of failing the build.
#
# usage: usage.sh ILNP_BINARY PROJECT_VERSION CMAKE_COMMAND SOURCE_DIR
set -euo pipefail
ILNP=$1 VERSION=$2 CMAKE=$3 SOURCE_DIR=$4
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
ok() { echo "ok: $*" >&2; }

# run ARGS...: sets rc, out, err.
run() {
  rc=0
  "$ILNP" "$@" >"$TMP/out" 2>"$TMP/err" || rc=$?
  out=$(cat "$TMP/out")
  err=$(cat "$TMP/err")
}
expect() { # expect RC STREAM REGEX WHAT
  [[ $rc == "$1" ]] || fail "$4: exit status $rc, not $1 (stdout: $out / stderr: $err)"
  local text=$out
  [[ $2 == err ]] && text=$err
  grep -Eq -- "$3" <<<"$text" || fail "$4: std$2 lacks /$3/ (stdout: $out / stderr: $err)"
  ok "$4"
}

commit_re='([0-9a-f]{12}(-dirty)?|unknown)'
run --version
expect 0 out "^ilnp ${VERSION//./\\.} \\(git $commit_re\\)$" "--version names the version and commit"
[[ -z $err ]] || fail "--version wrote to stderr: $err"
version_line=$out
run version
expect 0 out "^ilnp ${VERSION//./\\.} " "ilnp version"
[[ $out == "$version_line" ]] || fail "ilnp version and --version differ"
if git -C "$SOURCE_DIR" rev-parse --short=12 HEAD >/dev/null 2>&1; then
  head=$(git -C "$SOURCE_DIR" rev-parse --short=12 HEAD)
  [[ $version_line == *"git $head"* ]] || fail "--version says '$version_line', the checkout is at $head"
  ok "the commit is this checkout's ($head)"
fi

run help
expect 0 out '^Commands:' "ilnp help lists the commands"
grep -q 'version' <<<"$out" || fail "ilnp help does not mention version"
run help node
expect 0 out 'stream\.serve' "ilnp help node lists the keys, [stream] serve among them"
run help ctl move
expect 0 out '^usage: ilnp ctl .*move LOCATORS' "ilnp help ctl move = ilnp ctl move --help"

run frobnicate
expect 2 err "unknown command 'frobnicate'" "an unknown command exits 2"
[[ -z $out ]] || fail "an unknown command wrote to stdout: $out"
(($(wc -l <<<"$err") <= 3)) || fail "the unknown-command usage is not short: $err"
run
expect 2 err '^usage: ilnp COMMAND' "no command: short usage, exit 2"
run help frobnicate
expect 2 err "unknown command 'frobnicate'" "help of an unknown command exits 2"
run node --no-such-option
expect 2 err "no-such-option" "an unknown option is a usage error (2)"

run ctl --help
expect 0 out '^Commands:' "ilnp ctl --help"
grep -q -- '--command' <<<"$out" && fail "ilnp ctl --help lists the internal --command option"
ok "ilnp ctl --help hides --command"
for verb in status move metrics peers bindings "proxy add" "proxy list" "proxy remove" "stream listen" \
  "stream serve" "stream list" "stream unlisten" "stream unserve"; do
  # shellcheck disable=SC2086  # the verb's words are separate arguments
  run ctl $verb --help
  expect 0 out "^usage: ilnp ctl \\[--node HOSTNAME \\| --socket PATH\\] $verb" "ilnp ctl $verb --help"
  grep -q -- '--command' <<<"$out" && fail "ilnp ctl $verb --help lists --command"
  grep -q '^Commands:' <<<"$out" && fail "ilnp ctl $verb --help printed the generic help"
  (($(grep -c '^usage:' <<<"$out") == 1)) || fail "ilnp ctl $verb --help shows more than its own usage"
done
run ctl proxy --help
expect 0 out 'proxy remove LOCAL_PORT' "ilnp ctl proxy --help lists the proxy verbs"
grep -q 'stream' <<<"$out" && fail "ilnp ctl proxy --help lists stream verbs"

# Usage errors are found before any node is looked for (none runs here).
sock="$TMP/no-node.sock"
run ctl --socket "$sock" frob
expect 2 err "unknown command 'frob'" "ilnp ctl frob exits 2"
run ctl --socket "$sock" proxy add 2000 bob
expect 2 err 'usage: .*proxy add LOCAL_PORT REMOTE REMOTE_PORT' "a missing argument exits 2 with the verb's usage"
run ctl --socket "$sock" stream unserve ssh bob
expect 2 err 'usage: .*stream unserve SERVICE' "an extra argument exits 2 with the verb's usage"
run ctl --socket "$sock" stream serve ssh 127.0.0.1:22 allow bob ffff:0:0:d
expect 1 err 'ilnp ctl: ' "stream serve takes an allow-list (then finds no node: exit 1)"
run ctl --socket "$sock" proxy
expect 2 err "'proxy' needs a subcommand" "ilnp ctl proxy exits 2"
run ctl --socket "$sock"
expect 2 err 'no command given' "ilnp ctl with no command exits 2"
run ctl --node ../../x status
expect 2 err "--node '../../x'" "a hostname that is a path is refused"
run ctl --socket "$sock" status
expect 1 err 'ilnp ctl: ' "no node at the socket: exit 1 on stderr"
[[ -z $out ]] || fail "a failed request wrote to stdout: $out"
run id --hostname ../../x
expect 1 err "hostname '../../x' must be" "ilnp id refuses a hostname that is a path"

# build_info.cmake outside a checkout (a release tarball), also one unpacked
# inside another repository: "unknown", and no failure.
mkdir -p "$TMP/tarball" "$TMP/repo/sub"
"$CMAKE" -DSOURCE_DIR="$TMP/tarball" -DOUTPUT="$TMP/info.hpp" -DVERSION="$VERSION" \
  -P "$SOURCE_DIR/cmake/build_info.cmake" || fail "build_info.cmake failed outside a git checkout"
grep -q 'ILNP_GIT_COMMIT "unknown"' "$TMP/info.hpp" || fail "outside a checkout: $(cat "$TMP/info.hpp")"
if command -v git >/dev/null; then
  git -C "$TMP/repo" init -q && git -C "$TMP/repo" -c user.email=t@t -c user.name=t commit -q --allow-empty -m x
  "$CMAKE" -DSOURCE_DIR="$TMP/repo/sub" -DOUTPUT="$TMP/info2.hpp" -DVERSION="$VERSION" \
    -P "$SOURCE_DIR/cmake/build_info.cmake" || fail "build_info.cmake failed inside another repository"
  grep -q 'ILNP_GIT_COMMIT "unknown"' "$TMP/info2.hpp" || fail "inside another repo: $(cat "$TMP/info2.hpp")"
fi
ok "build_info.cmake says unknown outside a checkout"
echo "PASS" >&2
