"""File output on the ground floor: one atomic writer and one formula-safe CSV writer.

Every file repayplan writes (case files, annexes, statements, meeting minutes, the
command's output files) goes through :func:`write_atomic`:

1. the bytes are written to a temporary file *in the target's folder* (so the rename
   below cannot cross file systems), flushed and ``fsync``-ed; on Linux it is an
   anonymous file (``O_TMPFILE``) that gets a name only once it is complete;
2. the temporary file gets the mode of the file it replaces (a 0600 file stays 0600),
   or the default ``0666 & ~umask`` for a new file;
3. :func:`os.replace` renames it over the target in one step.

A reader sees the old file or the complete new one, never a part.  On any error the
temporary file is removed and the target is left as it was.  A process killed outright
(SIGKILL) while writing leaves the old file intact and, on Linux, nothing else (the
kernel frees a file that never got a name); elsewhere, or if killed in the microseconds
between naming and renaming, a hidden ``.NAME.*.tmp`` is left, which the next write to
the same target removes (a writer holds a lock on its temporary file while writing, so a
second writer of the same target never removes the first one's file as a leftover).
An :class:`OSError` becomes :class:`~repayplan.errors.FileError` naming the path and
what went wrong in words (missing folder, no permission, read-only disk, disk full).

CSV is written by :func:`csv_text`: every text cell that a spreadsheet would read as a
formula (first character ``=``, ``+``, ``-``, ``@``, tab, CR, LF or NUL, also after
spaces or as a full-width sign) gets a leading apostrophe (OWASP "CSV Injection"), and
every line ends with CRLF (RFC 4180), so a carriage return inside a cell can never pass
for the end of a row.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import io
import os
from pathlib import Path

from .errors import FileError, InputError

__all__ = [
    "FORMULA_TRIGGERS",
    "MAX_CSV_BYTES",
    "MAX_CSV_COLUMNS",
    "read_bounded",
    "check_path",
    "write_atomic",
    "neutralise",
    "csv_text",
    "write_csv",
]

#: First characters that make a spreadsheet read a cell as a formula (or hide one).
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\0＝＋－＠")

_REASONS: dict[int | None, str] = {
    errno.ENOENT: "the folder does not exist",
    errno.ENOTDIR: "a part of the path is not a folder",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EROFS: "the disk is read-only",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EISDIR: "it is a folder",
    errno.ENAMETOOLONG: "the file name is too long",
    errno.EFBIG: "the file is too large for the disk",
}


def _reason(exc: OSError, action: str = "write") -> str:
    if action == "read":
        words = (
            "no such file" if exc.errno == errno.ENOENT else _REASONS.get(exc.errno, exc.strerror)
        )
        return f"{words or 'cannot be read'} ({type(exc).__name__})"
    return _REASONS.get(exc.errno, exc.strerror or type(exc).__name__)


def check_path(path) -> Path:
    """``path`` as a :class:`~pathlib.Path`: str or os.PathLike, non-empty, without NUL.

    >>> check_path("")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: path == '', must be a file path (non-empty, without NUL)
    """
    if isinstance(path, bytes) or not isinstance(path, (str, os.PathLike)):
        raise InputError("path", path, "a file path (str or os.PathLike)")
    text = os.fspath(path)
    if not isinstance(text, str) or not text.strip() or "\x00" in text:
        raise InputError("path", path, "a file path (non-empty, without NUL)")
    return Path(text)


def write_atomic(path, data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` atomically: the old file or the whole new one, never a part.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write; its folder must exist.
    data : str or bytes
        Text (encoded with ``encoding``, newlines written as given) or bytes.
    encoding : str
        For text; ``"utf-8-sig"`` adds the byte-order mark Excel needs to read Chinese.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    repayplan.errors.FileError
        The file cannot be written; the message names the path and the reason.
    repayplan.errors.InputError
        ``path`` is not a path, or ``data`` cannot be encoded (e.g. a lone surrogate).

    Examples
    --------
    An existing 0600 file keeps its mode, and no temporary file is left behind:

    >>> import os, stat, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> p = folder / "case.toml"
    >>> _ = p.write_text("old")
    >>> p.chmod(0o600)
    >>> _ = write_atomic(p, "new")
    >>> p.read_text(), oct(stat.S_IMODE(p.stat().st_mode)), sorted(os.listdir(folder))
    ('new', '0o600', ['case.toml'])
    >>> try:
    ...     write_atomic(folder / "no such folder" / "x.toml", "text")
    ... except FileError as e:
    ...     print(e.reason)
    the folder does not exist
    """
    target = check_path(path)
    if isinstance(data, str):
        try:
            data = data.encode(encoding)
        except UnicodeEncodeError as e:
            raise InputError(
                "data",
                data[max(0, e.start - 10) : e.end + 10],
                f"text that can be written as {encoding}",
            ) from None
        except LookupError:
            raise InputError("encoding", encoding, "a text encoding known to Python") from None
    elif not isinstance(data, (bytes, bytearray, memoryview)):
        raise InputError("data", type(data).__name__, "text or bytes")
    folder = target.parent
    if target.is_dir():
        raise FileError(target, "it is a folder")
    _remove_stale(target)
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    except OSError as exc:
        raise FileError(target, _reason(exc)) from None
    tmp = None
    held = None  # a second descriptor keeping the temporary file locked until it is renamed
    try:
        fd = _anonymous_file(folder)
        if fd is not None:
            held = _hold(fd)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fchmod(fh.fileno(), mode)
                os.fsync(fh.fileno())
                tmp = _link_anonymous(fh.fileno(), target)  # a name only once it is complete
        if tmp is None:  # no anonymous files here: a named temporary file from the start
            import tempfile

            _release(held)
            held = None
            for attempt in range(5):
                fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
                held = _hold(fd)
                if held is None or os.fstat(fd).st_nlink or attempt == 4:
                    break
                # another writer's sweep removed it before it was locked: start again
                _release(held)
                os.close(fd)
                held = None
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fchmod(fh.fileno(), mode)
                os.fsync(fh.fileno())
        assert tmp is not None  # named by _link_anonymous or mkstemp
        os.replace(tmp, target)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise FileError(target, _reason(exc)) from None
        raise
    finally:
        _release(held)
    with contextlib.suppress(OSError):  # the rename itself on disk (best effort)
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    return target


