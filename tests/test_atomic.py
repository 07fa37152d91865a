"""The one atomic writer on the ground floor (``repayplan._io.write_atomic``) and its users.

Guarantees checked here, on both of its paths (the Linux anonymous file that is named only
once complete, and the named temporary file used where there are no anonymous files):

* the bytes are ``fsync``-ed before the rename and the folder after it;
* an existing file keeps its mode, a new one gets ``0666 & ~umask``;
* no temporary file is left behind when writing fails: an ``OSError`` (disk full), a
  ``KeyboardInterrupt`` or any other exception in the middle of the write or the rename,
  and the old file is left as it was;
* an ``OSError`` becomes the library's :class:`~repayplan.errors.FileError` naming the path
  and the reason in words, with the foreign exception not chained;
* every writer of the package goes through it: the register's table writer (csv and xlsx),
  the statement, the case file, and no module but ``_io`` opens a file for writing,
  renames or fsyncs by itself (checked on the source).

The oracle is the file system itself: the bytes read back, ``os.stat`` and the folder
listing.
"""

from __future__ import annotations

import ast
import datetime as dt
import errno
import os
import stat
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import repayplan as rp
from repayplan import _io
from repayplan.errors import FileError, InputError
from repayplan.register.cli import write_table

ROOT = Path(rp.__file__).resolve().parent


@pytest.fixture(params=["anonymous", "named"])
def path_kind(request, monkeypatch):
    """Run a test on both paths of the writer."""
    if request.param == "named":
        monkeypatch.setattr(_io, "_anonymous_file", lambda folder: None)
    elif not getattr(os, "O_TMPFILE", 0) or not _io._ANONYMOUS["ok"]:
        pytest.skip("no anonymous files on this system")
    return request.param


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def _kind(fd: int) -> str:
    mode = os.fstat(fd).st_mode
    return "dir" if stat.S_ISDIR(mode) else "file" if stat.S_ISREG(mode) else "other"


# ------------------------------------------------------------------------------------------
# fsync of the file and the folder, in that order around the rename
# ------------------------------------------------------------------------------------------
def test_the_file_is_fsynced_before_the_rename_and_the_folder_after(
    path_kind, tmp_path, monkeypatch
):
    target = tmp_path / "case.toml"
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        events.append(f"fsync {_kind(fd)}")
        real_fsync(fd)

    def replace(src, dst):
        events.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(_io.os, "fsync", fsync)
    monkeypatch.setattr(_io.os, "replace", replace)
    _io.write_atomic(target, "text")
    assert events == ["fsync file", "replace", "fsync dir"]
    assert target.read_text() == "text" and _listing(tmp_path) == ["case.toml"]


# ------------------------------------------------------------------------------------------
# the mode
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", [0o600, 0o640, 0o444, 0o755])
def test_an_existing_file_keeps_its_mode(path_kind, mode, tmp_path):
    target = tmp_path / "annex.md"
    target.write_bytes(b"old")
    os.chmod(target, mode)
    _io.write_atomic(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == mode
    assert target.read_bytes() == b"new" and _listing(tmp_path) == ["annex.md"]


def test_a_new_file_gets_the_default_mode_under_the_umask(path_kind, tmp_path):
    old = os.umask(0o027)
    try:
        _io.write_atomic(tmp_path / "new.csv", "a")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o666 & ~0o027 == 0o640


# ------------------------------------------------------------------------------------------
# nothing left behind on failure, the old file kept
# ------------------------------------------------------------------------------------------
class _Boom(Exception):
    pass


FAILURES = {
    # where the failure strikes: (function of _io.os to replace, exception raised)
    "disk full at fsync": ("fsync", OSError(errno.ENOSPC, "No space left on device")),
    "Ctrl-C at fsync": ("fsync", KeyboardInterrupt()),
    "a bug at fsync": ("fsync", _Boom("unexpected")),
    "read-only at rename": ("replace", OSError(errno.EROFS, "Read-only file system")),
    "Ctrl-C at rename": ("replace", KeyboardInterrupt()),
    "a bug at chmod": ("fchmod", _Boom("unexpected")),
}


@pytest.mark.parametrize("where", FAILURES)
def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    path_kind, where, tmp_path, monkeypatch
):
    target = tmp_path / "case.toml"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    name, exc = FAILURES[where]

    def fail(*args, **kwargs):
        raise exc

    monkeypatch.setattr(_io.os, name, fail)
    expected = FileError if isinstance(exc, OSError) else type(exc)
    with pytest.raises(expected):
        _io.write_atomic(target, b"new" * 1000)
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _listing(tmp_path) == ["case.toml"]


