"""Every writer goes through the one atomic writer (repayplan._io.write_atomic).

Oracles: the bytes and the mode of the file on disk (``os.stat``), the folder listing, and
a child process killed with SIGKILL while it writes: afterwards the target holds either the
old bytes or the complete new ones, never a part, and the next write leaves no temporary
file behind.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

import repayplan as rp
from repayplan import _io, report
from repayplan.errors import FileError, InputError
from repayplan.notebook.minutes import MeetingRecord

ROOT = Path(__file__).resolve().parents[1]
CLAIM = rp.Claim(principal=120_000, annual_rate=0.06, as_of=dt.date(2026, 12, 1))
PLAN = rp.Plan(term=12, name="12 months")


def _statement():
    return rp.Agreement(PLAN, CLAIM, signed=CLAIM.as_of).statement(dt.date(2027, 3, 1))


# Each writer of the library, as (name, function writing to a path).
WRITERS = {
    "Case.save": lambda p: rp.Case.sample().save(p),
    "Statement.write": lambda p: _statement().write(p, format="csv"),
    "report.write": lambda p: report.write(PLAN.schedule(CLAIM), p, format="md"),
    "_io.write_csv": lambda p: _io.write_csv(p, [["a", "=1"]]),
}
SUFFIX = {
    "Case.save": ".toml",
    "Statement.write": ".csv",
    "report.write": ".md",
    "_io.write_csv": ".csv",
}


@pytest.mark.parametrize("name", WRITERS)
def test_a_0600_file_stays_0600_and_no_temporary_file_is_left(name, tmp_path):
    target = tmp_path / f"out{SUFFIX[name]}"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    WRITERS[name](target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_bytes() != b"old"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("name", WRITERS)
def test_a_missing_folder_is_the_librarys_error_naming_the_path(name, tmp_path):
    target = tmp_path / "no such folder" / f"out{SUFFIX[name]}"
    with pytest.raises(InputError) as e:  # FileError is an InputError (and an OSError)
        WRITERS[name](target)
    assert e.value.field == "path" and str(target) in str(e.value)
    assert not (tmp_path / "no such folder").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
@pytest.mark.parametrize("name", WRITERS)
def test_a_read_only_folder_is_refused_and_the_old_file_kept(name, tmp_path):
    target = tmp_path / f"out{SUFFIX[name]}"
    target.write_bytes(b"old")
    os.chmod(tmp_path, 0o500)
    try:
        with pytest.raises(InputError) as e:
            WRITERS[name](target)
    finally:
        os.chmod(tmp_path, 0o700)
    assert str(target) in str(e.value)
    assert target.read_bytes() == b"old"


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "the disk is read-only"),
        (errno.EACCES, "permission denied"),
    ],
)
@pytest.mark.parametrize("name", WRITERS)
def test_os_errors_while_writing_are_named_in_words(name, code, words, tmp_path, monkeypatch):
    target = tmp_path / f"out{SUFFIX[name]}"
    target.write_bytes(b"old")
    real_fsync = os.fsync

    def failing_fsync(fd):
        real_fsync(fd)
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(_io.os, "fsync", failing_fsync)
    with pytest.raises(FileError) as e:
        WRITERS[name](target)
    assert e.value.reason == words and e.value.path == str(target)
    assert isinstance(e.value, OSError) and e.value.strerror == words
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_text_that_cannot_be_encoded_is_refused_before_the_file_is_touched(tmp_path):
    target = tmp_path / "x.txt"
    target.write_bytes(b"old")
    with pytest.raises(InputError, match="written as utf-8"):
        _io.write_atomic(target, "a\ud800b")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_a_folder_as_target_is_refused(tmp_path):
    with pytest.raises(FileError, match="it is a folder"):
        _io.write_atomic(tmp_path, "x")


def test_the_csv_writer_guards_every_trigger_and_ends_every_line_with_crlf():
    triggers = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "  =1", "＝1"]
    text = _io.csv_text([[t] for t in triggers] + [["plain", 5, None]])
    import csv
    import io

    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[0] for r in rows[:-1]] == ["'" + t for t in triggers]
    assert rows[-1] == ["plain", "5", ""]
    # every line break outside a quoted cell is CRLF: no bare LF ends a row
    assert text.endswith("\r\n") and text.count("\r\n") >= len(rows)


@pytest.mark.parametrize("fmt", ["md", "html", "csv"])
@pytest.mark.parametrize("name", ["a\x00b", "a\ud800b"])
def test_minutes_refuse_text_no_file_can_hold_naming_the_cell(fmt, name):
    rec = MeetingRecord()
    rec.shown(
        dt.datetime(2026, 7, 8, 10, 30),
        1,
        name,
        "x",
        36,
        rp.money.from_minor(10_000),
        rp.money.from_minor(0),
        90.0,
        0.1,
    )
    with pytest.raises(InputError) as e:
        rec.render(fmt)
    assert e.value.field.startswith("minutes[0].")


def test_a_plan_name_starting_with_cr_cannot_escape_the_minutes_csv_guard():
    rec = MeetingRecord()
    rec.shown(
        dt.datetime(2026, 7, 8, 10, 30),
        1,
        "\r=cmd|' /C calc'!A0",
        "x",
        36,
        rp.money.from_minor(10_000),
        rp.money.from_minor(0),
        90.0,
        0.1,
    )
    text = rec.render("csv")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "").replace("\r=", "")
    assert "'\r=cmd" in text


_CHILD = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    from repayplan import _io
    target = sys.argv[1]
    big = b"N" * 4_000_000
    print("ready", flush=True)
    while True:
        _io.write_atomic(target, big)
""")


