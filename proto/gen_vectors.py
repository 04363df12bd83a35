#!/usr/bin/env python3
"""Generate the wire-format test vectors in proto/vectors/ from proto/README.md.

Stdlib only. Run from anywhere: `python3 proto/gen_vectors.py` rewrites
proto/vectors/{header,discovery,locator_update,transport,group,ip}.vec.
Built from the spec with struct, independently of any codec.
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors")
ALL_NODES = "ff02:0:0:1"
BUFFER_SIZE = 1440  # default buffer_size: largest datagram accepted


def loc(text):
    """'0:0:0:a' -> 8 bytes (four big-endian 16-bit groups)."""
    groups = text.split(":")
    assert len(groups) == 4
    return struct.pack("!4H", *(int(g, 16) for g in groups))


def loc_str(raw):
    return ":".join("%x" % g for g in struct.unpack("!4H", raw))


def hexs(data, cuts=()):
    """Lowercase hex; a space at each offset in cuts (for readability)."""
    out, prev = [], 0
    for cut in list(cuts) + [len(data)]:
        if prev < cut <= len(data):
            out.append(data[prev:cut].hex())
            prev = cut
    return " ".join(out)


# --- encoders (straight from the spec) -------------------------------------

def header(nh, hop, src, dst, payload, plen=None, vcf=0):
    """src, dst: (locator, nid). plen overrides the payload length field."""
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB8s8s8s8s", vcf, plen, nh, hop,
                       loc(src[0]), loc(src[1]), loc(dst[0]), loc(dst[1])) + payload


def discovery(nid, locator, flag, hostname):
    name = hostname.encode("utf-8") if isinstance(hostname, str) else hostname
    return struct.pack("!8s8sB", loc(nid), loc(locator), flag) + name


def loc_update(locators, flag=1):
    return struct.pack("!B", flag) + b"".join(loc(l) for l in locators)


def transport(sport, dport, data):
    return struct.pack("!HH", sport, dport) + data


def group(uid, locator):
    return struct.pack("!HHHH8s", 0xff12, 0, uid % 65536, 0, loc(locator))


def filler(n, seed=0):
    """Deterministic stand-in for random bytes."""
    return bytes((seed + 37 * i + (i >> 8)) & 0xff for i in range(n))


# --- vector collection ------------------------------------------------------

FILES = {}


PREFIX = {"header": "hdr", "discovery": "disc", "locator_update": "lu",
          "transport": "tp", "group": "grp",
          "ip_send": "ip_send", "ip_receive": "ip_recv", "ip_too_big": "ip_ptb"}
# Layers that share a file (section 13's three directions); the rest: LAYER.vec.
FILE_OF = {"ip_send": "ip", "ip_receive": "ip", "ip_too_big": "ip"}


def vec(layer, name, raw, expect="ok", comment=None, cuts=(), **fields):
    """One block; names get a per-layer prefix so they are unique across files."""
    name = "%s_%s" % (PREFIX[layer], name)
    block = ["# " + comment] if comment else []
    block += ["name: " + name, "layer: " + layer,
              ("hex: " + hexs(raw, cuts)).rstrip(), "expect: " + expect]
    block += [("%s: %s" % (k, v)).rstrip() for k, v in fields.items()]
    assert all(l == l.rstrip() for l in block), name
    FILES.setdefault(FILE_OF.get(layer, layer), []).append((name, block))


HDR_CUTS = (4, 6, 7, 8, 16, 24, 32, 40)
ALICE = ("0:0:0:a", "ffff:0:0:a")
BOB = ("0:0:0:b", "ffff:0:0:b")
DESKTOP_B = ("0:0:0:b", "ffff:0:0:d")
EVERYONE = (ALL_NODES, "0:0:0:0")


def hdr_ok(name, nh, hop, src, dst, payload, comment=None, vcf=0):
    vec("header", name, header(nh, hop, src, dst, payload, vcf=vcf), "ok",
        comment, HDR_CUTS, version_class_flow=vcf, payload_length=len(payload),
        next_header=nh, hop_limit=hop, src_loc=src[0], src_nid=src[1],
        dst_loc=dst[0], dst_nid=dst[1])


def hdr_drop(name, data, reason, comment=None):
    vec("header", name, data, "drop:" + reason, comment, HDR_CUTS)


# header.vec -----------------------------------------------------------------
SOLICIT = discovery("ffff:0:0:a", "0:0:0:a", 1, "alice")
HEARTBEAT = transport(1000, 1000, b"2021-04-10 15:10:48.422194 | alice")
hdr_ok("alice_solicitation", 43, 3, ALICE, EVERYONE, SOLICIT,
       "captured: alice solicits on 0:0:0:a (heartbeat_logs/link_alice.log)")
hdr_ok("alice_solicitation_reflooded", 43, 2, ALICE, EVERYONE, SOLICIT,
       "captured: router re-sends it on 0:0:0:b, hop limit 3 -> 2, source unchanged")
hdr_ok("desktop_advertisement_payload_loc_differs", 43, 3, DESKTOP_B, EVERYONE,
       discovery("ffff:0:0:d", "0:0:0:a", 0, "desktop"),
       "captured: router answers on 0:0:0:b with the arrival locator 0:0:0:a in the payload")
hdr_ok("alice_heartbeat_to_bob", 42, 3, ALICE, BOB, HEARTBEAT,
       "captured: heartbeat, ports 1000 -> 1000")
hdr_ok("alice_locator_update_to_bob", 44, 3, ALICE, BOB, loc_update(["0:0:0:b"]),
       "captured: alice moved to 0:0:0:b")
hdr_ok("bob_locator_update_ack", 44, 3, BOB, ("0:0:0:b", "ffff:0:0:a"), b"\x00",
       "captured: ack sent to the first new locator")
hdr_ok("empty_payload", 42, 3, ALICE, BOB, b"", "40 bytes, payload length 0")
hdr_ok("hop_limit_zero", 42, 0, ALICE, BOB, transport(7, 7, b"x"),
       "hop limit is not checked by the decoder")
hdr_ok("hop_limit_255", 42, 255, ALICE, BOB, transport(7, 7, b"x"))
hdr_ok("nonzero_version_class_flow", 42, 3, ALICE, BOB, b"\x00\x07\x00\x07",
       "0x60000000: reported, not validated", vcf=0x60000000)
hdr_ok("all_ones_version_class_flow", 42, 3, ALICE, BOB, b"\x00\x07\x00\x07",
       vcf=0xffffffff)
hdr_ok("unknown_next_header", 99, 3, ALICE, BOB, b"\xde\xad",
       "unknown next header: header decodes; the node drops it later")
hdr_ok("discovery_with_garbage_payload", 43, 3, ALICE, EVERYONE, b"\xff\x00\x01",
       "the header decoder does not look at the payload")
hdr_ok("max_ones_addresses", 42, 1, ("ffff:ffff:ffff:ffff",) * 2,
       ("1:23:456:789a", "fedc:ba98:7654:3210"), b"\x00\x00\x00\x00")
hdr_ok("max_size_experiment_datagram", 42, 3, ALICE, BOB,
       transport(2000, 2000, struct.pack("!Q", 1) + filler(1388)),
       "1440 bytes: 1396 data bytes = sequence number 1 + 1388 filler")

good = header(42, 3, ALICE, BOB, transport(1000, 1000, b"hello"))  # 49 bytes
hdr_drop("empty_datagram", b"", "short_header")
hdr_drop("one_byte", b"\x00", "short_header")
hdr_drop("thirty_nine_bytes", good[:39], "short_header", "one byte short of a header")
hdr_drop("payload_length_one_too_big", header(42, 3, ALICE, BOB, transport(1000, 1000, b"hello"), plen=10),
         "payload_length_mismatch", "field 10, actual 9")
hdr_drop("payload_length_one_too_small", header(42, 3, ALICE, BOB, transport(1000, 1000, b"hello"), plen=8),
         "payload_length_mismatch", "field 8, actual 9")
hdr_drop("payload_length_one_on_bare_header", header(42, 3, ALICE, BOB, b"", plen=1),
         "payload_length_mismatch")
hdr_drop("payload_length_zero_with_payload", header(43, 3, ALICE, EVERYONE, SOLICIT, plen=0),
         "payload_length_mismatch")
hdr_drop("payload_length_ffff", header(42, 3, ALICE, BOB, b"\x00" * 4, plen=0xffff),
         "payload_length_mismatch")
hdr_drop("datagram_1441_bytes", header(42, 3, ALICE, BOB, transport(2000, 2000, filler(1397))),
         "datagram_too_large", "one byte over buffer_size, length field consistent (1401)")

# discovery.vec --------------------------------------------------------------


def disc_ok(name, nid, locator, flag, hostname, comment=None):
    vec("discovery", name, discovery(nid, locator, flag, hostname), "ok", comment,
        (8, 16, 17), nid=nid, loc=locator,
        solicitation="true" if flag else "false", hostname=hostname)


def disc_drop(name, data, reason, comment=None):
    vec("discovery", name, data, "drop:" + reason, comment, (8, 16, 17))


disc_ok("alice_solicitation", "ffff:0:0:a", "0:0:0:a", 1, "alice", "captured")
disc_ok("bob_advertisement", "ffff:0:0:b", "0:0:0:b", 0, "bob", "captured")
disc_ok("desktop_advertisement", "ffff:0:0:d", "0:0:0:a", 0, "desktop", "captured")
disc_ok("one_char_hostname", "1:2:3:4", "5:6:7:8", 0, "a")
disc_ok("hostname_with_inner_space", "ffff:0:0:e", "0:0:0:a", 1, "alice laptop")
disc_ok("hostname_printable_ascii_edges", "ffff:0:0:e", "0:0:0:a", 0, "!~-_.")
disc_ok("hostname_cafe_2byte_utf8", "ffff:0:0:c", "0:0:0:c", 1, "caf\u00e9")
disc_ok("hostname_3byte_utf8", "ffff:0:0:c", "0:0:0:c", 0, "\u65e5\u672c")
disc_ok("hostname_4byte_utf8", "ffff:0:0:c", "0:0:0:c", 0, "\U00010348")
disc_ok("hostname_utf8_lowest_3_and_4_byte", "ffff:0:0:c", "0:0:0:c", 0,
        "\u0800\U00010000", "U+0800 e0a080 and U+10000 f0908080: shortest forms")
disc_ok("hostname_below_surrogates", "ffff:0:0:c", "0:0:0:c", 0, "\ud7fb",
        "U+D7FB ed9fbb")
disc_ok("hostname_255_bytes", "ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff", 1, "x" * 255)
disc_ok("hostname_255_bytes_multibyte", "ffff:0:0:c", "0:0:0:c", 0, "\u00e9" * 127 + "x",
        "128 characters, 255 bytes")

disc_drop("empty_payload", b"", "truncated_discovery")
disc_drop("one_byte", b"\x01", "truncated_discovery")
disc_drop("sixteen_bytes", SOLICIT[:16], "truncated_discovery", "no flag byte")
disc_drop("flag_2", discovery("ffff:0:0:a", "0:0:0:a", 2, "alice"), "bad_discovery_flag")
disc_drop("flag_ff", discovery("ffff:0:0:a", "0:0:0:a", 0xff, "alice"), "bad_discovery_flag")
disc_drop("no_hostname_solicitation", SOLICIT[:17], "empty_hostname", "exactly 17 bytes")
disc_drop("no_hostname_advertisement", discovery("ffff:0:0:a", "0:0:0:a", 0, ""), "empty_hostname")
disc_drop("hostname_256_bytes", discovery("ffff:0:0:a", "0:0:0:a", 1, "x" * 256), "hostname_too_long")
disc_drop("hostname_256_bytes_128_chars", discovery("ffff:0:0:a", "0:0:0:a", 1, "\u00e9" * 128),
          "hostname_too_long", "the limit is in bytes, not characters")
BAD_UTF8 = [
    ("overlong_c0_af", b"\xc0\xaf", "overlong '/'"),
    ("overlong_c1_bf", b"\xc1\xbf", None),
    ("overlong_3byte", b"\xe0\x80\xaf", None),
    ("overlong_4byte", b"\xf0\x80\x80\xaf", None),
    ("lone_surrogate_ed_a0_80", b"\xed\xa0\x80", "U+D800"),
    ("lone_surrogate_ed_bf_bf", b"\xed\xbf\xbf", "U+DFFF"),
    ("surrogate_pair_cesu8", b"\xed\xa0\xbd\xed\xb8\x80", "CESU-8 style pair"),
    ("above_10ffff_f4_90", b"\xf4\x90\x80\x80", "U+110000"),
    ("lead_byte_f5", b"\xf5\x80\x80\x80", None),
    ("byte_ff", b"al\xffce", None),
    ("lone_continuation", b"\x80alice", None),
    ("truncated_2byte_at_end", b"caf\xc3", None),
    ("truncated_3byte_at_end", b"\xe2\x82", None),
    ("bad_continuation", b"\xc3\x41", None),
    ("nul_terminator", b"alice\x00", "control characters are rejected too"),
    ("nul_only", b"\x00", None),
    ("tab", b"ali\tce", None),
    ("newline", b"alice\n", None),
    ("unit_separator_1f", b"a\x1fb", None),
    ("del_7f", b"alice\x7f", None),
]
for name, raw, why in BAD_UTF8:
    disc_drop("hostname_" + name, discovery("ffff:0:0:a", "0:0:0:a", 1, raw),
              "hostname_not_utf8", why)

# locator_update.vec ---------------------------------------------------------


def lu_ok(name, locators, comment=None):
    if locators is None:
        vec("locator_update", name, b"\x00", "ok", comment, kind="ack")
    else:
        cuts = range(1, 1 + 8 * len(locators), 8)
        vec("locator_update", name, loc_update(locators), "ok", comment, cuts,
            kind="update", locators=",".join(locators))


def lu_drop(name, data, reason, comment=None):
    vec("locator_update", name, data, "drop:" + reason, comment,
        range(1, len(data), 8))


SIXTEEN = ["0:0:1:%x" % i for i in range(16)]
lu_ok("update_one_locator", ["0:0:0:b"], "captured: 9 bytes, flag 1 + one locator")
lu_ok("update_two_locators", ["0:0:0:b", "0:0:0:c"], "config a,b-b,c: moving to b,c")
lu_ok("update_extreme_locators", ["0:0:0:0", "ffff:ffff:ffff:ffff", "1:23:456:789a"])
lu_ok("update_sixteen_locators", SIXTEEN, "the maximum")
lu_ok("ack", None, "captured: the single byte 00")

lu_drop("empty_payload", b"", "truncated_locator_update")
lu_drop("flag_2", b"\x02" + loc("0:0:0:b"), "bad_locator_update_flag")
lu_drop("flag_2_alone", b"\x02", "bad_locator_update_flag")
lu_drop("flag_ff_alone", b"\xff", "bad_locator_update_flag")
lu_drop("update_no_locators", b"\x01", "bad_locator_update_length", "flag 1 alone: zero locators")
lu_drop("update_10_bytes", loc_update(["0:0:0:b"]) + b"\x00", "bad_locator_update_length",
        "flag + 9 bytes")
lu_drop("update_8_bytes", loc_update(["0:0:0:b"])[:8], "bad_locator_update_length",
        "flag + 7 bytes")
lu_drop("update_two_and_a_half", loc_update(["0:0:0:b", "0:0:0:c"]) + b"\x00" * 4,
        "bad_locator_update_length")
lu_drop("ack_2_bytes", b"\x00\x00", "bad_locator_update_length")
lu_drop("ack_with_locator", b"\x00" + loc("0:0:0:b"), "bad_locator_update_length",
        "an ack carries nothing after the flag")
lu_drop("update_seventeen_locators", loc_update(SIXTEEN + ["0:0:1:10"]), "too_many_locators")

# transport.vec --------------------------------------------------------------


def tp_ok(name, sport, dport, data, comment=None):
    vec("transport", name, transport(sport, dport, data), "ok", comment, (2, 4),
        src_port=sport, dst_port=dport, data=data.hex())


tp_ok("alice_heartbeat", 1000, 1000, b"2021-04-10 15:10:48.422194 | alice", "captured")
tp_ok("bob_heartbeat", 1000, 1000, b"2021-04-10 15:10:48.449531 | bob", "captured")
tp_ok("empty_data", 1000, 2000, b"", "exactly 4 bytes")
tp_ok("port_extremes", 0, 65535, b"\x00")
tp_ok("port_extremes_reversed", 65535, 0, b"\xff\xfe")
tp_ok("experiment_stop", 2000, 2000, struct.pack("!Q", 0), "sequence number 0 ends a run")
tp_ok("experiment_max_data", 2000, 2000, struct.pack("!Q", 1) + filler(1388),
      "1396 data bytes, the maximum with the defaults")
for n in (0, 1, 3):
    vec("transport", "payload_%d_bytes" % n, transport(1000, 1000, b"")[:n],
        "drop:truncated_transport")

# group.vec ------------------------------------------------------------------
for name, uid, locator, comment in [
        ("uid_0_loc_a", 0, "0:0:0:a", "the prototype documentation's example: ff12:0:0:0:0:0:0:a"),
        ("uid_1000_loc_a", 1000, "0:0:0:a", "captured: ff12:0:3e8:0:0:0:0:a"),
        ("uid_1000_loc_b", 1000, "0:0:0:b", None),
        ("uid_70000_mod", 70000, "0:0:0:a", "70000 mod 65536 = 4464 = 0x1170"),
        ("uid_65535", 65535, "0:0:0:c", None),
        ("uid_65536_wraps_to_0", 65536, "0:0:0:a", None),
        ("uid_4294967294", 4294967294, "1:2:3:4", "(uid_t)-2 -> 0xfffe"),
        ("uid_0_loc_all_ones", 0, "ffff:ffff:ffff:ffff", None),
        ("uid_1000_loc_mixed", 1000, "1:23:456:789a", None)]:
    vec("group", name, group(uid, locator), "ok", comment, (2, 4, 6, 8),
        uid=uid, locator=locator)


# ip.vec (section 13) -----------------------------------------------------------
IP_PREFIX = "fd69:6c6e:7000:0"  # fd69:6c6e:7000::/64
IP_ALICE = ("0:0:0:a", "a1:0:0:1")
IP_BOB = ("0:0:0:b", "b0:0:0:2")
IP_MTU = BUFFER_SIZE
IP_CUTS = (4, 6, 7, 8, 16, 24, 32, 40)


def addr(upper, nid):
    """(upper 64 bits, NID) in the notation of section 1 -> 16 bytes."""
    return loc(upper) + loc(nid)


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return (~total) & 0xffff


def upper_layer(nh, src, dst, body, at):
    """body with its 16-bit checksum (at offset `at`) over the IPv6 pseudo-header."""
    pseudo = src + dst + struct.pack("!I3xB", len(body), nh)
    c = checksum(pseudo + body)
    return body[:at] + struct.pack("!H", c) + body[at + 2:]


def ipv6(nh, hop, src, dst, body, vcf=0x60000000, plen=None):
    plen = len(body) if plen is None else plen
    return struct.pack("!IHBB", vcf, plen, nh, hop) + src + dst + body


def echo(kind, src, dst, ident, seq, data):
    """ICMPv6 echo request (128) or reply (129)."""
    return upper_layer(58, src, dst, struct.pack("!BBHHH", kind, 0, 0, ident, seq) + data, 2)


def echo_request(src, dst, ident, seq, data):
    return echo(128, src, dst, ident, seq, data)


def udp(src, dst, sport, dport, data):
    return upper_layer(17, src, dst, struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data, 6)


def tcp_syn(src, dst, sport, dport, seq):
    # 20-byte header + MSS option (1380 = 1440 - 40 - 20).
    return upper_layer(6, src, dst, struct.pack("!HHIIBBHHH", sport, dport, seq, 0, 0x60, 0x02, 64800, 0, 0)
                       + struct.pack("!BBH", 2, 4, 1380), 16)


def to_overlay(packet, src_loc, dst_loc):
    return packet[:8] + loc(src_loc) + packet[16:24] + loc(dst_loc) + packet[32:]


def packet_too_big(packet, mtu):
    src, dst = packet[24:40], packet[8:24]  # back to the sender, from its destination
    quoted = packet[:1280 - 48]
    body = upper_layer(58, src, dst, struct.pack("!BBHI", 2, 0, 0, mtu) + quoted, 2)
    return ipv6(58, 255, src, dst, body)


A_ADDR, B_ADDR = addr(IP_PREFIX, IP_ALICE[1]), addr(IP_PREFIX, IP_BOB[1])
SEND_KEYS = dict(prefix=IP_PREFIX, own_nid=IP_ALICE[1], src_loc=IP_ALICE[0], dst_loc=IP_BOB[0], mtu=IP_MTU)


def ip_send_ok(name, packet, comment=None):
    vec("ip_send", name, packet, "ok", comment, IP_CUTS, **SEND_KEYS, dst_nid=IP_BOB[1],
        overlay=hexs(to_overlay(packet, IP_ALICE[0], IP_BOB[0]), IP_CUTS))


def ip_send_drop(name, packet, reason, comment=None):
    vec("ip_send", name, packet, "drop:" + reason, comment, IP_CUTS, **SEND_KEYS)


ping = ipv6(58, 64, A_ADDR, B_ADDR, echo_request(A_ADDR, B_ADDR, 0x1234, 1, filler(56)))
ip_send_ok("echo_request", ping, "ping -c1 bob: ICMPv6 echo request, hop limit 64")
ip_send_ok("udp_class_flow_hop1", ipv6(17, 1, A_ADDR, B_ADDR, udp(A_ADDR, B_ADDR, 40000, 5201, b"hello"),
                                        vcf=0x6b812345),
           "UDP with traffic class 0xb8 and flow label 0x12345 kept, hop limit 1 kept")
ip_send_ok("tcp_syn", ipv6(6, 64, A_ADDR, B_ADDR, tcp_syn(A_ADDR, B_ADDR, 51000, 22, 0x01020304)),
           "TCP SYN to port 22")
ip_send_ok("largest", ipv6(17, 64, A_ADDR, B_ADDR, udp(A_ADDR, B_ADDR, 1, 2, filler(IP_MTU - 48))),
           "exactly the MTU (1440 bytes)")
ip_send_drop("thirty_nine_bytes", ping[:39], "ip_too_short")
ip_send_drop("empty", b"", "ip_too_short")
ip_send_drop("version_4", b"\x45" + ping[1:], "ip_not_ipv6", "version 4 in the first nibble")
ip_send_drop("payload_length_one_too_big", ipv6(58, 64, A_ADDR, B_ADDR, ping[40:], plen=len(ping) - 39),
             "ip_bad_length")
ip_send_drop("jumbogram_length_zero", ipv6(58, 64, A_ADDR, B_ADDR, ping[40:], plen=0), "ip_bad_length")
MLD = bytes.fromhex("ff020000000000000000000000000016")
LINK_LOCAL = bytes.fromhex("fe800000000000000000000000000001")
ip_send_drop("mld_report", ipv6(58, 1, A_ADDR, MLD, b"\x8f\0\0\0\0\0\0\0"), "ip_not_carried",
             "MLDv2 report to ff02::16 (the kernel sends these into every interface)")
ip_send_drop("link_local_destination", ipv6(58, 64, A_ADDR, LINK_LOCAL, ping[40:]), "ip_not_carried")
ip_send_drop("other_prefix", ipv6(58, 64, A_ADDR, addr("fd00:0:0:1", IP_BOB[1]), ping[40:]), "ip_not_carried",
             "a destination outside the identifier prefix")
ip_send_drop("subnet_router_anycast", ipv6(58, 64, A_ADDR, addr(IP_PREFIX, "0:0:0:0"), ping[40:]),
             "ip_not_carried", "PREFIX::0 names no node")
ip_send_drop("to_ourselves", ipv6(58, 64, A_ADDR, A_ADDR, ping[40:]), "ip_not_carried")
ip_send_drop("spoofed_source", ipv6(58, 64, addr(IP_PREFIX, "0:0:0:dead"), B_ADDR, ping[40:]),
             "ip_spoofed_source", "a source in the prefix that is not our identifier address")
ip_send_drop("link_local_source", ipv6(58, 64, LINK_LOCAL, B_ADDR, ping[40:]), "ip_spoofed_source")
ip_send_drop("hop_by_hop", ipv6(0, 64, A_ADDR, B_ADDR, ping[40:]), "ip_unsupported_next_header",
             "extension headers are not carried")
ip_send_drop("fragment", ipv6(44, 64, A_ADDR, B_ADDR, ping[40:]), "ip_unsupported_next_header")
ip_send_drop("one_over_mtu", ipv6(17, 64, A_ADDR, B_ADDR, udp(A_ADDR, B_ADDR, 1, 2, filler(IP_MTU - 47))),
             "ip_too_big", "1441 bytes: answered with a Packet Too Big (ip_ptb_*)")


def ip_receive_ok(name, packet, comment=None):
    """Bob's packet to alice as it arrives (bob on b, alice on a); alice restores the prefix."""
    vec("ip_receive", name, to_overlay(packet, IP_BOB[0], IP_ALICE[0]), "ok", comment, IP_CUTS,
        prefix=IP_PREFIX, ip=hexs(packet, IP_CUTS))