def test_a_write_that_fails_half_way_is_the_librarys_error_and_leaves_nothing(
    path_kind, tmp_path, monkeypatch
):
    target = tmp_path / "minutes.md"
    target.write_bytes(b"old")
    real_fdopen = os.fdopen

    class HalfFull:
        """A file that takes 10 bytes and then reports a full disk."""

        def __init__(self, fd, mode):
            self._fh = real_fdopen(fd, mode)

        def write(self, data):
            self._fh.write(bytes(data[:10]))
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self._fh, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self._fh.close()

    monkeypatch.setattr(_io.os, "fdopen", HalfFull)
    with pytest.raises(FileError) as e:
        _io.write_atomic(target, "x" * 10_000)
    monkeypatch.undo()
    assert e.value.reason == "the disk is full" and e.value.path == str(target)
    assert target.read_bytes() == b"old" and _listing(tmp_path) == ["minutes.md"]


# ------------------------------------------------------------------------------------------
# the error: the library's own, naming the path, the OSError not chained
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "the disk is read-only"),
        (errno.EACCES, "permission denied"),
        (errno.EDQUOT, "the disk quota is exhausted"),
        (errno.EFBIG, "the file is too large for the disk"),
    ],
)
def test_an_os_error_becomes_a_file_error_naming_the_path_in_words(
    path_kind, code, words, tmp_path, monkeypatch
):
    target = tmp_path / "statement.csv"

    def fail(fd):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(_io.os, "fsync", fail)
    with pytest.raises(FileError) as e:
        _io.write_atomic(target, "a,b\r\n")
    err = e.value
    assert isinstance(err, InputError) and isinstance(err, OSError)
    assert err.field == "path" and err.path == str(target) and err.reason == words
    assert str(err) == f"path == {str(target)!r}, must be a file that can be written ({words})"
    assert err.__cause__ is None and err.__suppress_context__  # no foreign traceback chained
    monkeypatch.undo()
    assert _listing(tmp_path) == []


def test_a_missing_folder_is_named(tmp_path):
    target = tmp_path / "nowhere" / "x.toml"
    with pytest.raises(FileError) as e:
        _io.write_atomic(target, "x")
    assert e.value.reason == "the folder does not exist" and e.value.path == str(target)


@pytest.mark.parametrize("bad", [None, 3, b"bytes/path", ""])
def test_a_path_that_is_not_a_path_is_an_input_error(bad):
    with pytest.raises(InputError) as e:
        _io.write_atomic(bad, "x")
    assert e.value.field == "path"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.one_of(st.binary(max_size=5000), st.text(max_size=2000)))
def test_any_bytes_or_text_read_back_exactly(tmp_path, data):
    target = tmp_path / "blob"
    _io.write_atomic(target, data)
    expected = data.encode("utf-8") if isinstance(data, str) else data
    assert target.read_bytes() == expected
    assert _listing(tmp_path) == ["blob"]


