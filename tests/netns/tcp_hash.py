#!/usr/bin/env python3
"""The two ends of a TCP transfer checked by hash, for the stream tests.

  tcp_hash.py sink PORT [ADDRESS]          per connection: hash everything
                                   until EOF, answer "BYTES SHA256 GAP_MS" (the
                                   longest wait between two reads: a stall);
                                   prints "listening" (ADDRESS: 127.0.0.1)
  tcp_hash.py source PORT BYTES [HOST]     send BYTES pseudo-random bytes,
                                   half-close, read the answer; print one JSON
                                   line, exit 0 when the answer matches what
                                   was sent (HOST: 127.0.0.1, or a name)
"""
import hashlib
import json
import random
import socket
import sys
import threading
import time


def sink(port, address):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    srv = socket.create_server((address, port), family=family, backlog=8)
    print("listening", flush=True)

    def handle(c):
        h, n, gap, last = hashlib.sha256(), 0, 0.0, None
        while b := c.recv(1 << 16):
            now = time.monotonic()
            if last is not None:
                gap = max(gap, now - last)
            last = now
            h.update(b)
            n += len(b)
        print("received", n, h.hexdigest(), "longest gap %.1f ms" % (gap * 1000), flush=True)
        c.sendall(f"{n} {h.hexdigest()} {gap * 1000:.1f}\n".encode())
        c.close()

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def source(port, total, host):
    rnd, h, sent = random.Random(42), hashlib.sha256(), 0
    s = socket.create_connection((host, port))
    t0 = time.monotonic()
    while sent < total:
        b = rnd.randbytes(min(1 << 20, total - sent))
        s.sendall(b)
        h.update(b)
        sent += len(b)
    s.shutdown(socket.SHUT_WR)
    reply = b""
    while b := s.recv(4096):
        reply += b
    seconds = time.monotonic() - t0
    answer = reply.decode().split()
    ok = answer[:2] == [str(total), h.hexdigest()]
    print(json.dumps({"bytes": sent, "sha256": h.hexdigest(), "reply": reply.decode().strip(),
                      "seconds": round(seconds, 3), "MBps": round(sent / seconds / 1e6, 2),
                      "longest_gap_ms": float(answer[2]) if len(answer) > 2 else None, "ok": ok}), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) in (3, 4) and sys.argv[1] == "sink":
        sink(int(sys.argv[2]), sys.argv[3] if len(sys.argv) == 4 else "127.0.0.1")
    elif len(sys.argv) in (4, 5) and sys.argv[1] == "source":
        sys.exit(source(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] if len(sys.argv) == 5 else "127.0.0.1"))
    else:
        sys.exit(__doc__)