def ip_receive_drop(name, datagram, reason, comment=None):
    vec("ip_receive", name, datagram, "drop:" + reason, comment, IP_CUTS, prefix=IP_PREFIX)


reply = ipv6(58, 62, B_ADDR, A_ADDR, echo(129, B_ADDR, A_ADDR, 0x1234, 1, filler(56)))
ip_receive_ok("echo_reply", reply, "bob's echo reply, hop limit 62 after two overlay routers")
ip_receive_ok("tcp_syn", ipv6(6, 64, B_ADDR, A_ADDR, tcp_syn(B_ADDR, A_ADDR, 22, 51000, 7)))
ip_receive_ok("udp_class_flow", ipv6(17, 0, B_ADDR, A_ADDR, udp(B_ADDR, A_ADDR, 5201, 40000, b""), vcf=0x6fffffff),
              "hop limit 0 is still delivered (section 8, rule 6)")
ip_receive_drop("all_nodes", header(58, 64, IP_BOB, (ALL_NODES, "0:0:0:0"), ping[40:]), "ip_not_carried")
ip_receive_drop("transport", header(42, 3, IP_BOB, IP_ALICE, transport(1, 2, b"x")), "ip_unsupported_next_header",
                "skinny transport is not an IP packet")

big = ipv6(17, 64, A_ADDR, B_ADDR, udp(A_ADDR, B_ADDR, 40000, 5201, filler(1452)))  # 1500 bytes
vec("ip_too_big", "udp_1500", big, "ok", "a 1500-byte UDP packet on a TUN whose MTU is 1440", IP_CUTS,
    mtu=IP_MTU, icmp=hexs(packet_too_big(big, IP_MTU), IP_CUTS))

# --- write ------------------------------------------------------------------
TITLES = {
    "header": "whole datagrams (40-byte header + payload); the payload is not validated here",
    "discovery": "discovery payloads (next header 43)",
    "locator_update": "locator update / ack payloads (next header 44)",
    "transport": "skinny transport payloads (next header 42)",
    "group": "multicast group address for (uid, locator)",
    "ip": "IP packets over the overlay (section 13): TUN -> overlay, overlay -> TUN, Packet Too Big",
}


def main():
    os.makedirs(OUT, exist_ok=True)
    names = [name for blocks in FILES.values() for name, _ in blocks]
    assert len(names) == len(set(names)), "duplicate names"
    for layer, blocks in FILES.items():
        text = ["# %s.vec: %s." % (layer, TITLES[layer]),
                "# Generated by proto/gen_vectors.py; format in proto/README.md. Do not edit.", ""]
        for _, block in blocks:
            text += block + [""]
        with open(os.path.join(OUT, layer + ".vec"), "w", encoding="utf-8") as f:
            f.write("\n".join(text))
        print("%-20s %3d vectors" % (layer + ".vec", len(blocks)))


if __name__ == "__main__":
    main()
