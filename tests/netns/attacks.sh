#!/usr/bin/env bash
# Attacks on a live overlay from a host on the same bridge (issue 5, "How it
# is tested"). alice (0:0:0:a) receives an `ilnp experiment` stream that bob
# (0:0:0:b) sends at 100/s through the router (a, b, c, e). mallory runs
# attacker.py (raw UDP to the locator groups, its own Ed25519 key) and, for
# attack 3, a node of its own:
#   (1) forged locator update to bob: "alice is now at 0:0:0:e" (a black hole);
#       legacy 44, plus in secure mode 46 signed with mallory's key (claiming
#       alice's NID) and 46 carrying alice's key with mallory's signature;
#   (2) replay: the genuine update of alice's move a -> c, captured, replayed
#       to bob after alice moved back to a;
#   (3) hostname takeover: mallory's own node named "alice" on b, and forged
#       advertisements (legacy 43; 45 with mallory's NID; 45 with alice's NID);
#   (4) secure mode (encrypt on at alice and bob): 47 datagrams "from bob" to
#       alice with random ciphertext, with one bit of a captured one flipped,
#       and replays of captured genuine ones.
# After each: alice's received count keeps growing (her progress lines) and bob
# resolves "alice" to alice's NID at a locator she is on.
#
# secure: every attack fails, is counted under its drop reason, and the stream
#   loses nothing (at the end alice received every datagram bob sent, no
#   duplicates). One documented limit is probed and reported, not failed: 4c,
#   a cleartext 42 datagram claiming bob (section 9: "legacy transport (42) is
#   not authenticated") reaches alice's application although she seals.
#   ILNP_ATTACKS_KNOWN_HOLES=1 instead asserts that the holes this test found
#   are closed, so that mode fails until they are fixed: 4c; (5) bob restarts
#   with the same identity and seals from epoch 0, counter 0 again under the
#   same key (nonces reused; alice refuses him as a replay); (2b) after that
#   restart, bob applies alice's old captured update again; (3b) 1024 signed
#   names from one key flood bob's name cache until "alice" is evicted and
#   mallory claims it.
# legacy: attack (1) must succeed (bob's binding for alice moves to 0:0:0:e and
#   the stream stalls): the hole the mode keeps. (2) and (3) are reported.
# Prints a table of attack x result.
#
# usage: attacks.sh ILNP_BINARY secure|legacy   (exit 77: skipped)
# shellcheck source=SCRIPTDIR/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=SCRIPTDIR/attacks_lib.sh
source "$(dirname "$0")/attacks_lib.sh"
netns_require
netns_require_python
MODE=${2:?usage: attacks.sh ILNP_BINARY secure|legacy}
[[ $MODE == secure || $MODE == legacy ]] || fail "mode must be secure or legacy, not '$MODE'"
ATTACKER="$NETNS_LIB_DIR/attacker.py"
KNOWN_HOLES=${ILNP_ATTACKS_KNOWN_HOLES:-0}

A=0:0:0:a B=0:0:0:b C=0:0:0:c E=0:0:0:e
declare -A NID_OF=([alice]=ffff:0:0:a [bob]=ffff:0:0:b [router]=ffff:0:0:d [mallory_node]=ffff:0:0:666)
declare -A RESULT=()
ORDER=()

# --- the table ------------------------------------------------------------------
record() { # ATTACK RESULT
  [[ -n ${RESULT[$1]:-} ]] || ORDER+=("$1")
  RESULT[$1]=$2
  log "result: $1: $2"
}
print_table() {
  local a
  printf '\n%-66s | %s\n' "attack ($MODE mode)" "result" >&2
  printf '%s\n' "-------------------------------------------------------------------+------------------------------------------" >&2
  for a in "${ORDER[@]}"; do printf '%-66s | %s\n' "$a" "${RESULT[$a]}" >&2; done
  echo >&2
}
attack_fail() {
  print_table
  fail "$@"
}

# --- nodes ------------------------------------------------------------------------
# Every process gets its own control socket and identity directory.
node_args() { # LABEL HOSTNAME LOCATORS
  local args=(--link.mcast_interface=eth0 --network.locators="$3" --discovery.hostname="$2"
    --control.socket="$NETNS_DIR/$1.sock" --security.state_dir="$NETNS_DIR/state/$1"
    --network.log=info --discovery.log=info)
  if [[ $MODE == legacy ]]; then args+=(--network.nid="${NID_OF[$1]}"); fi
  printf '%s\n' "${args[@]}"
}
received() { progress_field received alice; }

