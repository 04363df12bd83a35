#!/usr/bin/env python3
"""Sends malformed overlay datagrams into one locator's multicast group.

Each targeted class is built to trip exactly one drop reason of the victim
(see include/ilnp/core/drop_reason.hpp); then come random byte strings and
valid headers with random payloads. Prints one JSON object: for each drop
reason, how many datagrams were sent that must be counted under it (a lower
bound: the random stages may add to any reason), plus "total".

Stdlib only. Paced so that a lossless link never overflows the receiver's
socket buffer: a test may then require every targeted datagram to be counted.
"""
import argparse
import json
import os
import random
import socket
import struct
import time

ALL_NODES = 0xFF02_0000_0000_0001
NH_TRANSPORT, NH_DISCOVERY, NH_LOC_UPDATE = 42, 43, 44
MAX_UPDATE_LOCATORS = 16


def parse_hex64(text):
    groups = text.split(":")
    assert len(groups) == 4, text
    return int("".join(g.zfill(4) for g in groups), 16)


def header(payload_length, next_header, hop_limit, src_loc, src_nid, dst_loc, dst_nid):
    return struct.pack("!IHBBQQQQ", 0, payload_length & 0xFFFF, next_header, hop_limit,
                       src_loc, src_nid, dst_loc, dst_nid)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--interface", default="eth0")
    ap.add_argument("--port", type=int, default=10000)
    ap.add_argument("--locator", required=True, help="the group to send to, e.g. 0:0:0:a")
    ap.add_argument("--victim-nid", required=True, help="NID of the node under test")
    ap.add_argument("--buffer-size", type=int, default=1440, help="the victim's link.buffer_size")
    ap.add_argument("--random", type=int, default=5000, help="fully random byte strings")
    ap.add_argument("--random-headers", type=int, default=2000, help="valid headers, random payloads")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()

    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)
    loc = parse_hex64(args.locator)
    victim = parse_hex64(args.victim_nid)
    uid = os.getuid() % 65536
    group = "ff12:0:%x:0:%s%%%s" % (uid, args.locator, args.interface)
    addr = socket.getaddrinfo(group, args.port, socket.AF_INET6, socket.SOCK_DGRAM)[0][4]

    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex(args.interface))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)

    expected = {}
    sent = [0]

    def send(data, reason=None):
        sock.sendto(data, addr)
        sent[0] += 1
        if reason:
            expected[reason] = expected.get(reason, 0) + 1
        if sent[0] % 16 == 0:
            time.sleep(0.001)  # pace: ~16k datagrams/s at most

    src_loc = 0xEEEE_0000_0000_000E  # a locator nobody joined
    def stranger():
        while True:
            nid = rng.getrandbits(64)
            if nid not in (0, victim):
                return nid

    def packet(next_header, payload, dst_loc=loc, dst_nid=victim, hop=3, src_nid=None, length=None):
        n = len(payload) if length is None else length
        return header(n, next_header, hop, src_loc, stranger() if src_nid is None else src_nid,
                      dst_loc, dst_nid) + payload

    def discovery(payload):
        return packet(NH_DISCOVERY, payload, dst_loc=ALL_NODES, dst_nid=0)

    def disc_body(flag, hostname):
        return struct.pack("!QQB", stranger(), src_loc, flag) + hostname

    # Shorter than the 40-byte header (0 included).
    for n in range(40):
        send(bytes(rng.getrandbits(8) for _ in range(n)), "short_header")
    # Payload length field disagrees with the bytes that follow.
    for declared, actual in [(1, 0), (0, 1), (100, 10), (10, 100), (65535, 50), (1396, 1395), (4, 3)] * 5:
        send(packet(NH_TRANSPORT, os.urandom(actual), length=declared), "payload_length_mismatch")
    # Larger than the victim's buffer (and so than any valid datagram).
    if args.buffer_size + 1 <= 65527:
        for _ in range(2):
            send(packet(NH_TRANSPORT, os.urandom(args.buffer_size + 1 - 40)), "datagram_too_large")
    # Discovery shorter than NID + locator + flag.
    for n in range(17):
        send(discovery(os.urandom(n)), "truncated_discovery")
    for flag in (2, 3, 0x7F, 0x80, 0xFF):
        send(discovery(disc_body(flag, b"mallory")), "bad_discovery_flag")
    for flag in (0, 1, 0):
        send(discovery(disc_body(flag, b"")), "empty_hostname")
    for n in (256, 300, 1000):
        send(discovery(disc_body(0, b"m" * n)), "hostname_too_long")
    for bad in (b"\xff", b"mal\xc3\x28lory", b"\xed\xa0\x80", b"\xc0\xaf", b"a\x00b", b"\xf4\x90\x80\x80",
                b"ab\xe2\x82", b"\x7f"):
        send(discovery(disc_body(0, bad)), "hostname_not_utf8")
    # To the victim's NID with next headers it does not speak.
    for nh in (0, 6, 17, 41, 45, 59, 99, 255):
        send(packet(nh, os.urandom(8)), "unknown_next_header")
    for n in range(4):
        send(packet(NH_TRANSPORT, os.urandom(n)), "truncated_transport")
    for port in (4242, 1, 65535):
        send(packet(NH_TRANSPORT, struct.pack("!HH", 1000, port) + b"nobody home"), "port_unbound")
    for _ in range(2):
        send(packet(NH_LOC_UPDATE, b""), "truncated_locator_update")
    for flag in (2, 0xFF):
        send(packet(NH_LOC_UPDATE, bytes([flag]) + struct.pack("!Q", src_loc)), "bad_locator_update_flag")
    for body in (b"\x01" + b"\x00" * 7, b"\x01", b"\x00\x00", b"\x01" + b"\x00" * 12):
        send(packet(NH_LOC_UPDATE, body), "bad_locator_update_length")
    send(packet(NH_LOC_UPDATE, b"\x01" + struct.pack("!Q", src_loc) * (MAX_UPDATE_LOCATORS + 1)),
         "too_many_locators")
    # Claims to come from the victim itself.
    for _ in range(3):
        send(packet(NH_TRANSPORT, struct.pack("!HH", 1000, 1000) + b"spoof", src_nid=victim), "own_packet")
    # Someone else's datagram to this very link, and one to a locator nobody routes.
    for _ in range(3):
        send(packet(NH_TRANSPORT, b"\x00" * 8, dst_nid=stranger()), "same_link")
    for _ in range(3):
        send(packet(NH_TRANSPORT, b"\x00" * 8, dst_loc=0xDEAD_0000_0000_0001, dst_nid=stranger()), "no_route")

    targeted = sent[0]
    # Thousands of random byte strings (mostly short_header/payload_length_mismatch).
    for _ in range(args.random):
        send(os.urandom(rng.randrange(0, 1500)))
    # Valid headers to the victim (or all nodes) over random payloads: the
    # payload decoders see garbage. Source NIDs are never the victim's.
    for _ in range(args.random_headers):
        nh = rng.choice((NH_TRANSPORT, NH_DISCOVERY, NH_LOC_UPDATE, rng.randrange(256)))
        body = os.urandom(rng.randrange(0, 300))
        if nh == NH_DISCOVERY:
            send(packet(nh, body, dst_loc=ALL_NODES, dst_nid=0, hop=rng.randrange(4)))
        else:
            send(packet(nh, body, hop=rng.randrange(4)))

    expected["total"] = sent[0]
    expected["targeted"] = targeted
    expected["seed"] = seed
    print(json.dumps(expected, sort_keys=True))


if __name__ == "__main__":
    main()