def _anonymous_file(folder: Path):
    """A file descriptor of a new file without a name in ``folder`` (Linux ``O_TMPFILE``), or
    None where the system or the file system has none.  A process killed while writing it
    leaves nothing behind: the kernel frees a file that never got a name."""
    flag = getattr(os, "O_TMPFILE", 0)
    if not flag or not _ANONYMOUS["ok"]:
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, 0o600)
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            return None
        raise


_ANONYMOUS = {"ok": True}  # set to False once naming an anonymous file has failed here


def _link_anonymous(fd: int, target: Path) -> str | None:
    """Give the anonymous file ``fd`` a temporary name beside ``target`` and return it, or
    None (and stop trying) where the system does not allow it."""
    import secrets

    tmp = str(target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp"))
    try:
        os.link(f"/proc/self/fd/{fd}", tmp, follow_symlinks=True)
        return tmp
    except OSError:
        pass
    try:  # linkat(fd, "", AT_FDCWD, tmp, AT_EMPTY_PATH): where /proc cannot be linked through
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.linkat(fd, b"", -100, os.fsencode(tmp), 0x1000) == 0:
            return tmp
    except (OSError, AttributeError):
        pass
    _ANONYMOUS["ok"] = False
    return None


def _hold(fd: int) -> int | None:
    """Lock the temporary file ``fd`` while it is written and renamed (``flock``, where the
    system has it), so that another writer of the same target does not take it for a killed
    writer's leftover.  Returns a duplicate descriptor that keeps the lock after ``fd`` is
    closed (give it to :func:`_release` once the file is renamed), or None.  The kernel drops
    the lock when the process dies.  A named file can be swept away between its creation and
    this lock; the caller then sees no link left (``st_nlink == 0``) and makes another."""
    try:
        import fcntl
    except ImportError:  # no flock here (Windows): leftovers are judged by name only
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits only while a sweep looks at it
        return os.dup(fd)
    except OSError:
        return None


def _release(held: int | None) -> None:
    if held is not None:
        with contextlib.suppress(OSError):
            os.close(held)


def _remove_stale(target: Path) -> None:
    """Remove temporary files a killed writer left beside ``target`` (``.NAME.*.tmp``);
    a temporary file another writer of the same target holds (locked) is left alone.

    Each file is unlinked *while this sweep holds its lock*: a writer that created it an
    instant ago and waits in :func:`_hold` gets the lock only once the file has no name left
    (``st_nlink == 0``) and makes another.  Checking, releasing and then unlinking let such a
    writer lock the file in between and then lose it to the unlink (seen once in a CI run of
    ``test_two_writers_of_one_target_both_succeed_on_the_named_path``)."""
    with contextlib.suppress(OSError):
        for p in target.parent.glob(f".{_glob_escape(target.name)}.*.tmp"):
            _remove_if_free(p)


def _remove_if_free(path: Path) -> None:
    """Unlink ``path`` unless a live writer holds it (see :func:`_hold`), under its lock."""
    try:
        import fcntl
    except ImportError:  # no flock here (Windows): leftovers are judged by name only
        with contextlib.suppress(OSError):
            path.unlink()
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        path.unlink()  # still locked: a writer waiting for it sees it unnamed
    except OSError:  # held by a live writer (BlockingIOError), or already gone
        pass
    finally:
        os.close(fd)


def _glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


#: The largest CSV file read (bytes), checked before parsing: 5 MB is some 50,000 months
#: of a dozen columns, far beyond any cash flow.
MAX_CSV_BYTES = 5_000_000
#: The most columns of a CSV file read, checked on the first line before parsing.
MAX_CSV_COLUMNS = 2_000


def read_bounded(
    source,
    *,
    name: str,
    max_bytes: int = MAX_CSV_BYTES,
    max_columns: int = MAX_CSV_COLUMNS,
    sep: bytes = b",",
    encoding: str = "utf-8",
) -> bytes:
    """The bytes of a CSV file (a path or a binary file object), refused *before parsing*
    when larger than ``max_bytes`` or wider than ``max_columns``.

    A 200,000-column upload would otherwise take the parser most of a minute before it is
    refused.  Errors name the file (``name``), never ``<stream>``.

    Examples
    --------
    >>> import io
    >>> read_bounded(io.BytesIO(b"month,cash\\n2026-07,1\\n"), name="acme.csv")
    b'month,cash\\n2026-07,1\\n'
    >>> read_bounded(io.BytesIO(b"," * 5000 + b"\\n"), name="acme.csv")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: acme.csv == '5,001 columns', must be a CSV file of at most 2,000 columns
    """
    if isinstance(source, (str, os.PathLike)):
        path = check_path(source)
        try:
            size = os.path.getsize(path)
            if size > max_bytes:
                raise InputError(
                    name, f"{size:,} bytes", f"a CSV file of at most {max_bytes:,} bytes"
                )
            with open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except OSError as exc:
            raise FileError(path, _reason(exc, "read"), action="read") from None
    elif hasattr(source, "read"):
        try:
            data = source.read(max_bytes + 1)
        except (OSError, ValueError) as exc:
            raise InputError(name, type(source).__name__, "a readable file", str(exc)) from None
        if isinstance(data, str):  # a text stream: back to bytes in the encoding it will be read in
            try:
                data = data.encode(encoding)
            except (UnicodeError, LookupError) as exc:
                raise InputError(
                    name, type(source).__name__, f"text that can be read as {encoding}", str(exc)
                ) from None
        if not isinstance(data, (bytes, bytearray)):
            raise InputError(name, type(source).__name__, "a binary file object (bytes)")
    else:
        raise InputError("path", source, "a file path or a binary file object")
    if len(data) > max_bytes:
        raise InputError(
            name, f"more than {max_bytes:,} bytes", f"a CSV file of at most {max_bytes:,} bytes"
        )
    first = data.split(b"\n", 1)[0]
    columns = first.count(sep) + 1
    if columns > max_columns:
        raise InputError(
            name, f"{columns:,} columns", f"a CSV file of at most {max_columns:,} columns"
        )
    return bytes(data)


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would read it as a formula.

    The trigger may follow leading spaces; ``neutralise(t)[1:] == t`` whenever a quote was
    added, so the original is always recoverable.

    Examples
    --------
    >>> neutralise("=1+1"), neutralise("\\r=1+1"), neutralise("  @SUM(A1)"), neutralise("Acme")
    ("'=1+1", "'\\r=1+1", "'  @SUM(A1)", 'Acme')
    """
    stripped = text.lstrip(" ")
    if text and (text[0] in FORMULA_TRIGGERS or (stripped and stripped[0] in FORMULA_TRIGGERS)):
        return "'" + text
    return text


def csv_text(rows) -> str:
    """Rows as CSV text, text cells neutralised against formulas, every line ending in CRLF.

    Parameters
    ----------
    rows : iterable of sequences
        Cells are written with ``str``; ``None`` is an empty cell.

    Examples
    --------
    >>> csv_text([["name", "amount"], ["\\r=cmd|' /C calc'!A0", 100]])
    'name,amount\\r\\n"\\'\\r=cmd|\\' /C calc\\'!A0",100\\r\\n'
    """
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    for row in rows:
        w.writerow(["" if v is None else neutralise(v) if isinstance(v, str) else v for v in row])
    return buf.getvalue()


def write_csv(path, rows, *, bom: bool = True) -> Path:
    """Write rows as formula-safe CSV (:func:`csv_text`) with :func:`write_atomic`.

    ``bom=True`` starts the file with the UTF-8 byte-order mark, which Excel needs to
    read Chinese text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = write_csv(pathlib.Path(tempfile.mkdtemp()) / "t.csv", [["a"], ["=1"]])
    >>> p.read_bytes()
    b"\\xef\\xbb\\xbfa\\r\\n'=1\\r\\n"
    """
    return write_atomic(path, csv_text(rows), encoding="utf-8-sig" if bom else "utf-8")
