"""One ingestion at a time, leftovers of a killed one removed, and ``feeds.yml`` entries
that would write or read outside the archive, or reach private addresses, refused."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.errors import ContentError
from generator.models import FeedConfig
from generator.veille.archive_lock import LOCK_FILE, ArchiveBusyError, locked
from generator.veille.feed_state import load_state, state_path
from generator.veille.feeds_config import MAX_ID, parse_feeds
from generator.veille.ingest import ingest_feeds
from generator.veille.net_guard import literal_address, public_address, refused_host
from generator.veille.opml import public_subscriptions

from .conftest import ROOT
from .netserver import Entry, RawServer, drip, head, ok, rss, running

T1 = datetime(2024, 11, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def server() -> Iterator[RawServer]:
    with running() as srv:
        yield srv


def _cli(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _content(tmp_path: Path, server: RawServer, *feed_ids: str) -> Path:
    content = tmp_path / "content"
    content.mkdir()
    (content / "feeds.yml").write_text(
        "feeds:\n"
        + "".join(
            f"  - id: {feed_id}\n    title: {feed_id}\n    url: {server.url('/' + feed_id)}\n"
            "    allow_private: true\n"
            for feed_id in feed_ids
        ),
        encoding="utf-8",
    )
    return content


# --- the lock ------------------------------------------------------------------------


def test_a_second_ingestion_fails_at_once_naming_the_lock(tmp_path: Path) -> None:
    content = tmp_path / "content"
    with locked(content / "archive") as lock:
        assert lock == content / "archive" / LOCK_FILE
        with pytest.raises(ArchiveBusyError, match="une autre ingestion est en cours") as info:
            ingest_feeds(content, [], offline=False, now=T1)
        assert str(lock) in str(info.value)
    assert ingest_feeds(content, [], offline=False, now=T1) == []  # released


def test_two_real_ingestions_lose_no_state_entry(tmp_path: Path, server: RawServer) -> None:
    """Process A holds the lock while its feed drips in; B, started meanwhile, stops at
    once with the message; run again once A is done, B adds its entry to A's."""
    body = rss([Entry(1), Entry(2)])
    server.routes["/a"] = drip(head(Content_Length=len(body)), body, 1.5 / len(body))
    server.routes["/b"] = ok(body)
    content = _content(tmp_path, server, "a", "b")
    first = _cli("ingest", "--content", str(content), "--feed", "a")
    deadline = time.monotonic() + 30
    while "/a" not in server.targets():  # A holds the lock before it fetches
        assert time.monotonic() < deadline and first.poll() is None
        time.sleep(0.02)
    second = _cli("ingest", "--content", str(content), "--feed", "b")
    _, err = second.communicate(timeout=60)
    assert first.poll() is None  # B is done while A still runs
    assert second.returncode == 1
    assert "une autre ingestion est en cours" in err
    assert str(content.resolve() / "archive" / LOCK_FILE) in err
    assert first.communicate(timeout=60) and first.returncode == 0
    assert set(load_state(state_path(content))) == {"a"}
    again = _cli("ingest", "--content", str(content), "--feed", "b")
    again.communicate(timeout=60)
    assert again.returncode == 0
    states = load_state(state_path(content))
    assert set(states) == {"a", "b"} and all(s.last_error == "" for s in states.values())


def test_leftover_temporary_files_are_removed_under_the_lock(
    tmp_path: Path, server: RawServer
) -> None:
    server.routes["/f"] = ok(rss([Entry(1)]))
    content = tmp_path / "content"
    folder = content / "archive" / "f"
    folder.mkdir(parents=True)
    leftovers = [
        folder / ".2024-10-02-billet-1.md.k3j_9x0a.tmp",
        content / "archive" / ".state.json.abcd1234.tmp",
    ]
    kept = [folder / "notes.tmp", folder / ".cache"]  # not ours
    for path in leftovers + kept:
        path.write_text("x", encoding="utf-8")
    feed = FeedConfig(id="f", title="F", url=server.url("/f"), allow_private=True)
    with locked(content / "archive"):  # another run: nothing is removed under it
        with pytest.raises(ArchiveBusyError):
            ingest_feeds(content, [feed], offline=False, now=T1)
        assert all(path.exists() for path in leftovers)
    results = ingest_feeds(content, [feed], offline=False, now=T1)
    assert results[0].report is not None and results[0].report.new == 1
    assert not any(path.exists() for path in leftovers)
    assert all(path.exists() for path in kept)


