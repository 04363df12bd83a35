#!/usr/bin/env bash
# Runs tshark with proto/wireshark/ilnp-overlay.lua over the captures that
# make_pcap writes and checks decoded fields, expert infos and SCTP hand-off.
# Usage: dissector_test.sh MAKE_PCAP [LUA_SCRIPT]. Exits 77 without tshark.
set -u

make_pcap=${1:?usage: dissector_test.sh MAKE_PCAP [LUA_SCRIPT]}
case ${BASH_SOURCE[0]} in
  */*) here=${BASH_SOURCE[0]%/*} ;;
  *) here=. ;;
esac
lua=${2:-$here/../../proto/wireshark/ilnp-overlay.lua}

if ! command -v tshark >/dev/null 2>&1; then
  echo "SKIP: tshark not installed (apt-get install tshark)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# No personal preferences or plugins: a copy of the dissector installed in
# ~/.local/lib/wireshark/plugins must not stand in for the one under test.
export HOME=$work XDG_CONFIG_HOME=$work/config

failures=0
checks=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

"$make_pcap" "$work/cases.pcap" || { echo "FAIL: make_pcap"; exit 1; }
"$make_pcap" --robustness "$work/robustness.pcap" || { echo "FAIL: make_pcap --robustness"; exit 1; }
"$make_pcap" --vectors "$work/vectors.pcap" >"$work/vectors.expect" || { echo "FAIL: make_pcap --vectors"; exit 1; }

tshark_run() {  # tshark_run PCAP ARGS...: stderr is collected for the Lua check
  local pcap=$1
  shift
  tshark -n -r "$pcap" -X "lua_script:$lua" -o sctp.checksum:CRC-32c "$@" 2>>"$work/stderr"
}

# --- 1. field values, one tshark run, one line per frame -------------------
fields=(frame.number _ws.col.Protocol _ws.col.Info frame.protocols
  ilnp.next_header ilnp.hop_limit ilnp.payload_length
  ilnp.src_loc ilnp.src_nid ilnp.dst_loc ilnp.dst_nid ilnp.conversation
  ilnp.disc.flag ilnp.disc.hostname ilnp.disc.nid ilnp.disc.loc
  ilnp.lu.flag ilnp.lu.count ilnp.lu.locator ilnp.lu.sequence ilnp.lu.acknowledges
  ilnp.secure.timestamp ilnp.secure.time ilnp.secure.hostname_length ilnp.secure.public_key ilnp.secure.signature
  ilnp.seal.epoch ilnp.seal.counter ilnp.seal.nonce ilnp.seal.ciphertext_length ilnp.seal.tag
  ilnp.tp.src_port ilnp.tp.dst_port ilnp.tp.length ilnp.tp.text
  sctp.srcport sctp.dstport sctp.chunk_type sctp.checksum.status
  _ws.expert.message _ws.expert.severity)
declare -A column
args=()
for i in "${!fields[@]}"; do
  column[${fields[$i]}]=$((i + 1))
  args+=(-e "${fields[$i]}")
done
tshark_run "$work/cases.pcap" -T fields -E occurrence=a -E aggregator=';' "${args[@]}" >"$work/fields.tsv" ||
  fail "tshark exited $? on the cases capture"

value() {  # value FRAME FIELD
  awk -F'\t' -v frame="$1" -v col="${column[$2]}" '$1 == frame { print $col }' "$work/fields.tsv"
}
check() {  # check FRAME FIELD EXPECTED
  checks=$((checks + 1))
  local got
  got=$(value "$1" "$2")
  [[ "$got" == "$3" ]] || fail "frame $1 $2: got '$got', want '$3'"
}
check_has() {  # check_has FRAME FIELD SUBSTRING
  checks=$((checks + 1))
  local got
  got=$(value "$1" "$2")
  [[ "$got" == *"$3"* ]] || fail "frame $1 $2: got '$got', want it to contain '$3'"
}

alice=a11c:0:0:1
bob=b0b:0:0:2
pair="$bob <-> $alice"

# 1. solicitation
check 1 _ws.col.Protocol ILNP
check 1 _ws.col.Info "Discovery solicitation alice $alice @ 0:0:0:a"
check 1 ilnp.next_header 43
check 1 ilnp.hop_limit 3
check 1 ilnp.src_loc 0:0:0:a
check 1 ilnp.src_nid $alice
check 1 ilnp.dst_loc ff02:0:0:1
check 1 ilnp.dst_nid 0:0:0:0
check 1 ilnp.disc.flag 1
check 1 ilnp.disc.hostname alice
check 1 ilnp.disc.nid $alice
check 1 ilnp.disc.loc 0:0:0:a
check 1 ilnp.conversation ""
# 2. advertisement
check 2 _ws.col.Info "Discovery advertisement bob $bob @ 0:0:0:a"
check 2 ilnp.disc.flag 0
check 2 ilnp.disc.hostname bob
check 2 ilnp.src_nid $bob
# 3. transport with text
check 3 _ws.col.Info "Transport 1000 -> 2000 (29 bytes)"
check 3 ilnp.next_header 42
check 3 ilnp.tp.src_port 1000
check 3 ilnp.tp.dst_port 2000
check 3 ilnp.tp.length 29
check 3 ilnp.tp.text "2023-11-14 22:13:20.5 | alice"
check 3 ilnp.dst_loc 0:0:0:a
check 3 ilnp.dst_nid $bob
check 3 ilnp.conversation "$pair"
# 4. update with two locators, 5. ack
check 4 _ws.col.Info "Locator update -> 0:0:0:b, 0:0:0:c"
check 4 ilnp.next_header 44
check 4 ilnp.lu.flag 1
check 4 ilnp.lu.count 2
check 4 ilnp.lu.locator "0:0:0:b;0:0:0:c"
check 5 _ws.col.Info "Locator update ack"
check 5 ilnp.lu.flag 0
check 5 ilnp.lu.locator ""
check 5 ilnp.src_nid $bob
check 5 ilnp.dst_loc 0:0:0:b
check 5 ilnp.dst_nid $alice
check 5 ilnp.conversation "$pair"
# 6. truncated header: the fields that fit, then an error
check 6 _ws.col.Protocol ILNP
check 6 _ws.col.Info "Truncated header (30 bytes)"
check 6 ilnp.src_nid $alice
check 6 ilnp.dst_loc ""
check 6 _ws.expert.message "Datagram of 30 bytes, shorter than the 40-byte header"
# 7. payload length disagrees
check 7 ilnp.payload_length 11
check 7 _ws.expert.message "Payload length 11 disagrees with datagram length - 40 = 6"
check_has 7 _ws.col.Info "[payload length 11 != 6]"
# 8. bad discovery flag
check 8 ilnp.disc.flag 7
check 8 ilnp.disc.hostname mallory
check 8 _ws.expert.message "Discovery flag 7 is neither 1 (solicitation) nor 0 (advertisement)"
# 9. SCTP INIT over the transport, checksum good
check 9 ilnp.tp.src_port 9899
check 9 ilnp.tp.dst_port 9899
check_has 9 frame.protocols "ilnp:sctp"
check 9 _ws.col.Protocol SCTP
check 9 _ws.col.Info "Transport 9899 -> 9899 (32 bytes) INIT "
check 9 sctp.srcport 5000
check 9 sctp.dstport 5001
check 9 sctp.chunk_type 1
check 9 sctp.checksum.status 1
check 9 _ws.expert.message ""
# 10. hostname not UTF-8 (overlong c0 af), shown escaped
check 10 ilnp.disc.hostname '\xc0\xaf'
check 10 _ws.expert.message "Hostname not well-formed UTF-8 or contains control characters"
# 11. update with 5 locator bytes
check 11 ilnp.lu.count 0
check 11 _ws.col.Info "Locator update (bad length)"
check 11 _ws.expert.message "Update carries 5 locator bytes, not a positive multiple of 8"
# 12. unknown next header: raw payload and a note, not an error
check 12 _ws.col.Info "Next header 50 (12 bytes)"
check 12 _ws.expert.message "Next header 50 not decoded (12 bytes)"
check 12 _ws.expert.severity 4194304
# 13. truncated transport
check 13 _ws.col.Info "Transport (truncated)"
check 13 _ws.expert.message "Transport payload of 2 bytes, shorter than 4"
# 14. after the move: new locator, same NID, same conversation
check 14 ilnp.src_loc 0:0:0:b
check 14 ilnp.src_nid $alice
check 14 ilnp.conversation "$pair"
check 14 ilnp.tp.text "after the move"
# 15. SCTP port but no SCTP packet: an error, no Lua error
check_has 15 frame.protocols "ilnp:sctp"
check_has 15 _ws.expert.message "The SCTP dissector gave up on the transport data"
# 16. over buffer_size: a warning
check 16 _ws.col.Info "Transport 1000 -> 2000 (1456 bytes)"
check 16 _ws.expert.message "Datagram of 1500 bytes, longer than buffer_size 1440"
check 16 _ws.expert.severity 6291456
# 17. secure advertisement: every field, keys and signature as bytes
key11=$(printf '11%.0s' {1..32})
check 17 _ws.col.Info "Secure discovery advertisement alice $alice @ 0:0:0:a"
check 17 ilnp.next_header 45
check 17 ilnp.disc.flag 0
check 17 ilnp.disc.nid $alice
check 17 ilnp.disc.loc 0:0:0:a
check 17 ilnp.secure.timestamp 1700000000000000
check_has 17 ilnp.secure.time "Nov 14, 2023 22:13:20.000000000"
check 17 ilnp.secure.hostname_length 5
check 17 ilnp.disc.hostname alice
check 17 ilnp.secure.public_key "$key11"
check 17 ilnp.secure.signature "$(printf '22%.0s' {1..64})"
# 18. secure update to two locators, 19. bob's ack of it
check 18 _ws.col.Info "Secure locator update -> 0:0:0:b, 0:0:0:c"
check 18 ilnp.lu.flag 1
check 18 ilnp.lu.sequence 1700000000000010
check 18 ilnp.lu.count 2
check 18 ilnp.lu.locator "0:0:0:b;0:0:0:c"
check 18 ilnp.lu.acknowledges ""
check 18 ilnp.secure.public_key "$key11"
check 18 ilnp.secure.signature "$(printf '33%.0s' {1..64})"
check 18 ilnp.conversation "$pair"
check 19 _ws.col.Info "Secure locator update ack of 1700000000000010"
check 19 ilnp.lu.flag 0
check 19 ilnp.lu.sequence 1700000000000020
check 19 ilnp.lu.acknowledges 1700000000000010
check 19 ilnp.lu.locator ""
check 19 ilnp.secure.public_key "$(printf '44%.0s' {1..32})"
check 19 ilnp.secure.signature "$(printf '55%.0s' {1..64})"
check 19 ilnp.dst_loc 0:0:0:b
# 20. sealed transport: epoch, counter, nonce, ciphertext length, tag
check 20 _ws.col.Info "Sealed transport epoch 7 counter 42 (9 bytes)"
check 20 ilnp.next_header 47
check 20 ilnp.seal.epoch 7
check 20 ilnp.seal.counter 42
check 20 ilnp.seal.nonce 00000007000000000000002a
check 20 ilnp.seal.ciphertext_length 9
check 20 ilnp.seal.tag "$(printf '77%.0s' {1..16})"
check 20 ilnp.conversation "$pair"
# 21. advertisement cut inside its signature: the fields before it, one error
check 21 ilnp.disc.hostname alice
check 21 ilnp.secure.signature ""
check 21 _ws.expert.message "Hostname length 5 needs 69 more bytes (hostname + signature), the payload has 59"
# 22. sealed transport of 20 bytes
check 22 _ws.col.Info "Sealed transport (truncated)"
check 22 ilnp.seal.epoch 16843009
check_has 22 _ws.expert.message "Sealed payload of 20 bytes, shorter than 32"
# 23. update claiming 17 locators
check 23 ilnp.lu.count 17
check 23 _ws.expert.message "Update with 17 locators, more than 16"

# Every frame but the malformed ones is free of expert infos.
for frame in 1 2 3 4 5 9 14 17 18 19 20; do check "$frame" _ws.expert.message ""; done

# --- 2. each error is raised on exactly its frames, with severity Error -----
frames_matching() {  # frames_matching FILTER
  tshark_run "$work/cases.pcap" -Y "$1" -T fields -e frame.number | paste -sd' '
}
expect_frames() {  # expect_frames FILTER "FRAMES"
  checks=$((checks + 1))
  local got
  got=$(frames_matching "$1")
  [[ "$got" == "$2" ]] || fail "filter '$1': frames '$got', want '$2'"
}
expect_frames "ilnp.short_header" "6"
expect_frames "ilnp.payload_length_mismatch" "7"
expect_frames "ilnp.bad_discovery_flag" "8"
expect_frames "ilnp.hostname_not_utf8" "10"
expect_frames "ilnp.bad_locator_update_length" "11"
expect_frames "ilnp.truncated_transport" "13"
expect_frames "ilnp.unknown_next_header" "12"
expect_frames "ilnp.truncated_secure_message" "21 22"
expect_frames "ilnp.too_many_locators" "23"
expect_frames "_ws.expert.severity == 8388608" "6 7 8 10 11 13 15 21 22 23"
# Following a node by NID across its move, and by either end.
expect_frames "ilnp.src_nid == \"$alice\" && ilnp.next_header == 42" "3 6 7 9 13 14 15 16"
expect_frames "ilnp.nid == \"$bob\" && ilnp.tp.port == 2000" "3 7 14 16"
# One filter finds legacy and secure messages alike.
expect_frames "ilnp.lu.locator == \"0:0:0:c\"" "4 18 23"
expect_frames "ilnp.disc.hostname == \"alice\"" "1 17 21"

# --- 3. preferences -------------------------------------------------------
# Overlay on another port: the heuristic still finds well-formed datagrams
# (and the unknown next header 45), not the ones with a bad header.
checks=$((checks + 1))
got=$(tshark_run "$work/cases.pcap" -o ilnp.udp_ports:10001 -Y ilnp -T fields -e frame.number | paste -sd' ')
[[ "$got" == "1 2 3 4 5 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23" ]] ||
  fail "heuristic on another port: frames '$got'"
# SCTP by CRC32c alone: the INIT still decodes, the short data does not.
checks=$((checks + 1))
got=$(tshark_run "$work/cases.pcap" -o ilnp.sctp_ports: -Y sctp -T fields -e frame.number | paste -sd' ')
[[ "$got" == "9" ]] || fail "SCTP by CRC32c: frames '$got', want '9'"
checks=$((checks + 1))
got=$(tshark_run "$work/cases.pcap" -o ilnp.sctp_ports: -o ilnp.sctp_by_crc:FALSE -Y sctp -T fields -e frame.number)
[[ -z "$got" ]] || fail "SCTP with no ports and no CRC check: frames '$got'"

# --- 4. agreement with the node's decoder on proto/vectors ------------------
# Every ok vector shows its fields; every reject vector raises exactly the
# expert named after its drop reason (and no other).
vector_args=(-e frame.number)
for key in $(cut -f3- "$work/vectors.expect" | tr '\t' '\n' | sed 's/=.*//' | sort -u); do
  vector_args+=(-e "$key")
