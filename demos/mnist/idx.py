"""The IDX format of the MNIST files: a small header, then a big-endian array.

Layout (LeCun's description): two zero bytes, a type code (``0x08`` for unsigned bytes,
the MNIST case), the number of dimensions, one big-endian ``uint32`` per dimension, then
the values. A file may be gzipped (``.gz``): it is recognized by its first two bytes,
whatever its name.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import numpy as np

#: IDX type codes and the NumPy types they stand for (big-endian).
TYPE_CODES: dict[int, str] = {
    0x08: "u1",
    0x09: "i1",
    0x0B: ">i2",
    0x0C: ">i4",
    0x0D: ">f4",
    0x0E: ">f8",
}

#: The largest decompressed file accepted (the MNIST training images are 47 MB).
MAX_BYTES = 256 * 1024 * 1024

_GZIP_MAGIC = b"\x1f\x8b"


class IdxError(ValueError):
    """A file that is not a well-formed IDX file (the message names it)."""


def is_gzip(data: bytes) -> bool:
    """Whether ``data`` starts like a gzip stream."""
    return data[:2] == _GZIP_MAGIC


def gunzip(data: bytes, *, name: str, max_bytes: int = MAX_BYTES) -> bytes:
    """Decompress a gzip stream, refusing more than ``max_bytes`` of output.

    Args:
        data: The compressed bytes.
        name: The file's name, for the error messages.
        max_bytes: The largest output accepted (a bound against decompression bombs).

    Returns:
        The decompressed bytes.

    Raises:
        IdxError: The stream is corrupt, truncated or too large.
    """
    # wbits 16 + MAX_WBITS: a gzip header and trailer, checked by zlib (CRC and length).
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_bytes + 1)
    except zlib.error as err:
        raise IdxError(f"{name} : fichier gzip corrompu ({err})") from err
    if len(out) > max_bytes:
        raise IdxError(f"{name} : plus de {max_bytes} octets une fois décompressé")
    if not inflater.eof:
        raise IdxError(f"{name} : fichier gzip tronqué")
    return out


def parse_idx(data: bytes, *, name: str) -> np.ndarray:
    """The array stored in the bytes of an IDX file (raw, not gzipped).

    Args:
        data: The file's bytes.
        name: The file's name, for the error messages.

    Returns:
        A read-only array of the file's shape and type (native byte order).

    Raises:
        IdxError: Bad magic number, unknown type code, or a size that does not match
            the dimensions the header announces (truncated file or trailing bytes).
    """
    if len(data) < 4:
        raise IdxError(f"{name} : fichier IDX trop court ({len(data)} octets)")
    if data[0] != 0 or data[1] != 0:
        raise IdxError(
            f"{name} : ce n'est pas un fichier IDX (nombre magique {data[:4].hex()}, "
            "attendu 0000 suivi du type et du nombre de dimensions)"
        )
    code, ndim = data[2], data[3]
    if code not in TYPE_CODES:
        raise IdxError(f"{name} : type IDX inconnu 0x{code:02x}")
    if ndim == 0:
        raise IdxError(f"{name} : fichier IDX sans dimension")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise IdxError(f"{name} : en-tête IDX tronqué ({len(data)} octets)")
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(TYPE_CODES[code])
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        what = "tronqué" if len(data) < expected else "trop long"
        raise IdxError(
            f"{name} : fichier IDX {what} ({len(data)} octets, attendu {expected} "
            f"pour la forme {'×'.join(str(d) for d in shape)})"
        )
    array = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return array.astype(dtype.newbyteorder("="), copy=False)


def encode_idx(array: np.ndarray) -> bytes:
    """The bytes of an IDX file holding ``array`` (the inverse of :func:`parse_idx`).

    Raises:
        ValueError: The array's type has no IDX code.
    """
    for code, type_name in TYPE_CODES.items():
        dtype = np.dtype(type_name)
        if dtype.kind == array.dtype.kind and dtype.itemsize == array.dtype.itemsize:
            dims = np.asarray(array.shape, dtype=">u4").tobytes()
            body = np.ascontiguousarray(array, dtype=dtype).tobytes()
            return bytes([0, 0, code, array.ndim]) + dims + body
    raise ValueError(f"type {array.dtype} sans équivalent IDX")


def file_content(path: Path) -> bytes:
    """The IDX bytes of ``path``, decompressed when the file is gzipped.

    Raises:
        IdxError: A corrupt gzip stream.
        OSError: The file cannot be read.
    """
    data = path.read_bytes()
    return gunzip(data, name=str(path)) if is_gzip(data) else data
