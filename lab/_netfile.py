"""The file `Network.save` writes and `Network.load` reads, read strictly.

The file is an uncompressed .npz (a zip of .npy arrays, as `numpy.savez` writes it) with exactly
five members:

    format.npy      the string "lab.Network/2"                      shape (),  unicode
    sizes.npy       the layer widths, inputs first                  shape (L,), integer
    activation.npy  the hidden layers' activation                   shape (),  unicode
    loss.npy        the loss, "mse" or "bce"                        shape (),  unicode
    theta.npy       every layer's [W; b] block, flattened in order  shape (P,), float64

`read` takes nothing on trust: before it allocates anything from a number in the file it
checks that number (the zip's directory, each member's declared size and compression, each
array's header: version, dtype, shape), the sizes against `lab._checks.MAX_PARAMETERS`, and
the weights' shape against the sizes. It never unpickles (object arrays are refused from their
header) and never calls `numpy.load`. Whatever is wrong gets a `BadFile` (a ValueError) saying
what, which `Network.load` reports with the path.
"""

from __future__ import annotations

import io
import os
import stat
import struct
import tokenize
import warnings
import zipfile
import zlib

import numpy as np
from numpy.lib import format as npy

from ._checks import MAX_PARAMETERS

FORMAT = "lab.Network/2"
MEMBERS = ("format", "sizes", "activation", "loss", "theta")
_MAX_STRING = 64  # characters of the format and activation strings
_MAX_LAYERS = MAX_PARAMETERS // 2 + 1  # every layer has at least 2 parameters
_HEADER = 4096  # bytes of one member's magic string and .npy header, at most
#: bytes one member may declare, uncompressed, before anything is read from it
_MAX_MEMBER = {
    "format": _HEADER + 4 * _MAX_STRING,
    "activation": _HEADER + 4 * _MAX_STRING,
    "loss": _HEADER + 4 * _MAX_STRING,
    "sizes": _HEADER + 8 * _MAX_LAYERS,
    "theta": _HEADER + 8 * MAX_PARAMETERS,
}
MAX_FILE_BYTES = sum(_MAX_MEMBER.values()) + 64 * 1024  # plus the zip's headers and directory
_EOCD = struct.Struct("<4s4H2LH")  # the zip's end-of-central-directory record, 22 bytes


class BadFile(ValueError):
    """The file is not one `Network.save` wrote; the message says what is wrong."""


def write(path: str, sizes: tuple[int, ...], activation: str, loss: str, theta: np.ndarray) -> None:
    """Write the file in memory first, then in one go: a failure leaves no half-written file."""
    buffer = io.BytesIO()
    np.savez(
        buffer,
        format=np.array(FORMAT),
        sizes=np.array(sizes, dtype=np.int64),
        activation=np.array(activation),
        loss=np.array(loss),
        theta=np.asarray(theta, dtype=np.float64),
    )
    with open(path, "wb") as fh:
        fh.write(buffer.getvalue())