# --- feeds.yml ----------------------------------------------------------------------


def _parse(tmp_path: Path, entry: str) -> tuple[FeedConfig, ...]:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    (content / "feeds").mkdir(exist_ok=True)
    (content / "feeds" / "ok.xml").write_bytes(rss([Entry(1)]))
    path = content / "feeds.yml"
    return parse_feeds(f"feeds:\n  - {entry}\n", path, content_root=content)


@pytest.mark.parametrize(
    ("entry", "key", "message"),
    [
        ("{id: " + "a" * (MAX_ID + 1) + ", url: 'https://e.org/f'}", "id", "trop long"),
        ("{id: 'a' , url: 'https://e.org/f', snapshot: /etc/passwd}", "snapshot", "absolu"),
        ("{id: a, url: 'https://e.org/f', snapshot: ../../etc/passwd}", "snapshot", "hors du"),
        ("{id: a, url: 'https://e.org/f', snapshot: feeds/../../x.xml}", "snapshot", "hors du"),
        ("{id: a, url: 'https://e.org/f', snapshot: feeds/absent.xml}", "snapshot", "introuvable"),
        ("{id: ../x, url: 'https://e.org/f'}", "id", "invalide"),
        ("{id: 'a/b', url: 'https://e.org/f'}", "id", "invalide"),
        ("{id: a, url: 'http://169.254.169.254/latest/'}", "url", "allow_private: true"),
        ("{id: a, url: 'http://127.0.0.1:8080/feed'}", "url", "pas une adresse publique"),
        ("{id: a, url: 'http://[::1]/feed'}", "url", "pas une adresse publique"),
        ("{id: a, url: 'http://2130706433/feed'}", "url", "pas une adresse publique"),
        ("{id: a, url: 'http://localhost:8000/feed'}", "url", "désigne cette machine"),
        ("{id: a, url: 'https://e.org/f', allow_private: 'oui'}", "allow_private", "true ou"),
    ],
)
def test_feeds_yml_refusals_name_file_and_key(
    tmp_path: Path, entry: str, key: str, message: str
) -> None:
    with pytest.raises(ContentError, match=message) as info:
        _parse(tmp_path, entry)
    assert info.value.path.name == "feeds.yml" and info.value.key == f"feeds[0].{key}"
    assert f"feeds.yml (clé « feeds[0].{key} »)" in str(info.value)


def test_a_snapshot_link_out_of_content_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.xml"
    outside.write_bytes(rss([Entry(1)]))
    (tmp_path / "content" / "feeds").mkdir(parents=True)
    (tmp_path / "content" / "feeds" / "lien.xml").symlink_to(outside)
    with pytest.raises(ContentError, match="hors du dossier du contenu"):
        _parse(tmp_path, "{id: a, url: 'https://e.org/f', snapshot: feeds/lien.xml}")


def test_opted_in_and_public_feeds_are_accepted(tmp_path: Path) -> None:
    (feed,) = _parse(tmp_path, "{id: a, url: 'http://10.1.2.3/rss', allow_private: true}")
    assert feed.allow_private is True
    (feed,) = _parse(tmp_path, "{id: " + "a" * MAX_ID + ", url: 'https://e.org/f'}")
    assert feed.allow_private is False
    (feed,) = _parse(tmp_path, "{id: a, url: 'https://e.org/f', snapshot: feeds/ok.xml}")
    assert feed.snapshot == (tmp_path / "content" / "feeds" / "ok.xml").resolve()


