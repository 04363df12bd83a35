#!/usr/bin/env python3
"""The two ends of a TCP transfer checked by hash, for the stream tests.

  tcp_hash.py sink PORT            per connection: hash everything until EOF,
                                   answer "BYTES SHA256"; prints "listening"
  tcp_hash.py source PORT BYTES    send BYTES pseudo-random bytes, half-close,
                                   read the answer; print one JSON line, exit
                                   0 when the answer matches what was sent
"""
import hashlib
import json
import random
import socket
import sys
import threading
import time


def sink(port):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(8)
    print("listening", flush=True)

    def handle(c):
        h, n = hashlib.sha256(), 0
        while b := c.recv(1 << 16):
            h.update(b)
            n += len(b)
        print("received", n, h.hexdigest(), flush=True)
        c.sendall(f"{n} {h.hexdigest()}\n".encode())
        c.close()

    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def source(port, total):
    rnd, h, sent = random.Random(42), hashlib.sha256(), 0
    s = socket.create_connection(("127.0.0.1", port))
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
    ok = reply.decode().split() == [str(total), h.hexdigest()]
    print(json.dumps({"bytes": sent, "sha256": h.hexdigest(), "reply": reply.decode().strip(),
                      "seconds": round(seconds, 3), "MBps": round(sent / seconds / 1e6, 2), "ok": ok}), flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "sink":
        sink(int(sys.argv[2]))
    elif len(sys.argv) == 4 and sys.argv[1] == "source":
        sys.exit(source(int(sys.argv[2]), int(sys.argv[3])))
    else:
        sys.exit(__doc__)