done
tshark_run "$work/vectors.pcap" -T fields -E header=y -E occurrence=a -E aggregator=';' "${vector_args[@]}" \
  >"$work/vectors.tsv" || fail "tshark exited $? on the vectors capture"
vector_report=$(awk -F'\t' '
  NR == FNR { if (FNR == 1) { for (i = 1; i <= NF; i++) col[$i] = i } else row[$1] = $0; next }
  {
    vectors++
    if (!($1 in row)) { printf "FAIL: vector %s: frame %d missing\n", $2, $1; bad++; next }
    split(row[$1], got, "\t")
    for (i = 3; i <= NF; i++) {
      eq = index($i, "="); key = substr($i, 1, eq - 1); want = substr($i, eq + 1)
      if (got[col[key]] != want) {
        printf "FAIL: vector %s (frame %d) %s: got \"%s\", want \"%s\"\n", $2, $1, key, got[col[key]], want
        bad++
      }
    }
  }
  END { printf "%d vectors\n", vectors; exit bad > 0 }' "$work/vectors.tsv" "$work/vectors.expect")
status=$?
checks=$((checks + 1))
if ((status != 0)); then
  echo "$vector_report"
  fail "the dissector disagrees with proto/vectors"
elif [[ "$vector_report" != [1-9]*" vectors" ]]; then
  fail "no vectors checked: $vector_report"
fi

# --- 5. conversations by NID pair (-z ilnp,conv) ---------------------------
# One row for alice and bob, with every frame that has a conversation, both
# directions, and both locators alice used.
checks=$((checks + 1))
tshark_run "$work/cases.pcap" -q -z ilnp,conv >"$work/conv.txt" || fail "tshark -z ilnp,conv exited $?"
with_pair=$(awk -F'\t' -v col="${column[ilnp.conversation]}" '$col != ""' "$work/fields.tsv" | grep -c .)
from_bob=$(awk -F'\t' -v c="${column[ilnp.conversation]}" -v s="${column[ilnp.src_nid]}" -v bob="$bob" \
  '$c != "" && $s == bob' "$work/fields.tsv" | grep -c .)
want_row="$pair $with_pair $from_bob $((with_pair - from_bob)) 0:0:0:a,0:0:0:b"
got_rows=$(awk '$2 == "<->" { print $1, $2, $3, $4, $6, $7, $10 }' "$work/conv.txt")
[[ "$got_rows" == "$want_row" ]] || fail "ilnp,conv rows: '$got_rows', want '$want_row'"

# --- 6. never a Lua error -------------------------------------------------
# Over the cases, the vectors and every prefix / one-byte corruption of valid
# datagrams, through the port registration and through the heuristic.
tshark_run "$work/cases.pcap" -V >"$work/cases.txt" || fail "tshark -V exited $? on the cases"
tshark_run "$work/robustness.pcap" -V >"$work/robustness.txt" || fail "tshark -V exited $? on the robustness capture"
tshark_run "$work/robustness.pcap" -o ilnp.udp_ports:10001 -V >"$work/heuristic.txt" ||
  fail "tshark -V exited $? with the heuristic"
tshark_run "$work/vectors.pcap" -V >"$work/vectors.txt" || fail "tshark -V exited $? on the vectors"
for out in cases robustness heuristic vectors; do
  checks=$((checks + 1))
  if grep -n -m3 'Lua Error' "$work/$out.txt"; then fail "Lua error in the $out output"; fi
done
checks=$((checks + 1))
robust_frames=$(grep -c '^Frame [0-9]' "$work/robustness.txt")
robust_ilnp=$(grep -c '^ILNP Overlay' "$work/robustness.txt")
[[ "$robust_frames" -gt 1000 && "$robust_ilnp" -eq "$robust_frames" ]] ||
  fail "robustness capture: $robust_ilnp of $robust_frames frames decoded as ILNP"
checks=$((checks + 1))
if grep -i 'lua' "$work/stderr"; then fail "tshark stderr mentions Lua"; fi

if ((failures > 0)); then
  echo "$failures of $checks checks failed"
  echo "--- decoded fields:"
  cat "$work/fields.tsv"
  exit 1
fi
echo "PASS: $checks checks"