def test_a_long_id_on_the_command_line_is_a_clear_error(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "feeds.yml").write_text(
        f"feeds:\n  - id: {'a' * 300}\n    url: https://example.org/feed\n", encoding="utf-8"
    )
    run = _cli("ingest", "--content", str(content))
    _, err = run.communicate(timeout=60)
    assert run.returncode == 1 and "Traceback" not in err
    assert "feeds.yml (clé « feeds[0].id »)" in err and "trop long" in err


# --- opml-import ----------------------------------------------------------------------

OPML = b"""<?xml version="1.0"?>
<opml version="2.0"><head><title>x</title></head><body>
<outline text="Public" xmlUrl="https://example.org/feed"/>
<outline text="Metadata" xmlUrl="http://169.254.169.254/latest/meta-data/"/>
<outline text="Local" xmlUrl="http://127.0.0.1:8080/rss"/>
<outline text="Intranet" xmlUrl="http://[fd00::1]/rss"/>
<outline text="Localhost" xmlUrl="http://localhost/rss"/>
</body></opml>
"""


def test_opml_import_skips_private_addresses_with_a_message(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "feeds.yml").write_text("feeds: []\n", encoding="utf-8")
    opml = tmp_path / "export.opml"
    opml.write_bytes(OPML)
    run = _cli("opml-import", str(opml), "--content", str(content))
    out, err = run.communicate(timeout=60)
    assert run.returncode == 0, err
    feeds = parse_feeds(
        (content / "feeds.yml").read_text("utf-8"), content / "feeds.yml", content_root=content
    )
    assert [feed.url for feed in feeds] == ["https://example.org/feed"]
    for url in ("169.254.169.254", "127.0.0.1:8080", "[fd00::1]", "localhost"):
        assert f"{url}" in err
    assert err.count("ignorée") == 4 and "allow_private: true" in err
    assert "1 abonnements ajoutés, 4 déjà suivis ou ignorés" in out


def test_public_subscriptions_split() -> None:
    kept, refused = public_subscriptions(
        [{"url": "https://example.org/"}, {"url": "http://192.168.1.1/rss"}]
    )
    assert kept == [{"url": "https://example.org/"}]
    assert refused == [("http://192.168.1.1/rss", "« 192.168.1.1 » n'est pas une adresse publique")]


# --- which addresses are public -------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "192.168.0.1", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1",
        "255.255.255.255", "192.0.2.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1",
        "fec0::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
        "64:ff9b::7f00:1", "2002:7f00:1::1", "2002:a00:1::1", "2001:db8::1",
    ],
)  # fmt: skip
def test_non_public_addresses(address: str) -> None:
    assert not public_address(ip_address(address))


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "8.8.8.8", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses(address: str) -> None:
    assert public_address(ip_address(address))


@pytest.mark.parametrize(
    ("host", "address"),
    [("127.1", "127.0.0.1"), ("2130706433", "127.0.0.1"), ("0x7f.0.0.1", "127.0.0.1"),
     ("[::1]", "::1"), ("017700000001", "127.0.0.1"), ("example.org", None), ("dead", None)],
)  # fmt: skip
def test_literal_addresses_in_every_spelling(host: str, address: str | None) -> None:
    assert literal_address(host) == (ip_address(address) if address else None)


PRIVATE_V4 = [IPv4Network(n) for n in ("10.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16",
              "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "224.0.0.0/4")]  # fmt: skip
PRIVATE_V6 = [IPv6Network(n) for n in ("fc00::/7", "fe80::/10", "ff00::/8")]


@given(st.integers(0, 2**32 - 1))
def test_an_ipv4_mapped_address_is_judged_as_its_ipv4(value: int) -> None:
    v4 = IPv4Address(value)
    assert public_address(IPv6Address(f"::ffff:{v4}")) == public_address(v4)


@given(st.sampled_from(PRIVATE_V4 + PRIVATE_V6), st.integers(0, 2**128 - 1))
def test_every_address_of_a_private_range_is_refused(
    network: IPv4Network | IPv6Network, offset: int
) -> None:
    address = network[offset % network.num_addresses]
    assert not public_address(address)
    host = f"[{address}]" if address.version == 6 else str(address)
    assert refused_host(f"http://{host}:8080/rss") != ""
