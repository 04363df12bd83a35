#!/usr/bin/env python3
# What systemd's manager does with NOTIFY_SOCKET, for tests: binds an AF_UNIX
# datagram socket at argv[1] and prints every message received, one per line.
import socket
import sys

s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
while True:
    data = s.recv(4096).decode(errors="replace")
    print(data.replace("\n", " | "), flush=True)