# The stream keeps flowing: alice's count grows by 150 (1.5 s at 100/s) within 4 s.
grows() { (($(received) >= $1 + 150)); }
stream_flows() {
  local r0
  r0=$(received)
  wait_for 4 "alice's received count grows past $r0 + 150" grows "$r0"
}
# The stream stalls: at most 5 datagrams in 2.5 s, after 1.5 s for what was in flight.
stream_stalls() {
  sleep 1.5
  local r0 r1
  r0=$(received)
  sleep 2.5
  r1=$(received)
  log "alice received $((r1 - r0)) datagrams in 2.5 s"
  ((r1 - r0 <= 5))
}

# bob's freshest binding of "alice" (what send_to_host uses): "LOCATOR NID" or "none".
bob_alice() {
  status bob | python3 -c '
import json, sys
names = [n for n in json.load(sys.stdin)["names"] if n["hostname"] == "alice"]
if not names: print("none"); sys.exit()
best = min(names, key=lambda n: n["age_s"])["ilv"].split(":")
print(":".join(best[:4]), ":".join(best[4:]))'
}
# bob resolves alice to her NID at a locator she is on.
bob_resolves_alice() {
  local got loc nid on
  got=$(bob_alice)
  read -r loc nid <<<"$got"
  on=$(status alice | python3 -c 'import json, sys; print(" ".join(json.load(sys.stdin)["active_locators"]))')
  [[ $nid == "$ALICE_NID" && " $on " == *" $loc "* ]]
}
check_victim_ok() { # ATTACK: both properties, or the test fails
  stream_flows || attack_fail "$1: alice's stream stopped"
  bob_resolves_alice || attack_fail "$1: bob resolves alice to $(bob_alice), not $ALICE_NID at one of her locators"
  log "ok: after $1 the stream flows and bob resolves alice to $(bob_alice)"
}
# Counter deltas against a snapshot: snapshot LABEL; delta LABEL NAME.
declare -A SNAP=()
snapshot() { SNAP[$1]=$(status "$1"); }
delta() {
  local now
  now=$(counter "$1" "$2")
  python3 -c 'import json, sys; print(int(sys.argv[2]) - json.loads(sys.argv[1])["counters"].get(sys.argv[3], 0))' \
    "${SNAP[$1]}" "$now" "$2"
}
delta_at_least() { (($(delta "$1" "$2") >= $3)); }
counter_above() { (($(counter "$1" "$2") > $3)); }
joined_only() { [[ $(status "$1" | python3 -c 'import json, sys; print(",".join(json.load(sys.stdin)["joined_locators"]))') == "$2" ]]; }
# The sniffer's capture has at least N datagrams that `attacker.py select ARGS` matches.
captured() { # N ARGS...
  local n=$1
  shift
  (($(mallory select --capture "$CAPTURE" "$@" | python3 -c 'import json, sys; print(json.load(sys.stdin)["matches"])') >= n))
}

mallory() { ip netns exec "$(netns_name mallory)" python3 "$ATTACKER" "$@"; }

# alice moves (ctl move) and bob applies her update; the handoff completes.
alice_moves_to() { # LOCATOR
  local before
  before=$(counter bob updates_received)
  ctl alice move "$1" >/dev/null || attack_fail "ctl move $1 failed"
  wait_for 5 "bob applied alice's update to $1" counter_above bob updates_received "$before" ||
    attack_fail "bob never applied alice's locator update to $1"
  wait_for 4 "alice left every locator but $1" joined_only alice "$1" ||
    attack_fail "alice's handoff to $1 did not complete"
}

# --- set up -------------------------------------------------------------------------
netns_setup alice router bob mallory
mkdir -p "$NETNS_DIR/state"
mapfile -t router_args < <(node_args router router "$A, $B, $C, $E")
netns_start router router -- "$ILNP" node "${router_args[@]}"
wait_for 5 "the router joined its locators" has_line "$(err_of router)" "joined locator $E" ||
  fail "the router did not start"

encrypt=()
[[ $MODE == secure ]] && encrypt=(--security.encrypt=true)
experiment=(--application.port=1000 --application.progress=1 --application.print_datagrams=false)
mapfile -t alice_args < <(node_args alice alice "$A")
netns_start alice alice -- "$ILNP" experiment "${alice_args[@]}" "${experiment[@]}" "${encrypt[@]}" \
  --network.handoff_time=1
