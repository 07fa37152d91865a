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

__all__ = [
    "DEFAULT_NOTEBOOK",
    "free_port",
    "voila_command",
    "server_env",
    "start",
    "wait_until_up",
    "main",
]

#: Jupyter data folder shipped with the package: the Voilà template ``repayplan`` (the lab
#: template without its CDN style sheets, so the served page requests nothing off the machine).
SHARE = Path(__file__).resolve().parent / "share"
TEMPLATE = "repayplan"

#: The dashboard notebook of the source tree.
DEFAULT_NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "negotiation.ipynb"
DEFAULT_PORT = 8866


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now.

    The operating system picks it (a bind to port 0); another process may take it before
    it is used, so a server started on it should still expect to fail.

    >>> port = free_port()
    >>> 1024 <= port <= 65535
    True
    """
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
    return [
        python or sys.executable,
        "-m",
        "voila",
        os.fspath(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--show_tracebacks=False",
        f"--template={TEMPLATE}",
        # a page closed without its shutdown request leaves a kernel with no connection:
        # stop such kernels after 5 idle minutes (a page still open is never culled)
        "--MappingKernelManager.cull_idle_timeout=300",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",
    ]


def server_env(env: dict | None = None) -> dict:
    """The environment for Voilà: ``env`` (default this process's) with the package's Jupyter
    data folder first on ``JUPYTER_PATH``, where Voilà finds the ``repayplan`` template.

    >>> server_env({"JUPYTER_PATH": "/x"})["JUPYTER_PATH"].endswith(os.pathsep + "/x")
    True
    """
    env = dict(os.environ if env is None else env)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(SHARE), env.get("JUPYTER_PATH", "")) if p)
    return env


def wait_until_up(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    """Wait until the server of ``url`` accepts connections (raises ``TimeoutError``, or
    ``RuntimeError`` if ``process`` ends first).

    Only the port is tried: a request for the page itself would make Voilà run the
    notebook in a kernel nobody looks at.

    Parameters
    ----------
    url : str
        ``http://host:port/...``; only host and port are used.
    timeout : float
        Seconds to wait.
    process : subprocess.Popen, optional
        The server's process: if it ends, waiting stops with ``RuntimeError``.

    Examples
    --------
    A port that listens answers at once; one that nobody listens on times out:

    >>> import socket
    >>> with socket.socket() as server:
    ...     server.bind(("127.0.0.1", 0))
    ...     server.listen()
    ...     wait_until_up(f"http://127.0.0.1:{server.getsockname()[1]}/", timeout=5)
    >>> wait_until_up(f"http://127.0.0.1:{free_port()}/", timeout=0.3)
    Traceback (most recent call last):
    ...
    TimeoutError: http://127.0.0.1:.../ did not answer within ... s
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
    raise TimeoutError(f"{url} did not answer within {timeout:g} s")


def start(
    notebook=None,
    port: int | None = None,
    *,
    env: dict | None = None,
    stdout=None,
    stderr=None,
    timeout: float = 60.0,
) -> tuple[subprocess.Popen, str]:
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
    timeout : float
        Seconds to wait for Voilà to answer.

    Returns
    -------
    (subprocess.Popen, str)
        The server's process (``terminate()`` it to stop the server) and its URL,
        ``http://127.0.0.1:<port>/``.

    Raises
    ------
    InputError
        ``notebook`` is not an existing file.
    RuntimeError, TimeoutError
        Voilà stopped, or did not answer within ``timeout`` (the process is stopped).

    Examples
    --------
    The notebook is checked before anything is started::

        proc, url = start()          # notebooks/negotiation.ipynb on a free port
        ...                          # open url in a browser
        proc.terminate()

    >>> start("missing.ipynb")
    Traceback (most recent call last):
    ...
    repayplan.errors.InputError: notebook == 'missing.ipynb', must be an existing .ipynb file
    """
    nb = Path(notebook) if notebook is not None else DEFAULT_NOTEBOOK
    if not nb.is_file():
        raise InputError("notebook", os.fspath(nb), "an existing .ipynb file")
    port = free_port() if not port else port
    url = f"http://127.0.0.1:{port}/"
    proc = subprocess.Popen(
        voila_command(nb, port), cwd=nb.parent, env=server_env(env), stdout=stdout, stderr=stderr
    )
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
    """Run ``python -m repayplan.notebook.serve``: serve the dashboard until Ctrl-C.

    Parameters
    ----------
    argv : list of str, optional
        ``--port N`` (default 8866; 0 picks a free port) and ``--notebook PATH`` (default
        :data:`DEFAULT_NOTEBOOK`); default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 when stopped with Ctrl-C (or a TERM signal), Voilà's exit code if it stops by
        itself, 1 when it cannot be started (the reason on stderr).

    Examples
    --------
    >>> import contextlib, sys
    >>> with contextlib.redirect_stderr(sys.stdout):
    ...     main(["--notebook", "missing.ipynb", "--port", "0"])
    repayplan: notebook == 'missing.ipynb', must be an existing .ipynb file
    1
    """
    p = argparse.ArgumentParser(
        prog="python -m repayplan.notebook.serve",
        description="Serve the negotiation dashboard with Voilà on 127.0.0.1.",
    )
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0: a free one)",
    )
    p.add_argument(
        "--notebook",
        default=None,
        help="the notebook to serve (default notebooks/negotiation.ipynb)",
    )
    args = p.parse_args(argv)
    from ..register import default_location  # the meeting is kept in the per-user register

    env = {
        **os.environ,
        "REPAYPLAN_REGISTER": os.environ.get("REPAYPLAN_REGISTER") or str(default_location()),
    }
    try:
        proc, url = start(args.notebook, args.port, env=env)
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
