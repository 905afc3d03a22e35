#!/usr/bin/env python3
"""A misbehaving HTTP server for the remote backend's fault-injection tests.

Binds 127.0.0.1 on a port the kernel picks and prints "PORT <n>" on stdout.
It exits when its stdin closes (the test process ended) or after --lifetime
seconds, whichever comes first.

The first path segment picks the behaviour, so a test points the backend's
endpoint at http://127.0.0.1:PORT/<mode> and the backend's own path follows:

  ok               200, echoing method, path, headers and body as JSON
  s<NNN>[-opts]    status NNN with an error body; opts (joined by '-'):
                     flat (default): {"error_code", "error_msg"}
                     camel: {"errorCode", "errorMsg"}
                     nested: {"error": {"code", "message"}}
                     text: a long non-JSON body; empty: no body
                     leak: the message repeats the credentials received
                     ra<N>: a Retry-After: N header
                     code<X>: error code X (default BackupService.9999)
  flaky<N>         503 for the first N hits on a path, then as "ok"
  reset            reads the request, then resets the connection
  stall            reads the request, then says nothing for --stall seconds
  garbage          200 with a body that is not JSON
  truncated        200 announcing 1000 bytes, sending 20, then closing
  big<N>           200 with N bytes of JSON and a Content-Length
  bigstream<N>     200 with N bytes of JSON, no Content-Length (ends at close)
  sigcheck         verifies SDK-HMAC-SHA256 with --ak/--sk: 200 or 401

GET /__hits returns {"<path>": count} for every path seen (hits are counted
before the mode runs).  Every response carries X-Request-Id: req-<mode>-<n>.
"""
import argparse
import hashlib
import hmac
import json
import socket
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HITS = {}
HITS_LOCK = threading.Lock()
ARGS = None


def hit(path):
    with HITS_LOCK:
        HITS[path] = HITS.get(path, 0) + 1
        return HITS[path]


def quote(s):
    return urllib.parse.quote(s, safe="~")


