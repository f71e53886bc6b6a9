"""A raw TCP server on 127.0.0.1 for the ingestion tests: each path answers with bytes
written by hand, so a test can cut the connection before ``Content-Length``, drip a
byte at a time, or redirect anywhere."""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

Route = Callable[[socket.socket, "RawServer"], None]


@dataclass(frozen=True)
class Entry:
    """One item of a test feed."""

    n: int
    text: str = ""
    title: str = ""
    day: int = 0  # days after 2024-10-01; defaults to n

    def rss(self) -> str:
        when = datetime(2024, 10, 1, 9, 30, tzinfo=UTC) + timedelta(days=self.day or self.n)
        text = self.text or f"Contenu du billet {self.n}, " + "assez long pour compter. " * 8
        return f"""	<item>
		<title>{escape(self.title or f"Billet {self.n}")}</title>
		<link>https://example.org/billet-{self.n}/</link>
		<pubDate>{format_datetime(when, usegmt=True)}</pubDate>
		<guid isPermaLink="false">https://example.org/?p={self.n}</guid>
		<description>Résumé du billet {self.n}.</description>
		<content:encoded><![CDATA[<p>{text}</p>]]></content:encoded>
	</item>
"""


def rss(entries: list[Entry]) -> bytes:
    """An RSS 2.0 document of ``entries``."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">\n'
        "<channel>\n\t<title>Exemple</title>\n\t<link>https://example.org/</link>\n"
        "\t<description>Un flux de test.</description>\n"
        + "".join(entry.rss() for entry in entries)
        + "</channel>\n</rss>\n"
    ).encode()


def head(status: str = "200 OK", **headers: str | int) -> bytes:
    """A status line and headers, ``Connection: close`` added."""
    lines = [f"HTTP/1.1 {status}"]
    lines += [f"{key.replace('_', '-')}: {value}" for key, value in headers.items()]
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def ok(body: bytes) -> Route:
    """A whole answer, ``Content-Length`` right."""
    return lambda conn, _: conn.sendall(head(Content_Length=len(body)) + body)


def cut(body: bytes, keep: int) -> Route:
    """``Content-Length`` announces ``body``, then only ``keep`` bytes come and the
    connection closes."""
    return lambda conn, _: conn.sendall(head(Content_Length=len(body)) + body[:keep])


def cut_chunked(body: bytes, keep: int) -> Route:
    """A chunked answer whose connection closes after a first chunk of ``keep`` bytes."""

    def route(conn: socket.socket, _: RawServer) -> None:
        conn.sendall(head(Transfer_Encoding="chunked") + b"%x\r\n" % keep + body[:keep] + b"\r\n")

    return route


def unannounced(body: bytes) -> Route:
    """HTTP/1.0 without ``Content-Length``: the body ends where the connection closes."""
    return lambda conn, _: conn.sendall(b"HTTP/1.0 200 OK\r\n\r\n" + body)


def redirect(location: str) -> Route:
    return lambda conn, _: conn.sendall(head("302 Found", Location=location, Content_Length=0))


def drip(prefix: bytes, data: bytes, interval: float) -> Route:
    """``prefix`` at once, then ``data`` a byte every ``interval`` seconds."""

    def route(conn: socket.socket, server: RawServer) -> None:
        conn.sendall(prefix)
        for byte in data:
            if server.stopping.wait(interval):
                return
            conn.sendall(bytes([byte]))

    return route


@dataclass
class RawServer:
    """The server: ``routes`` by request target, ``requests`` as received (target, headers)."""

    host: str = "127.0.0.1"
    tls: ssl.SSLContext | None = None  # serve HTTPS with this server context
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.sock = socket.create_server((self.host, 0))
        self.port = self.sock.getsockname()[1]
        self.threads: list[threading.Thread] = []

    def url(self, path: str) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}{path}"

    def targets(self) -> list[str]:
        return [target for target, _ in self.requests]

    def serve(self) -> None:
        self.sock.settimeout(0.05)
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._answer, args=(conn,))
            self.threads.append(thread)
            thread.start()

    def _answer(self, raw: socket.socket) -> None:
        with raw, contextlib.suppress(OSError):  # OSError: the client gave up
            raw.settimeout(10)
            conn = raw if self.tls is None else self.tls.wrap_socket(raw, server_side=True)
            with conn:
                self._exchange(conn)

    def _exchange(self, conn: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
        lines = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        target = lines[0].split(" ")[1]
        headers = dict(line.split(": ", 1) for line in lines[1:])
        self.requests.append((target, headers))
        route = self.routes.get(target)
        if route is None:
            conn.sendall(head("404 Not Found", Content_Length=0))
        else:
            route(conn, self)
        if self.tls is None:
            conn.shutdown(socket.SHUT_WR)
        time.sleep(0.05)  # let the client read before the close


@contextlib.contextmanager
def running(host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> Iterator[RawServer]:
    """A :class:`RawServer` serving in a thread for the ``with`` block."""
    server = RawServer(host, tls)
    thread = threading.Thread(target=server.serve)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        thread.join()
        for answer in server.threads:
            answer.join()
        server.sock.close()
