"""Serve the negotiation dashboard with Voilà on the loopback interface and print its URL.

Usage::

    python -m repayplan.notebook.serve [--port N] [--notebook PATH]

``--port 0`` picks a free port.  Voilà runs the notebook (default
``notebooks/negotiation.ipynb`` of the source tree) and serves only its widgets, on
``127.0.0.1``; stop it with Ctrl-C.  JupyterLab is the alternative for editing:
``jupyter lab notebooks/negotiation.ipynb``.

:func:`start` is the same launch as a function (the browser test uses it): it returns the
running process and the URL once Voilà answers.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from ..errors import InputError

__all__ = ["DEFAULT_NOTEBOOK", "free_port", "voila_command", "start", "wait_until_up", "main"]

#: The dashboard notebook of the source tree.
DEFAULT_NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "negotiation.ipynb"
DEFAULT_PORT = 8866


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def voila_command(notebook, port: int, *, python: str | None = None) -> list[str]:
    """The command that serves ``notebook`` with Voilà on ``127.0.0.1:port``.

    Examples
    --------
    >>> voila_command("nb.ipynb", 8866, python="python")[:4]
    ['python', '-m', 'voila', 'nb.ipynb']
    """
    return [python or sys.executable, "-m", "voila", os.fspath(notebook), "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", "--show_tracebacks=False"]


def wait_until_up(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    """Wait until the server of ``url`` accepts connections (raises ``TimeoutError``, or
    ``RuntimeError`` if ``process`` ends first).

    Only the port is tried: a request for the page itself would make Voilà run the
    notebook in a kernel nobody looks at.
    """
    parts = urllib.parse.urlsplit(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"Voilà stopped with exit code {process.returncode}")
        try:
            with socket.create_connection((parts.hostname, parts.port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


def start(notebook=None, port: int | None = None, *, env: dict | None = None, stdout=None, stderr=None,
          timeout: float = 60.0) -> tuple[subprocess.Popen, str]:
    """Start Voilà on ``notebook`` and return ``(process, url)`` once it answers.

    Parameters
    ----------
    notebook : path, optional
        Default :data:`DEFAULT_NOTEBOOK`.
    port : int, optional
        Default a free port.
    env : dict, optional
        The environment of the server (and of the notebook's kernel).
    stdout, stderr : file, optional
        Where the server's output goes (default inherited).
    """
    nb = Path(notebook) if notebook is not None else DEFAULT_NOTEBOOK
    if not nb.is_file():
        raise InputError("notebook", os.fspath(nb), "an existing .ipynb file")
    port = free_port() if not port else port
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen(voila_command(nb, port), cwd=nb.parent, env=env, stdout=stdout, stderr=stderr)
    try:
        wait_until_up(url, timeout, proc)
    except BaseException:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        raise
    return proc, url


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m repayplan.notebook.serve",
                                description="Serve the negotiation dashboard with Voilà on 127.0.0.1.")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0: a free one)")
    p.add_argument("--notebook", default=None, help="the notebook to serve (default notebooks/negotiation.ipynb)")
    args = p.parse_args(argv)
    try:
        proc, url = start(args.notebook, args.port)
    except (InputError, RuntimeError, TimeoutError) as e:
        print(f"repayplan: {e}", file=sys.stderr)
        return 1
    print(f"The negotiation dashboard is at {url}  (Ctrl-C stops it)", flush=True)

    def stop(_signum, _frame):  # a TERM to the launcher stops Voilà too
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 0


if __name__ == "__main__":
    sys.exit(main())