def sdk_signature(method, path, query, headers, signed, body, sk, date):
    """An independent SDK-HMAC-SHA256, as huaweicloudsdkcore computes it."""
    uri = "/".join(quote(seg) for seg in urllib.parse.unquote(path).split("/"))
    if not uri.endswith("/"):
        uri += "/"
    pairs = sorted(urllib.parse.parse_qsl(query, keep_blank_values=True))
    canonical_query = "&".join(quote(k) + "=" + quote(v) for k, v in pairs)
    lower = {k.lower(): v.strip() for k, v in headers.items()}
    canonical_headers = "".join(name + ":" + lower[name] + "\n" for name in signed)
    canonical = "\n".join([method.upper(), uri, canonical_query, canonical_headers,
                           ";".join(signed), hashlib.sha256(body).hexdigest()])
    to_sign = "SDK-HMAC-SHA256\n" + date + "\n" + hashlib.sha256(canonical.encode()).hexdigest()
    return hmac.new(sk.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.dispatch()

    def do_POST(self):
        self.dispatch()

    def do_PUT(self):
        self.dispatch()

    def do_DELETE(self):
        self.dispatch()

    def read_body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send(self, status, body, headers=(), mode="x", n=0):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("X-Request-Id", "req-%s-%d" % (mode, n))
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def dispatch(self):
        parsed = urllib.parse.urlsplit(self.path)
        path = parsed.path
        body = self.read_body()
        if path == "/__hits":
            with HITS_LOCK:
                snapshot = dict(HITS)
            return self.send(200, snapshot, mode="hits")
        n = hit(path)
        mode = path.lstrip("/").split("/", 1)[0]
        if mode == "ok":
            return self.echo(path, body, mode, n)
        if mode.startswith("flaky"):
            if n <= int(mode[5:] or "1"):
                return self.send(503, {"error_code": "BackupService.0503", "error_msg": "busy"}, mode=mode, n=n)
            return self.echo(path, body, mode, n)
        if mode.startswith("s") and mode[1:4].isdigit():
            return self.error(int(mode[1:4]), mode[4:].split("-"), mode, n)
        if mode == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
            return
        if mode == "stall":
            end = time.monotonic() + ARGS.stall
            while time.monotonic() < end:
                time.sleep(0.05)
            self.close_connection = True
            return
        if mode == "garbage":
            return self.send(200, b"<html>this is not JSON</html>", mode=mode, n=n)
        if mode == "truncated":
            self.send_response(200)
            self.send_header("X-Request-Id", "req-%s-%d" % (mode, n))
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"checkpoint": {"id"')
            self.wfile.flush()
            self.close_connection = True
            return
        if mode.startswith("bigstream"):
            size = int(mode[9:])
            self.send_response(200)
            self.send_header("X-Request-Id", "req-%s-%d" % (mode, n))
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            chunk = b" " * 65536
            self.wfile.write(b'{"pad": "')
            sent = 0
            try:
                while sent < size:
                    self.wfile.write(chunk)
                    sent += len(chunk)
                self.wfile.write(b'"}')
            except OSError:
                pass
            return
        if mode.startswith("big"):
            size = int(mode[3:])
            return self.send(200, b'{"pad": "' + b" " * size + b'"}', mode=mode, n=n)
        if mode == "sigcheck":
            return self.sigcheck(path, parsed.query, body, mode, n)
        return self.send(404, {"error_code": "TEST.404", "error_msg": "unknown mode " + mode}, mode=mode, n=n)

    def echo(self, path, body, mode, n):
        doc = {"checkpoint": {"method": self.command, "path": path,
                              "headers": {k.lower(): v for k, v in self.headers.items()},
                              "body": body.decode("utf-8", "replace")}}
        self.send(200, doc, mode=mode, n=n)

    def error(self, status, opts, mode, n):
        code, message, headers = "BackupService.9999", "injected failure", []
        style = "flat"
        for opt in opts:
            if opt.startswith("ra") and opt[2:].isdigit():
                headers.append(("Retry-After", opt[2:]))
            elif opt.startswith("code"):
                code = opt[4:]
            elif opt == "leak":
                message = "echo: token=%s security=%s auth=%s" % (
                    self.headers.get("X-Auth-Token"), self.headers.get("X-Security-Token"),
                    self.headers.get("Authorization"))
            elif opt:
                style = opt
        if style == "camel":
            body = {"errorCode": code, "errorMsg": message}
        elif style == "nested":
            body = {"error": {"code": code, "message": message, "title": "Error"}}
        elif style == "text":
            body = ("<html><body>" + "gateway trouble \u00e9 " * 40 + "</body></html>").encode()
        elif style == "empty":
            body = b""
        else:
            body = {"error_code": code, "error_msg": message}
        self.send(status, body, headers, mode=mode, n=n)

    def sigcheck(self, path, query, body, mode, n):
        auth = self.headers.get("Authorization", "")
        try:
            prefix, rest = auth.split(" ", 1)
            fields = dict(part.strip().split("=", 1) for part in rest.split(","))
            signed = fields["SignedHeaders"].split(";")
            assert prefix == "SDK-HMAC-SHA256" and fields["Access"] == ARGS.ak
            headers = {k: v for k, v in self.headers.items()}
            expected = sdk_signature(self.command, path, query, headers, signed, body, ARGS.sk,
                                     self.headers["X-Sdk-Date"])
            ok = hmac.compare_digest(expected, fields["Signature"])
        except Exception:
            ok = False
        if ok:
            return self.send(200, {"verified": True, "signed_headers": signed}, mode=mode, n=n)
        return self.send(401, {"error_code": "APIGW.0301", "error_msg": "verify aksk signature fail"},
                         mode=mode, n=n)


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--ak", default="")
    p.add_argument("--sk", default="")
    p.add_argument("--stall", type=float, default=10.0)
    p.add_argument("--lifetime", type=float, default=900.0)
    ARGS = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("PORT %d" % server.server_address[1], flush=True)

    def wait_for_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except Exception:
            pass

    watcher = threading.Thread(target=wait_for_stdin, daemon=True)
    watcher.start()
    watcher.join(ARGS.lifetime)
    server.shutdown()


if __name__ == "__main__":
    main()