def load(path: str, count_parameters) -> tuple[tuple[int, ...], str, str, np.ndarray]:
    """(sizes, activation, loss, theta) read from the file at `path`, checked; BadFile if anything is off.

    `count_parameters(sizes, activation)` validates the sizes and the activation (a ValueError or
    TypeError when they are bad) and returns how many parameters they give: the weights are read
    only after it, and only if their header gives exactly that many.
    """
    st = os.stat(path)  # FileNotFoundError for a missing file is the caller's to report
    if stat.S_ISDIR(st.st_mode):
        raise BadFile("it is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise BadFile("it is not a regular file")
    # O_NONBLOCK: should the path become a FIFO after the check above, opening it must not hang
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            raise BadFile("it is empty")
        if size > MAX_FILE_BYTES:
            raise BadFile(f"it holds {size} bytes, more than any network of at most {MAX_PARAMETERS} weights")
        try:
            return _read_zip(fh, size, count_parameters)
        except BadFile:
            raise
        except (
            OSError,
            EOFError,
            ValueError,
            KeyError,
            TypeError,
            IndexError,
            OverflowError,
            NotImplementedError,
            RuntimeError,  # RecursionError too: a header nested too deep
            SyntaxError,  # numpy's repair of a Python 2 header, when even that fails to parse
            tokenize.TokenError,
            struct.error,
            zlib.error,
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
        ) as exc:
            raise BadFile(f"{type(exc).__name__}: {exc}") from None


def _read_zip(fh, size: int, count_parameters):
    # The zip must end in a plain end-of-central-directory record saying 4 members, no comment,
    # and a small directory just before it: checked before zipfile reads the directory, so that a
    # file claiming millions of members costs nothing.
    if size < _EOCD.size:
        raise BadFile(f"it holds only {size} bytes: not a zip archive")
    fh.seek(size - _EOCD.size)
    sig, disk, cd_disk, n_disk, n_total, cd_size, cd_offset, comment = _EOCD.unpack(fh.read(_EOCD.size))
    if sig != b"PK\x05\x06":
        raise BadFile("it is not a zip archive (.npz) ending in a plain end-of-directory record")
    if (disk, cd_disk, comment) != (0, 0, 0) or n_disk != n_total or cd_offset + cd_size != size - _EOCD.size:
        raise BadFile("its zip directory is not that of a single-disk archive without comment")
    if n_total != len(MEMBERS) or cd_size > 4096:
        raise BadFile(f"its zip directory lists {n_total} members ({cd_size} bytes), expected {len(MEMBERS)}")
    fh.seek(0)
    with zipfile.ZipFile(fh) as zf:
        infos = zf.infolist()
        names = [info.filename for info in infos]
        expected = [f"{m}.npy" for m in MEMBERS]
        if sorted(names) != sorted(expected):
            raise BadFile(f"its members are {sorted(names)}, expected exactly {sorted(expected)}")
        by_name = {info.filename[:-4]: info for info in infos}
        for member, info in by_name.items():
            if info.flag_bits & 0x1:
                raise BadFile(f"member {info.filename} is encrypted")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise BadFile(
                    f"member {info.filename} uses compression method {info.compress_type}: "
                    "expected stored (0) or deflated (8)"
                )
            limit = _MAX_MEMBER[member]
            if info.file_size > limit or info.compress_size > limit + 1024:
                raise BadFile(f"member {info.filename} declares {info.file_size} bytes, more than {limit}")

        fmt = _read_string(zf, by_name["format"])
        if fmt != FORMAT:
            raise BadFile(f"its format is {fmt!r}, expected {FORMAT!r}")
        sizes = _read_array(zf, by_name["sizes"], kinds="iu", ndim=1, max_len=_MAX_LAYERS)
        sizes = tuple(int(s) for s in sizes)
        activation = _read_string(zf, by_name["activation"])
        loss = _read_string(zf, by_name["loss"])
        try:
            count = count_parameters(sizes, activation, loss)
        except (TypeError, ValueError) as exc:
            raise BadFile(str(exc)) from None
        theta = _read_array(zf, by_name["theta"], kinds="f", ndim=1, itemsize=8, length=count)
    if not np.isfinite(theta).all():
        raise BadFile("its weights hold NaN or inf")
    return sizes, activation, loss, theta


def _read_string(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    arr = _read_array(zf, info, kinds="U", ndim=0, max_itemsize=4 * _MAX_STRING)
    return str(arr[()])


def _read_array(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    *,
    kinds: str,
    ndim: int,
    itemsize: int | None = None,
    max_itemsize: int = 8,
    length: int | None = None,
    max_len: int | None = None,
) -> np.ndarray:
    """One .npy member, its header checked (dtype kind and size, shape) before its data is read."""
    where = f"member {info.filename}"
    with zf.open(info) as member:
        try:
            version = npy.read_magic(member)
        except ValueError as exc:
            raise BadFile(f"{where} is not a .npy array ({exc})") from None
        if version not in ((1, 0), (2, 0)):
            raise BadFile(f"{where} is a .npy file of version {version}, expected 1.0 or 2.0")
        read_header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # numpy warns for (and then repairs) a Python 2 header
            try:
                shape, _, dtype = read_header(member, max_header_size=_HEADER)
            except (Warning, ValueError, SyntaxError, tokenize.TokenError, RuntimeError) as exc:
                # RuntimeError: RecursionError, for a header nested too deep
                raise BadFile(f"{where} has a malformed .npy header ({type(exc).__name__}: {exc})") from None
        if dtype.hasobject or dtype.kind not in kinds or dtype.fields is not None or dtype.subdtype:
            raise BadFile(f"{where} holds dtype {dtype}, expected {_kind_names(kinds)}")
        if (itemsize is not None and dtype.itemsize != itemsize) or dtype.itemsize > max(
            max_itemsize, itemsize or 0
        ):
            raise BadFile(f"{where} holds dtype {dtype}, expected {_kind_names(kinds, itemsize)}")
        if len(shape) != ndim or any(d < 0 for d in shape):
            raise BadFile(f"{where} has shape {shape}, expected {ndim} dimension(s)")
        if ndim == 1:
            n = shape[0]
            if length is not None and n != length:
                raise BadFile(f"{where} has shape {shape}, expected ({length},) for these sizes")
            if max_len is not None and not 2 <= n <= max_len:
                raise BadFile(f"{where} has shape {shape}, expected 2 to {max_len} entries")
        count = shape[0] if ndim == 1 else 1
        nbytes = count * dtype.itemsize
        data = member.read(nbytes + 1)  # one more: there must be nothing after the data
    if len(data) != nbytes:
        raise BadFile(f"{where} holds {len(data)} bytes of data, its header says {nbytes}")
    arr = np.frombuffer(data, dtype=dtype, count=count).reshape(shape)
    return arr.astype(dtype.newbyteorder("="))


def _kind_names(kinds: str, itemsize: int | None = None) -> str:
    names = {"i": "integers", "u": "integers", "f": "floats", "U": "a unicode string"}
    text = " or ".join(dict.fromkeys(names[k] for k in kinds))
    return f"{text} of {itemsize} bytes" if itemsize else text
