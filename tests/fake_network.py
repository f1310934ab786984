"""Network stand-ins for the outbound guard's tests: a port that counts who
reaches it, a pretend DNS and public internet, and local servers (plain TCP,
TLS, a redirect) to stand behind them."""

from __future__ import annotations

import datetime
import re
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# A public address no test really reaches: Network sends its connections to a local server.
PUBLIC = "93.184.215.14"
PRIVATE_REFUSAL = ("refused: {} a private, loopback or link-local address "
                   "(set INTEGRATIONS_ALLOW_PRIVATE_IPS=true to allow)")


class Listener:
    """An open TCP port that never accepts: each connection made to it waits in
    the backlog, so `connections()` counts exactly the TCP connects that reached it
    (a connect has completed by the time the client's call returns)."""

    def __init__(self, host: str = "127.0.0.1"):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]

    def connections(self) -> int:
        count = 0
        self.sock.settimeout(0.2)
        while True:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                return count
            conn.close()
            count += 1

    def close(self) -> None:
        self.sock.close()


class Network:
    """socket.getaddrinfo and socket.socket, replaced for one test.

    `names` maps a name to its DNS answers, one list per lookup (the last one
    repeats), so a name can answer public first and private next (rebinding).
    `routes` sends a connection to (public address, port) to a local server
    standing in for that host. Every lookup and every connect is recorded.
    """

    def __init__(self, monkeypatch):
        self.names: dict[str, list[list[str]]] = {}
        self.routes: dict[tuple[str, int], tuple[str, int]] = {}
        self.lookups: list[str] = []
        self.connects: list[tuple[str, int]] = []
        real_getaddrinfo = socket.getaddrinfo
        network = self

        def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
            if host not in network.names:
                return real_getaddrinfo(host, port, family, type, proto, flags)
            network.lookups.append(host)
            answers = network.names[host]
            addresses = answers.pop(0) if len(answers) > 1 else answers[0]
            return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (a, port or 0, 0, 0))
                    if ":" in a else (socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port or 0))
                    for a in addresses]

        class RoutedSocket(socket.socket):
            def connect(self, address):
                network.connects.append((address[0], address[1]))
                route = network.routes.get((address[0], address[1]))
                if route is None and not address[0].startswith(("127.", "::1")):
                    # Never out to the real network from a test.
                    raise ConnectionRefusedError(f"no route to {address[0]} in this test")
                super().connect(route or address)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket, "socket", RoutedSocket)


class LocalServer:
    """A port on 127.0.0.1 whose connections, one at a time, go to `handle`
    in a thread of its own, until `close`."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.handle(conn)

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def close(self):
        self.sock.close()


class NotTls(LocalServer):
    """A local port that answers every connection in plain HTTP, so a client
    speaking TLS to it fails its handshake (WRONG_VERSION_NUMBER)."""

    def handle(self, conn: socket.socket) -> None:
        with conn:
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate for `name` and its key, signed by itself: (cert, key)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class TlsServer(LocalServer):
    """HTTPS on 127.0.0.1 with a certificate for one name; records the SNI names
    clients send and answers 200 to what completes the handshake."""

    def __init__(self, cert: Path, key: Path):
        self.server_names: list[str | None] = []
        self.requests = 0
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        context.sni_callback = lambda sslsock, name, ctx: self.server_names.append(name)
        self.context = context
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
        try:
            with self.context.wrap_socket(conn, server_side=True) as tls:
                tls.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    data += chunk
                # Read the body too: closing a socket with unread bytes in it
                # sends a reset, which can reach the client before our answer.
                head, _, body = data.partition(b"\r\n\r\n")
                length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
                while length and len(body) < int(length.group(1)):
                    chunk = tls.recv(4096)
                    if not chunk:
                        break
                    body += chunk
                self.requests += 1
                tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                            b"Connection: close\r\n\r\n")
        except (ssl.SSLError, OSError):
            conn.close()  # the client refused our certificate: that is the test's point


class Redirector:
    """An HTTP server that answers every POST with a 307 to `location`."""

    def __init__(self, location: str):
        self.location = location
        self.posts = 0
        redirector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                redirector.posts += 1
                self.send_response(307)
                self.send_header("Location", redirector.location)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()