wait_for 5 "alice's control socket" test -S "$NETNS_DIR/alice.sock" || fail "alice did not start"
mapfile -t bob_args < <(node_args bob bob "$B")
netns_start bob bob -- "$ILNP" experiment "${bob_args[@]}" "${experiment[@]}" "${encrypt[@]}" \
  --application.remote_hostname=alice --application.remote_port=1000 --application.wait_time=0.01
wait_for 5 "bob's control socket" test -S "$NETNS_DIR/bob.sock" || fail "bob did not start"

CAPTURE="$NETNS_DIR/capture.jsonl"
: >"$CAPTURE"
netns_start mallory sniffer -- python3 "$ATTACKER" sniff --locators "$A,$B,$C" --out "$CAPTURE"
wait_for 5 "mallory sniffs" has_line "$(out_of sniffer)" sniffing || fail "the sniffer did not start"

ALICE_NID=$(field alice nid) BOB_NID=$(field bob nid)
check "every node runs in $MODE mode" test "$(field alice mode)/$(field bob mode)/$(field router mode)" = \
  "$MODE/$MODE/$MODE"
if [[ $MODE == secure ]]; then
  ALICE_KEY=$(field alice public_key)
  check "encryption is on at alice and bob" test "$(field alice encrypt)/$(field bob encrypt)" = "True/True"
fi
MALLORY_NID=$(mallory id | python3 -c 'import json, sys; print(json.load(sys.stdin)["nid"])')
log "alice is $ALICE_NID, bob is $BOB_NID; mallory is $MALLORY_NID"
wait_for 15 "alice receives bob's stream" grows 0 || fail "bob's stream never reached alice"
check_victim_ok "the start"

# --- (1) forged locator update ------------------------------------------------------
A1="(1) forged update: alice -> 0:0:0:e"
snapshot bob
kinds=legacy
[[ $MODE == secure ]] && kinds=legacy,secure-own-key,secure-victim-key
forged=$(mallory forge-update --kinds "$kinds" --claim-nid "$ALICE_NID" --victim-key "${ALICE_KEY:-}" \
  --src-loc "$A" --dst-loc "$B" --dst-nid "$BOB_NID" --new-locator "$E" --send-on "$B" --copies 2) ||
  attack_fail "attacker.py forge-update failed"
log "mallory: $forged"
if [[ $MODE == secure ]]; then
  forgeries_refused() {
    delta_at_least bob drop_unauthenticated 2 && delta_at_least bob drop_nid_key_mismatch 2 &&
      delta_at_least bob drop_bad_signature 2
  }
  wait_for 3 "bob refused all three forgeries" forgeries_refused || attack_fail "$A1: bob did not count the forgeries"
  check "$A1: bob applied no update" test "$(delta bob updates_received)" -eq 0
  check_victim_ok "$A1"
  record "$A1" "FAILED: unauthenticated +$(delta bob drop_unauthenticated), nid_key_mismatch +$(delta bob drop_nid_key_mismatch), bad_signature +$(delta bob drop_bad_signature)"
else
  wait_for 3 "bob applied the forged update" has_line "$(err_of bob)" "locator update from alice .*: now at $E" ||
    attack_fail "$A1: legacy bob did not apply the forged update (the hole legacy mode keeps)"
  stream_stalls || attack_fail "$A1: legacy: alice's stream kept flowing after the forged update"
  record "$A1" "SUCCEEDED: bob rebound alice to $E, stream stalled"
fi

# --- (2) replay of a captured genuine update ------------------------------------------
A2="(2) replay of alice's captured update a -> c"
nh_update=44
[[ $MODE == secure ]] && nh_update=46
select_c=(--nh "$nh_update" --src-nid "$ALICE_NID" --dst-nid "$BOB_NID" --kind update
  --update-locator "$C")
alice_moves_to "$C"
wait_for 3 "mallory captured alice's update to $C" captured 1 "${select_c[@]}" ||
  attack_fail "$A2: the sniffer never saw alice's update"
