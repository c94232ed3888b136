#!/usr/bin/env python3
"""A real server for Halo's load-balancing tests: answers every HTTP/1.1 request with its own name, keeps
connections alive, and says where a client came from (the peer address it sees) under /peer."""
import http.server
import socketserver
import sys

NAME = sys.argv[1]
ADDRESS = sys.argv[2]
PORT = int(sys.argv[3])


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        body = (self.client_address[0] if self.path == "/peer" else NAME) + "\n"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


Server((ADDRESS, PORT), Handler).serve_forever()