# ------------------------------------------------------------------------------------------
# the writers of the package use it
# ------------------------------------------------------------------------------------------
FRAME = pd.DataFrame(
    {
        "borrower": ["=cmd|' /C calc'!A0", "Acme"],
        "paid": [Decimal("606.00"), Decimal("-5.00")],
        "due": [dt.date(2027, 1, 1), dt.date(2027, 2, 1)],
    }
)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_register_table_keeps_the_mode_and_leaves_no_temporary_file(suffix, tmp_path):
    target = tmp_path / f"register{suffix}"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    assert write_table(FRAME, str(target)) == str(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert _listing(tmp_path) == [target.name]
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        ws = load_workbook(target).active
        assert [c.value for c in ws[1]] == ["borrower", "paid", "due"]
        first = ws.cell(row=2, column=1)
        assert first.value == "=cmd|' /C calc'!A0" and first.data_type == "s"
        assert first.quotePrefix  # shown as text, never evaluated
        assert Decimal(str(ws.cell(row=3, column=2).value)) == Decimal("-5.00")
    else:
        lines = target.read_text(encoding="utf-8").splitlines()
        assert lines == [
            "borrower,paid,due",
            "'=cmd|' /C calc'!A0,606.00,2027-01-01",
            "Acme,-5.00,2027-02-01",
        ]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_register_table_fails_with_the_librarys_error_and_keeps_the_old_file(
    suffix, tmp_path, monkeypatch
):
    target = tmp_path / f"register{suffix}"
    target.write_bytes(b"old")

    def fail(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_io.os, "fsync", fail)
    with pytest.raises(FileError) as e:
        write_table(FRAME, str(target))
    monkeypatch.undo()
    assert e.value.reason == "the disk is full" and e.value.path == str(target)
    assert target.read_bytes() == b"old" and _listing(tmp_path) == [target.name]
    with pytest.raises(FileError, match="the folder does not exist"):
        write_table(FRAME, str(tmp_path / "nowhere" / f"r{suffix}"))


# Writing calls that only the ground floor may make.  (module, line text) pairs allowed:
ALLOWED_WRITES = {
    ("cli.py", 'sys.stdout = open(os.devnull, "w")  # noqa: SIM115'),  # silencing, not a file
}


def _raw_writes(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
        owner = getattr(getattr(f, "value", None), "id", "")
        if name in ("write_text", "write_bytes"):
            found.append((node.lineno, name))
        elif owner == "os" and name in ("replace", "rename", "renames", "fsync", "fdopen"):
            found.append((node.lineno, f"os.{name}"))
        elif name == "open" and owner in ("", "io", "builtins", "codecs"):
            mode = node.args[1] if len(node.args) > 1 else None
            mode = next((k.value for k in node.keywords if k.arg == "mode"), mode)
            if isinstance(mode, ast.Constant) and set(str(mode.value)) & set("wax+"):
                found.append((node.lineno, f"open({mode.value!r})"))
        elif name == "open" and owner == "Path":
            found.append((node.lineno, "Path.open"))
    return found


def test_no_module_but_the_ground_floor_writes_files_by_itself():
    offenders = []
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel == "_io.py":
            continue
        lines = path.read_text(encoding="utf-8").split("\n")
        for lineno, what in _raw_writes(path):
            if (rel, lines[lineno - 1].strip()) not in ALLOWED_WRITES:
                offenders.append(f"{rel}:{lineno}: {what}")
    assert not offenders, f"write through repayplan._io.write_atomic instead: {offenders}"


def test_the_raw_write_check_finds_what_it_looks_for(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "def f(p, data):\n"
        "    p.write_text(data)\n"
        "    with open(p, 'wb') as fh:\n"
        "        fh.write(data)\n"
        "        os.fsync(fh.fileno())\n"
        "    os.replace(p, p)\n"
        "    open(p).read()\n"
    )
    assert [w for _, w in sorted(_raw_writes(sample))] == [
        "write_text",
        "open('wb')",
        "os.fsync",
        "os.replace",
    ]


# ------------------------------------------------------------------------------------------
# two writers of the same target: neither takes the other's file for a leftover
# ------------------------------------------------------------------------------------------
fcntl = pytest.importorskip("fcntl") if os.name == "posix" else None


@pytest.mark.skipif(fcntl is None, reason="flock is POSIX")
def test_a_temporary_file_another_writer_holds_is_not_removed(tmp_path):
    target = tmp_path / "case.toml"
    busy = tmp_path / ".case.toml.0123456789ab.tmp"  # as another writer's, being written
    busy.write_bytes(b"half")
    with open(busy, "rb") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        _io.write_atomic(target, b"new")
        assert _listing(tmp_path) == [busy.name, "case.toml"]
    # that writer gone (its lock dropped with it): the next write removes what it left
    _io.write_atomic(target, b"newer")
    assert _listing(tmp_path) == ["case.toml"] and target.read_bytes() == b"newer"


@pytest.mark.skipif(fcntl is None, reason="flock is POSIX")
def test_two_writers_of_one_target_both_succeed_on_the_named_path(tmp_path, monkeypatch):
    import threading

    monkeypatch.setattr(_io, "_anonymous_file", lambda folder: None)
    target = tmp_path / "case.toml"
    payloads = {0: b"A" * 200_000, 1: b"B" * 200_000}
    errors: list[BaseException] = []

    def writer(k):
        try:
            for _ in range(60):
                _io.write_atomic(target, payloads[k])
        except BaseException as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k,)) for k in payloads]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_bytes() in payloads.values()
    assert _listing(tmp_path) == ["case.toml"]


@pytest.mark.skipif(fcntl is None, reason="flock is POSIX")
def test_a_temporary_file_swept_before_it_was_locked_is_made_again(tmp_path, monkeypatch):
    monkeypatch.setattr(_io, "_anonymous_file", lambda folder: None)
    target = tmp_path / "case.toml"
    real_hold, calls = _io._hold, []

    def swept_first(fd):
        calls.append(fd)
        if len(calls) == 1:  # another writer's sweep removes it just before the lock
            (leftover,) = tmp_path.glob(".case.toml.*.tmp")
            leftover.unlink()
        return real_hold(fd)

    monkeypatch.setattr(_io, "_hold", swept_first)
    _io.write_atomic(target, b"new")
    assert len(calls) == 2 and target.read_bytes() == b"new"
    assert _listing(tmp_path) == ["case.toml"]


@pytest.mark.skipif(fcntl is None, reason="flock is POSIX")
def test_a_sweep_unlinks_under_its_lock_so_four_writers_never_lose_a_file(tmp_path, monkeypatch):
    # the sweep used to check a temporary file's lock, release it, then unlink: a writer that
    # locked the file in between lost it to the unlink (16-23 of 1,600 writes by four threads
    # failed with "the folder does not exist"); it now unlinks while it holds the lock
    import threading

    monkeypatch.setattr(_io, "_anonymous_file", lambda folder: None)
    target = tmp_path / "case.toml"
    errors: list[BaseException] = []

    def writer(k):
        for _ in range(150):
            try:
                _io.write_atomic(target, bytes([65 + k]) * 20_000)
            except BaseException as e:  # noqa: BLE001 - collected and asserted below
                errors.append(e)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_bytes() in {bytes([65 + k]) * 20_000 for k in range(4)}
    assert _listing(tmp_path) == ["case.toml"]
