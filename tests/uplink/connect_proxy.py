#!/usr/bin/env python3
"""tests/uplink/connect_proxy.py DIR: a minimal HTTP proxy that only tunnels (CONNECT,
RFC 9110 §9.3.6), for the uplink's proxy test. Listens on 127.0.0.1 (port written to DIR/port),
appends each CONNECT target to DIR/tunnels, refuses anything else with 405."""
import os
import socket
import sys
import threading

DIR = sys.argv[1]


def pipe(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def handle(client):
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = client.recv(4096)
        if not chunk:
            client.close()
            return
        head += chunk
    line = head.split(b"\r\n", 1)[0].decode()
    method, target, _ = line.split(" ", 2)
    if method != "CONNECT":
        client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
        client.close()
        return
    host, port = target.rsplit(":", 1)
    upstream = socket.create_connection((host.strip("[]"), int(port)))
    with open(os.path.join(DIR, "tunnels"), "a") as f:
        f.write(target + "\n")
    client.sendall(b"HTTP/1.1 200 Connection Established\r\n\r\n")
    threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
    pipe(upstream, client)


server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen(16)
tmp = os.path.join(DIR, "port.tmp")
with open(tmp, "w") as f:
    f.write(str(server.getsockname()[1]))
os.rename(tmp, os.path.join(DIR, "port"))
while True:
    conn, _ = server.accept()
    threading.Thread(target=handle, args=(conn,), daemon=True).start()
