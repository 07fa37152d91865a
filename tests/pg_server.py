"""A throwaway PostgreSQL cluster for the register's tests (``initdb`` + ``pg_ctl``).

The binaries are Debian's (``pg_config --bindir``, or ``/usr/lib/postgresql/*/bin``;
``.ci/run`` installs the ``postgresql`` package when they are missing).  As root the server
runs as the ``postgres`` user (``initdb`` refuses root).  The cluster lives in a temporary
folder, listens on 127.0.0.1 on a free port with password (SCRAM) authentication, and is
stopped (``pg_ctl stop -m fast``) and removed at the end.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def bindir() -> Path | None:
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        p = Path(out.stdout.strip())
        if (p / "initdb").exists():
            return p
    except (OSError, subprocess.CalledProcessError):
        pass
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """``Cluster().start()``; ``.url(db)``; ``.create_database()``; ``.stop()``."""

    user = "repayplan"

    def __init__(self):
        self.bin = bindir()
        if self.bin is None:
            raise RuntimeError(
                "PostgreSQL binaries not found (install Debian's postgresql: .ci/run)"
            )
        self.password = "pw-" + secrets.token_hex(8)
        self.port = _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="repayplan-pg-", dir="/tmp"))
        self.data = self.root / "data"
        self.run_as = None
        if os.geteuid() == 0:
            self.run_as = "postgres"
            shutil.chown(self.root, user="postgres")
        os.chmod(self.root, 0o700)
        self._n = 0

    def _cmd(self, args: list[str]) -> subprocess.CompletedProcess:
        if self.run_as:
            args = ["runuser", "-u", self.run_as, "--"] + args
        return subprocess.run(args, capture_output=True, text=True, check=True, cwd=self.root)

    def start(self) -> Cluster:
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        if self.run_as:
            shutil.chown(pwfile, user=self.run_as)
        self._cmd(
            [
                str(self.bin / "initdb"),
                "-D",
                str(self.data),
                "-U",
                self.user,
                "--auth=scram-sha-256",
                f"--pwfile={pwfile}",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        pwfile.unlink()
        self._cmd(
            [
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-w",
                "-t",
                "60",
                "-l",
                str(self.root / "log"),
                "-o",
                # the tests kill clients, never the server: no need to wait for the disk
                f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off "
                "-c full_page_writes=off -c synchronous_commit=off",
                "start",
            ]
        )
        return self

    def url(self, db: str = "postgres", password: str | None = None) -> str:
        pw = self.password if password is None else password
        return f"postgresql+psycopg://{self.user}:{pw}@127.0.0.1:{self.port}/{db}"

    def create_database(self) -> str:
        import psycopg

        self._n += 1
        name = f"reg_{self._n}"
        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.user,
            password=self.password,
            dbname="postgres",
            autocommit=True,
        ) as c:
            c.execute(f'CREATE DATABASE "{name}"')  # a name made here, never user input
        return self.url(name)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.user,
            password=self.password,
            dbname="postgres",
            autocommit=True,
        ) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            self._cmd([str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