def test_a_writer_killed_with_sigkill_leaves_the_old_or_the_new_file_and_no_temp_file(tmp_path):
    target = tmp_path / "case.toml"
    old = b"O" * 4_000_000
    target.write_bytes(old)
    os.chmod(target, 0o600)
    script = tmp_path.parent / f"{tmp_path.name}-child.py"
    script.write_text(_CHILD.format(root=str(ROOT)))
    for delay in (0.02, 0.05, 0.1, 0.2, 0.3):
        child = subprocess.Popen([sys.executable, str(script), str(target)], stdout=subprocess.PIPE)
        assert child.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()
        data = target.read_bytes()
        assert data in (old, b"N" * 4_000_000), len(data)
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        # the file being written has no name until it is complete (O_TMPFILE): nothing left
        # (where the system has no anonymous files, the next write removes what is left)
        if getattr(os, "O_TMPFILE", 0) and _io._ANONYMOUS["ok"]:
            assert [p.name for p in tmp_path.iterdir()] == ["case.toml"]
    _io.write_atomic(target, b"final")
    assert target.read_bytes() == b"final"
    assert [p.name for p in tmp_path.iterdir()] == ["case.toml"]


def test_a_temporary_file_left_by_a_killed_writer_is_removed_by_the_next_write(tmp_path):
    target = tmp_path / "case.toml"
    target.write_bytes(b"old")
    stale = (
        tmp_path / ".case.toml.0123456789ab.tmp"
    )  # as a writer killed between naming and renaming
    stale.write_bytes(b"half")
    other = tmp_path / ".other.toml.0123456789ab.tmp"  # another target's: not ours to remove
    other.write_bytes(b"x")
    _io.write_atomic(target, b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == [other.name, "case.toml"]


def test_a_statement_csv_ends_every_row_with_crlf_and_guards_a_leading_cr(tmp_path):
    ag = rp.Agreement(rp.Plan(term=12, name="\r=cmd|' /C calc'!A0"), CLAIM, signed=CLAIM.as_of)
    path = ag.statement(dt.date(2027, 3, 1)).write(tmp_path / "st.csv")
    data = path.read_bytes().decode("utf-8")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert rows[0][0].startswith("'\r=cmd")  # the title cell, neutralised
    assert data.replace("\r\n", "").count("\n") == 0  # no bare LF ends a row
