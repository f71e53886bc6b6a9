"""Online ingestion against a real HTTP server on 127.0.0.1, whose behaviour the path picks."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from generator.errors import ContentError, FeedError
from generator.models import FeedConfig
from generator.veille.feed_state import FeedState, dumps, load_state, loads, state_path
from generator.veille.http_fetch import USER_AGENT, FetchError, fetch_url
from generator.veille.ingest import ingest_feeds, ingest_online

from .conftest import ROOT

T1 = datetime(2024, 11, 2, 8, 0, tzinfo=UTC)
T2 = datetime(2024, 11, 3, 8, 0, tzinfo=UTC)
LAST_MODIFIED = "Sat, 02 Nov 2024 07:00:00 GMT"


def rss(count: int, *, start: int = 1) -> bytes:
    """An RSS 2.0 feed of ``count`` items, in the style of tests/fixtures/feeds."""
    items = []
    for n in range(start, start + count):
        day = datetime(2024, 9, 30, 9, 30, tzinfo=UTC) + timedelta(days=n)
        when = format_datetime(day, usegmt=True)
        items.append(
            f"""	<item>
		<title>Billet numéro {n}</title>
		<link>https://example.org/{day:%Y/%m/%d}/billet-{n}/</link>
		<dc:creator>Camille Martin</dc:creator>
		<pubDate>{when}</pubDate>
		<guid isPermaLink="false">https://example.org/?p={n}</guid>
		<description>Résumé du billet {n}.</description>
		<content:encoded><![CDATA[<p>Contenu du <em>billet</em> {n}.</p>]]></content:encoded>
	</item>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
	<title>Exemple</title>
	<link>https://example.org/</link>
	<description>Un flux de test.</description>
{chr(10).join(items)}
</channel>
</rss>
""".encode()


HTML = b"<!DOCTYPE html><html><head><title>Accueil</title></head><body><p>Bonjour</p></body></html>"


@dataclass
class Recorder:
    """What the server saw, and per-path counters."""

    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, path: str, headers: dict[str, str]) -> int:
        with self.lock:
            self.requests.append((path, headers))
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]


class Handler(BaseHTTPRequestHandler):
    server: Server

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if "Content-Length" not in (headers or {}) and status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body:
            self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path
        hit = self.server.recorder.record(path, {k: v for k, v in self.headers.items()})
        xml = {"Content-Type": "application/rss+xml; charset=utf-8"}
        if path == "/etag":
            if self.headers.get("If-None-Match") == '"v1"':
                self._send(304, headers={"ETag": '"v1"'})
            else:
                self._send(200, rss(3), {**xml, "ETag": '"v1"'})
        elif path == "/lastmod":
            if self.headers.get("If-Modified-Since") == LAST_MODIFIED:
                self._send(304)
            else:
                self._send(200, rss(3), {**xml, "Last-Modified": LAST_MODIFIED})
        elif path.startswith("/items/"):
            self._send(200, rss(int(path.rsplit("/", 1)[1])), xml)
        elif path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]), b"<html>erreur</html>")
        elif path == "/slow":
            time.sleep(1.5)
            with contextlib.suppress(OSError):  # the client gave up
                self._send(200, rss(1), xml)
        elif path == "/big":
            self._send(200, rss(50), xml)
        elif path == "/big-unannounced":
            # HTTP/1.0, no Content-Length: the body ends when the connection closes.
            self.send_response(200)
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(rss(50))
        elif path == "/loop":
            self._send(302, headers={"Location": "/loop"})
        elif path == "/hop":
            self._send(301, headers={"Location": "/items/2"})
        elif path == "/to-ftp":
            self._send(302, headers={"Location": "ftp://127.0.0.1/feed.xml"})
        elif path == "/to-file":
            self._send(302, headers={"Location": "file:///etc/passwd"})
        elif path == "/empty":
            self._send(200, b"", xml)
        elif path == "/html":
            self._send(200, HTML, {"Content-Type": "text/html; charset=utf-8"})
        elif path == "/shrinking":
            self._send(200, rss(20) if hit == 1 else rss(5, start=16), xml)
        else:
            self._send(404)


class Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handler threads

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.recorder = Recorder()

    def url(self, path: str) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}{path}"


@pytest.fixture
def server() -> Iterator[Server]:
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        thread.join()
        srv.server_close()


def _feed(server: Server, path: str, feed_id: str = "f") -> FeedConfig:
    # The test server is on 127.0.0.1: a feed there must opt in.
    return FeedConfig(id=feed_id, title=feed_id.upper(), url=server.url(path), allow_private=True)


def _archive(content: Path, feed_id: str = "f") -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((content / "archive" / feed_id).glob("*.md"))}


def _seeded(tmp_path: Path, server: Server, count: int = 4) -> tuple[Path, FeedState]:
    """A content folder whose feed ``f`` already has ``count`` archived items."""
    content = tmp_path / "content"
    result, state = ingest_online(content, _feed(server, f"/items/{count}"), FeedState(), now=T1)
    assert result.error == "" and result.report is not None and result.report.new == count
    return content, state


# --- http_fetch -------------------------------------------------------------------------


def test_fetch_sends_user_agent_and_follows_one_redirect(server: Server) -> None:
    result = fetch_url(server.url("/hop"), feed_id="f", allow_private=True)
    assert result.status == 200 and result.body and b"Billet num" in result.body
    assert result.final_url == server.url("/items/2")
    assert [path for path, _ in server.recorder.requests] == ["/hop", "/items/2"]
    assert server.recorder.requests[0][1]["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("infolettre-generator/")


def test_fetch_refuses_non_http_schemes_up_front() -> None:
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/feed.xml", "data:,x"):
        with pytest.raises(FetchError, match="seuls http et https"):
            fetch_url(url, feed_id="f")


@pytest.mark.parametrize("path", ["/to-ftp", "/to-file"])
def test_redirect_to_another_scheme_is_refused(server: Server, path: str) -> None:
    with pytest.raises(FetchError, match="seuls http et https") as info:
        fetch_url(server.url(path), feed_id="f", allow_private=True)
    assert info.value.status == 302
    assert "« f »" in str(info.value)


def test_redirect_loop_stops_after_five_redirects(server: Server) -> None:
    with pytest.raises(FetchError, match="trop de redirections"):
        fetch_url(server.url("/loop"), feed_id="f", allow_private=True)
    assert server.recorder.hits["/loop"] == 6  # the request, then 5 redirects followed


def test_slow_server_times_out(server: Server) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="délai dépassé"):
        fetch_url(server.url("/slow"), feed_id="f", allow_private=True, timeout=0.3)
    assert time.monotonic() - started < 1.4


@pytest.mark.parametrize("path", ["/big", "/big-unannounced"])
def test_oversized_body_is_refused(server: Server, path: str) -> None:
    with pytest.raises(FetchError, match="trop volumineux"):
        fetch_url(server.url(path), feed_id="f", allow_private=True, max_bytes=2000)


# --- ingest_online ----------------------------------------------------------------------


def test_etag_then_304_leaves_the_archive_alone(tmp_path: Path, server: Server) -> None:
    content = tmp_path / "content"
    feed = _feed(server, "/etag")
    first, state = ingest_online(content, feed, FeedState(), now=T1)
    assert first.report is not None and first.report.new == 3
    assert state.etag == '"v1"' and state.last_status == 200 and state.last_success == T1
    before = _archive(content)
    mtimes = {p: p.stat().st_mtime_ns for p in (content / "archive" / "f").iterdir()}

    second, state2 = ingest_online(content, feed, state, now=T2)
    assert second.not_modified and second.error == ""
    assert second.report is not None and second.report.unchanged == 3
    assert server.recorder.requests[-1][1].get("If-None-Match") == '"v1"'
    assert "If-None-Match" not in server.recorder.requests[0][1]
    assert _archive(content) == before
    assert {p: p.stat().st_mtime_ns for p in (content / "archive" / "f").iterdir()} == mtimes
    assert state2.last_status == 304 and state2.etag == '"v1"' and state2.last_success == T2


def test_last_modified_is_sent_back_as_if_modified_since(tmp_path: Path, server: Server) -> None:
    content = tmp_path / "content"
    feed = _feed(server, "/lastmod")
    _, state = ingest_online(content, feed, FeedState(), now=T1)
    assert state.last_modified == LAST_MODIFIED and state.etag == ""
    result, state = ingest_online(content, feed, state, now=T2)
    assert result.not_modified
    assert server.recorder.requests[-1][1]["If-Modified-Since"] == LAST_MODIFIED
    assert state.last_modified == LAST_MODIFIED


@pytest.mark.parametrize("status", [404, 410, 500])
def test_http_error_keeps_the_archive_and_records_the_status(
    tmp_path: Path, server: Server, status: int
) -> None:
    content, state = _seeded(tmp_path, server)
    before = _archive(content)
    feed = _feed(server, f"/status/{status}")
    result, after = ingest_online(content, feed, state, now=T2)
    assert f"HTTP {status}" in result.error and "« f »" in result.error
    assert result.report is None
    assert _archive(content) == before
    assert after.last_status == status
    assert f"HTTP {status}" in after.last_error and "« f »" in after.last_error
    assert after.last_success == T1  # the last success is kept
    # and through fetch_url itself: a FeedError
    with pytest.raises(FeedError, match=f"HTTP {status}"):
        fetch_url(feed.url, feed_id="f", allow_private=True)


def test_timeout_is_a_recorded_failure(tmp_path: Path, server: Server) -> None:
    content, state = _seeded(tmp_path, server)
    before = _archive(content)
    result, after = ingest_online(
        content, _feed(server, "/slow"), state, now=T2, fetch=partial(fetch_url, timeout=0.3)
    )
    assert "délai dépassé" in result.error
    assert after.last_status is None and "délai dépassé" in after.last_error
    assert _archive(content) == before


def test_oversized_feed_is_a_recorded_failure(tmp_path: Path, server: Server) -> None:
    content, state = _seeded(tmp_path, server)
    before = _archive(content)
    result, after = ingest_online(
        content, _feed(server, "/big"), state, now=T2, fetch=partial(fetch_url, max_bytes=2000)
    )
    assert "trop volumineux" in result.error and after.last_status == 200
    assert _archive(content) == before


@pytest.mark.parametrize(("path", "reason"), [("/empty", "vide"), ("/html", "illisible")])
def test_empty_or_html_body_is_a_failure(
    tmp_path: Path, server: Server, path: str, reason: str
) -> None:
    content, state = _seeded(tmp_path, server)
    before = _archive(content)
    result, after = ingest_online(content, _feed(server, path), state, now=T2)
    assert reason in result.error
    assert after.last_status == 200 and reason in after.last_error
    assert after.etag == state.etag and after.last_success == T1
    assert _archive(content) == before


def test_feed_without_items_is_a_failure(tmp_path: Path, server: Server) -> None:
    content, state = _seeded(tmp_path, server)
    before = _archive(content)
    result, _ = ingest_online(content, _feed(server, "/items/0"), state, now=T2)
    assert "aucun article" in result.error
    assert _archive(content) == before


def test_items_that_leave_the_feed_stay_in_the_archive(tmp_path: Path, server: Server) -> None:
    content = tmp_path / "content"
    feed = _feed(server, "/shrinking")
    first, state = ingest_online(content, feed, FeedState(), now=T1)
    assert first.report is not None and first.report.new == 20
    before = _archive(content)
    second, _ = ingest_online(content, feed, state, now=T2)
    assert second.report is not None
    assert (second.report.new, second.report.updated, second.report.unchanged) == (0, 0, 5)
    assert len(_archive(content)) == 20
    assert _archive(content) == before


def test_a_failing_feed_does_not_stop_the_next(tmp_path: Path, server: Server) -> None:
    content = tmp_path / "content"
    feeds = [_feed(server, "/status/500", "broken"), _feed(server, "/items/3", "good")]
    results = ingest_feeds(content, feeds, offline=False, now=T1)
    assert [r.feed_id for r in results] == ["broken", "good"]
    assert "HTTP 500" in results[0].error
    assert results[1].report is not None and results[1].report.new == 3
    assert len(_archive(content, "good")) == 3
    assert not (content / "archive" / "broken").exists()
    states = load_state(state_path(content))
    assert states["broken"].last_status == 500 and "« broken »" in states["broken"].last_error
    assert states["good"].last_status == 200 and states["good"].last_success == T1


# --- state file -------------------------------------------------------------------------


def test_state_round_trips() -> None:
    states = {
        "a": FeedState(last_success=T1, last_status=304, etag='"x"', last_modified=LAST_MODIFIED),
        "b": FeedState(last_error="flux « b »: erreur HTTP 500", last_status=500),
    }
    assert loads(dumps(states), Path("state.json")) == states


@pytest.mark.parametrize(
    "text", ["", "  \n", "{not json", "[]", '{"f": 3}', '{"f": {"last_success": "hier"}}']
)
def test_corrupt_state_file_is_a_content_error_naming_it(
    tmp_path: Path, server: Server, text: str
) -> None:
    content = tmp_path / "content"
    path = state_path(content)
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match=r"state\.json") as info:
        ingest_feeds(content, [_feed(server, "/items/3")], offline=False, now=T1)
    assert info.value.path == path
    assert path.read_text(encoding="utf-8") == text  # never reset
    assert server.recorder.requests == []


# --- command line -----------------------------------------------------------------------


def test_cli_ingests_online_with_progress_and_summary(tmp_path: Path, server: Server) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "taxonomy.yml").write_bytes((ROOT / "content" / "taxonomy.yml").read_bytes())
    (content / "feeds.yml").write_text(
        "feeds:\n"
        f"  - id: broken\n    title: Cassé\n    url: {server.url('/status/404')}\n"
        "    allow_private: true\n"
        f"  - id: good\n    title: Bon\n    url: {server.url('/etag')}\n"
        "    allow_private: true\n",
        encoding="utf-8",
    )
    run = partial(
        subprocess.run,
        [sys.executable, "-m", "generator", "ingest", "--content", str(content)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    first = run()
    assert first.returncode == 1, first.stderr
    assert "[1/2]" in first.stderr and "broken" in first.stderr and "[2/2]" in first.stderr
    assert "broken: ERREUR" in first.stderr and "HTTP 404" in first.stderr
    assert "good: 3 nouveaux, 0 mis à jour, 0 inchangés" in first.stdout
    assert "2 flux : 1 lus, 1 en erreur" in first.stdout
    assert len(_archive(content, "good")) == 3
    second = run()
    assert second.returncode == 1
    assert "good: 0 nouveaux, 0 mis à jour, 3 inchangés (non modifié, HTTP 304)" in second.stdout
    states = load_state(state_path(content))
    assert states["good"].etag == '"v1"' and states["broken"].last_status == 404
    assert replace(states["good"], last_success=None).last_status == 304