stream_flows || attack_fail "$A2: the stream did not follow alice to $C"
alice_moves_to "$A"
stream_flows || attack_fail "$A2: the stream did not follow alice back to $A"
snapshot bob
replayed=$(mallory replay --capture "$CAPTURE" "${select_c[@]}" --send-on "$B" --copies 2) || attack_fail "attacker.py replay failed"
log "mallory: $replayed"
if [[ $MODE == secure ]]; then
  wait_for 3 "bob refused the replay as stale" delta_at_least bob drop_stale_message 2 ||
    attack_fail "$A2: bob did not count the replayed update as stale"
  check "$A2: bob applied no update" test "$(delta bob updates_received)" -eq 0
  check_victim_ok "$A2"
  record "$A2" "FAILED: stale_message +$(delta bob drop_stale_message)"
else
  sleep 0.5
  if stream_stalls; then
    record "$A2" "SUCCEEDED: bob rebound alice to $C (she left it), stream stalled"
  else
    record "$A2" "no effect observed (bob applied $(delta bob updates_received) updates)"
  fi
  # Repair: alice's genuine updates put bob right again.
  alice_moves_to "$C"
  alice_moves_to "$A"
  check_victim_ok "the repair after (2)"
fi

# --- (3) hostname takeover --------------------------------------------------------------
A3="(3) hostname takeover: mallory's node and forged adverts"
snapshot bob
snapshot router
mapfile -t mallory_args < <(node_args mallory_node alice "$B")
netns_start mallory mallory_node -- "$ILNP" node "${mallory_args[@]}"
wait_for 5 "mallory's node (named alice) runs" test -S "$NETNS_DIR/mallory_node.sock" ||
  attack_fail "mallory's node did not start"
log "mallory's node, named alice, is $(field mallory_node nid)"
if [[ $MODE == secure ]]; then
  wait_for 5 "bob refused mallory's node's claim on the name" delta_at_least bob drop_hostname_taken 1 ||
    attack_fail "$A3: bob did not refuse the advertisement of mallory's node"
  forged=$(mallory forge-advert --kinds legacy,secure-own-key,secure-victim-nid --hostname alice --locator "$E" \
    --victim-nid "$ALICE_NID" --send-on "$B") || attack_fail "attacker.py forge-advert failed"
  log "mallory: $forged"
  adverts_refused() {
    delta_at_least bob drop_hostname_taken 2 && delta_at_least bob drop_nid_key_mismatch 1 &&
      delta_at_least bob drop_unauthenticated 1
  }
  wait_for 3 "bob refused the forged advertisements" adverts_refused ||
    attack_fail "$A3: bob did not count the forged advertisements"
  check_victim_ok "$A3"
  record "$A3" "FAILED: hostname_taken +$(delta bob drop_hostname_taken) (router +$(delta router drop_hostname_taken)), nid_key_mismatch +$(delta bob drop_nid_key_mismatch), unauthenticated +$(delta bob drop_unauthenticated)"
  netns_stop mallory_node 5 || true
else
  # Its start-up solicitation makes alice advertise again too: the last one heard wins.
  sleep 1
  by_node=$(bob_alice)
  forged=$(mallory forge-advert --kinds legacy --hostname alice --locator "$E" --legacy-nid 6d:6d:6d:6d \
    --send-on "$B") || attack_fail "attacker.py forge-advert failed"
  log "mallory: $forged"
  sleep 0.5
  got=$(bob_alice)
  if [[ $got != *" $ALICE_NID" ]] && stream_stalls; then
    record "$A3" "SUCCEEDED: bob resolves alice to $got (after mallory's node alone: $by_node), stream stalled"
  else
    record "$A3" "no effect observed (bob resolves alice to $got)"
  fi
  netns_stop mallory_node 5 || true
fi

