#!/usr/bin/env python3
"""tests/uplink/receiver.py DIR: the batch receiver behind nginx in the uplink tests.

Listens on 127.0.0.1 (a free port, written to DIR/port), and records every POST as DIR/records/
<n>.body (the body exactly as received) and <n>.meta (JSON: path, Content-Type,
Content-Encoding, Idempotency-Key, the status it answered). What it answers is read from
DIR/mode before each request (default "ok"):
  ok          200 for batches and heartbeats
  503 N       503 with Retry-After: 1 for the next N batches, then ok
  cut N       for the next N batches: read half the body, close the connection without answer
  slow S      record the batch, then sleep S seconds before answering 200 (a request in
              flight, already received, when the gateway is killed)
  400 N       400 for the next N batches (the gateway must quarantine them), then ok
A batch is recorded only when it is answered 200 or 400 (what the receiver accepted or refused).
"""
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIR = sys.argv[1]
RECORDS = os.path.join(DIR, "records")
os.makedirs(RECORDS, exist_ok=True)
lock = threading.Lock()
state = {"n": 0, "left": None, "mode_text": None}


def next_mode():
    try:
        with open(os.path.join(DIR, "mode")) as f:
            text = f.read().strip()
    except FileNotFoundError:
        text = "ok"
    parts = text.split()
    with lock:
        if text != state["mode_text"]:
            state["mode_text"] = text
            state["left"] = int(parts[1]) if len(parts) > 1 and parts[0] in ("503", "cut", "400") else None
        if parts[0] in ("503", "cut", "400"):
            if state["left"] <= 0:
                return ["ok"]
            state["left"] -= 1
    return parts


def record(handler, body, status):
    with lock:
        state["n"] += 1
        n = state["n"]
    meta = {
        "path": handler.path,
        "content_type": handler.headers.get("Content-Type", ""),
        "content_encoding": handler.headers.get("Content-Encoding", ""),
        "key": handler.headers.get("Idempotency-Key", ""),
        "status": status,
    }
    with open(os.path.join(RECORDS, "%06d.body" % n), "wb") as f:
        f.write(body)
    tmp = os.path.join(RECORDS, "%06d.meta.tmp" % n)
    with open(tmp, "w") as f:
        json.dump(meta, f)
    os.rename(tmp, os.path.join(RECORDS, "%06d.meta" % n))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def answer(self, status, extra=None):
        self.send_response(status)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        heartbeat = "heartbeat" in self.headers.get("Content-Type", "")
        mode = ["ok"] if heartbeat else next_mode()
        if mode[0] == "cut":
            self.rfile.read(length // 2)
            self.close_connection = True
            self.connection.shutdown(2)
            return
        body = self.rfile.read(length)
        if mode[0] == "503":
            self.answer(503, {"Retry-After": "1"})
            return
        status = 400 if mode[0] == "400" else 200
        record(self, body, status)
        if mode[0] == "slow":
            time.sleep(float(mode[1]))
        self.answer(status)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
tmp = os.path.join(DIR, "port.tmp")
with open(tmp, "w") as f:
    f.write(str(server.server_address[1]))
os.rename(tmp, os.path.join(DIR, "port"))
server.serve_forever()