# --- (4) injection into the sealed session ----------------------------------------------
if [[ $MODE == secure ]]; then
  A4="(4) 47 injection into bob -> alice (random, tampered, replayed)"
  wait_for 3 "mallory captured sealed datagrams from bob to alice" \
    captured 20 --nh 47 --src-nid "$BOB_NID" --dst-nid "$ALICE_NID" ||
    attack_fail "$A4: the sniffer saw no sealed datagrams"
  check "the stream is sealed: mallory saw no cleartext 42 from bob" bash -c \
    "! grep -q '\"nh\": 42, [^}]*\"src_nid\": \"$BOB_NID\"' '$CAPTURE'"
  snapshot alice
  dup0=$(progress_field duplicates alice)
  random_count=40 tampered_count=10 replay_count=20
  out=$(mallory inject-sealed --src-loc "$B" --src-nid "$BOB_NID" --dst-loc "$A" --dst-nid "$ALICE_NID" \
    --send-on "$A" --count "$random_count") || attack_fail "attacker.py inject-sealed failed"
  log "mallory: $out"
  out=$(mallory inject-sealed --src-loc "$B" --src-nid "$BOB_NID" --dst-loc "$A" --dst-nid "$ALICE_NID" \
    --send-on "$A" --count "$tampered_count" --tamper-capture "$CAPTURE") || attack_fail "attacker.py inject-sealed failed"
  log "mallory: $out"
  sleep 0.3 # every captured datagram has long been delivered to alice
  out=$(mallory replay --capture "$CAPTURE" --nh 47 --src-nid "$BOB_NID" --dst-nid "$ALICE_NID" \
    --count "$replay_count" --newest --send-on "$A") || attack_fail "attacker.py replay failed"
  log "mallory: $(cut -c1-200 <<<"$out")"
  forgeries=$((random_count + tampered_count))
  injections_refused() {
    delta_at_least alice drop_decrypt_failed "$forgeries" && delta_at_least alice drop_replayed_datagram "$replay_count"
  }
  wait_for 4 "alice refused $forgeries forgeries and $replay_count replays" injections_refused ||
    attack_fail "$A4: alice counted decrypt_failed +$(delta alice drop_decrypt_failed), replayed_datagram +$(delta alice drop_replayed_datagram)"
  check_victim_ok "$A4"
  check "$A4: alice's application saw no duplicate" test "$(progress_field duplicates alice)" -eq "$dup0"
  record "$A4" "FAILED: decrypt_failed +$(delta alice drop_decrypt_failed) (of $forgeries), replayed_datagram +$(delta alice drop_replayed_datagram) (of $replay_count)"

  # 4c (documented in section 9: "legacy transport (42) is not authenticated"):
  # a cleartext 42 datagram claiming bob's NID, although alice seals. Its data
  # repeats sequence 1, so if alice's application gets it, it counts a duplicate.
  cleartext_probe() {
    A4c="(4c) cleartext 42 claiming bob while alice seals"
    local dup0
    dup0=$(progress_field duplicates alice)
    out=$(mallory cleartext --src-loc "$B" --src-nid "$BOB_NID" --dst-loc "$A" --dst-nid "$ALICE_NID" \
      --send-on "$A" --data 0000000000000001) || attack_fail "attacker.py cleartext failed"
    sleep 1.5
    if (($(progress_field duplicates alice) > dup0)); then
      record "$A4c" "SUCCEEDED: alice's application got it (duplicates $dup0 -> $(progress_field duplicates alice))"
      HOLES+=("$A4c")
    else
      record "$A4c" "FAILED: alice's application never saw it"
    fi
  }
  HOLES=()
  if [[ $KNOWN_HOLES == 1 ]]; then
    # The holes found so far, each asserted closed (this mode fails until they are).
    cleartext_probe
    # 5: bob restarts with the same identity. His SealedChannels start again at
    # epoch 0, counter 0 under the same key: nonces repeat (a passive observer
    # gets c1 ^ c2 = p1 ^ p2), and alice, whose replay window remembers the
    # first run, refuses his datagrams until his counter passes the old one.
    A5="(5) bob restarts (same identity): sealed nonces reused"
    CAPTURE2="$NETNS_DIR/capture2.jsonl"
    : >"$CAPTURE2"
    netns_start mallory sniffer2 -- python3 "$ATTACKER" sniff --locators "$A,$B" --out "$CAPTURE2" --limit 42=50,47=600
    wait_for 5 "mallory's second sniffer" has_line "$(out_of sniffer2)" sniffing || fail "the sniffer did not start"
    snapshot alice
    netns_stop bob 5 || true
    netns_start bob bob_restarted -- "$ILNP" experiment "${bob_args[@]}" "${experiment[@]}" "${encrypt[@]}" \
      --application.remote_hostname=alice --application.remote_port=1000 --application.wait_time=0.01
    wait_for 5 "bob runs again" test -S "$NETNS_DIR/bob.sock" || fail "bob did not restart"
    check "bob kept his identity" test "$(field bob nid)" = "$BOB_NID"
    sleep 4
    reuse=$(mallory nonce-reuse --capture "$CAPTURE" --capture "$CAPTURE2" --src-nid "$BOB_NID" --dst-nid "$ALICE_NID")
    log "mallory: $reuse"
    reused=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["reused"])' "$reuse")
    if ((reused > 0)) || delta_at_least alice drop_replayed_datagram 100; then
      record "$A5" "SUCCEEDED: $reused (epoch, counter) pairs sealed twice; alice refused $(delta alice drop_replayed_datagram) of bob's new datagrams as replays"
      HOLES+=("$A5")
    else
      record "$A5" "FAILED: no nonce seen twice, replayed_datagram +$(delta alice drop_replayed_datagram)"
    fi
    # 2b: bob's restart also forgot the freshest update he had from alice, and
    # nothing bounds a signed update's age: the update of her move a -> c,
    # captured long ago, is applied again.
    A2b="(2b) replay of alice's old update a -> c after bob restarted"
    before=$(counter bob updates_received)
    out=$(mallory replay --capture "$CAPTURE" "${select_c[@]}" --send-on "$B") || attack_fail "attacker.py replay failed"
    log "mallory: $out"
    if wait_for 3 "bob applied the old update" counter_above bob updates_received "$before"; then
      record "$A2b" "SUCCEEDED: bob applied it ($(grep -c 'signed locator update from' "$(err_of bob_restarted)") update(s) in his log), alice -> $C"
      HOLES+=("$A2b")
    else
      record "$A2b" "FAILED: refused (bob's stale_message $(counter bob drop_stale_message))"
    fi
    # 3b wants bob quiet: after 2b he solicits every second for a path to
    # 0:0:0:c, and each answer refreshes alice's name. A fresh bob is quiet.
    netns_stop bob_restarted 5 || true
    netns_start bob bob_again -- "$ILNP" experiment "${bob_args[@]}" "${experiment[@]}" "${encrypt[@]}" \
      --application.remote_hostname=alice --application.remote_port=1000 --application.wait_time=0.01
    bob_knows_alice() { [[ $(bob_alice) == *" $ALICE_NID" ]]; }
    wait_for 10 "the fresh bob knows alice" bob_knows_alice || fail "bob did not restart"
    sleep 2
    # 3b: 1024 signed names from one key fill bob's name cache (1024 hosts);
    # "alice", the least recently seen, is evicted, and mallory's claim of the
    # name is then first come, first served.
    A3b="(3b) hostname takeover by flooding bob's name cache"
    snapshot bob
    out=$(mallory name-flood --count 1100 --claim alice --claim-locator "$B" --send-on "$B") ||
      attack_fail "attacker.py name-flood failed"
    log "mallory: $out"
    sleep 1
    log "bob knows $(status bob | python3 -c 'import json, sys; print(len({n["hostname"] for n in json.load(sys.stdin)["names"]}))') names; hostname_taken +$(delta bob drop_hostname_taken)"
    got=$(bob_alice)
    if [[ $got == *" $MALLORY_NID" ]]; then
      stream_stalls && stalled="alice's stream stalled" || stalled="alice's stream still flows"
      record "$A3b" "SUCCEEDED: bob resolves alice to $got (mallory's key); $stalled"
      HOLES+=("$A3b")
    else
      record "$A3b" "FAILED: bob resolves alice to $got (hostname_taken +$(delta bob drop_hostname_taken))"
    fi
    ((${#HOLES[@]} == 0)) || attack_fail "known holes still open: ${HOLES[*]}"
  else
    # Every datagram bob sent reached alice's application once: nothing of
    # mallory's got through and the attacks cost the stream nothing.
    netns_stop bob 5 || true
    sent=$(python3 -c 'import json, sys; print(json.loads(open(sys.argv[1]).read().splitlines()[-1])["sent"])' "$(out_of bob)") ||
      fail "bob printed no summary"
    lines=$(count_lines "$(out_of alice)" ' progress: ')
    wait_for 3 "alice's progress after bob's last datagram" more_lines "$(out_of alice)" ' progress: ' $((lines + 1)) || true
    got=$(received)
    log "bob sent $sent, alice received $got distinct, duplicates $(progress_field duplicates alice)"
    check "alice received exactly the $sent datagrams bob sent" test "$got" -eq "$sent"
    check "alice saw no duplicates" test "$(progress_field duplicates alice)" -eq 0
    record "(4) end of stream: bob sent = alice received" "$sent = $got, duplicates 0"
    cleartext_probe  # reported, not failed: the spec allows it
  fi
fi

print_table
log "all attacks behaved as $MODE mode promises"
