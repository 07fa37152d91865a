"""Offline, as bank intranets are: the served dashboard asks nothing of any host but its server;
and a closed page does not leave its kernel running.

Voilà serves the dashboard with the package's ``repayplan`` template (the lab template without
its CDN style sheets); Chromium loads the page with every request recorded, and every one of
them goes to the loopback server.  The icons still render: Voilà's own bundle carries Font
Awesome and its fonts.  Closing the page sends the kernel's shutdown request, which the server
accepts (no "403 '_xsrf' argument missing") and the kernel stops.  (The documentation site is
checked for outside requests in ``test_docs.py``.)
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.parse

import pytest

from repayplan.notebook import serve
from tests.test_browser import CHROMIUM, FLAGS, browser_home, private_env  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


def test_served_dashboard_requests_nothing_outside_and_closing_it_stops_its_kernel(
    browser_home,  # noqa: F811 - the fixture, imported above
    tmp_path,
    monkeypatch,
):
    from playwright.sync_api import expect, sync_playwright

    log = open(tmp_path / "voila.log", "wb")  # noqa: SIM115 - closed below
    proc, url = serve.start(
        port=serve.free_port(),
        env=private_env(tmp_path),
        stdout=log,
        stderr=subprocess.STDOUT,
        timeout=90,
    )
    requests: list[str] = []
    failed: list[str] = []
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                str(tmp_path / "profile"),
                executable_path=CHROMIUM,
                headless=True,
                args=FLAGS,
                viewport={"width": 1440, "height": 900},
            )
            try:
                page = ctx.new_page()
                page.on("request", lambda r: requests.append(r.url))
                page.on("requestfailed", lambda r: failed.append(r.url))
                page.goto(url, timeout=90_000)
                expect(page.locator(".rp-compare table")).to_be_visible(timeout=90_000)
                # an icon of a button is drawn from the bundled Font Awesome font
                icon = page.locator(".rp-suggest button i.fa, button.rp-suggest i.fa").first
                expect(icon).to_be_attached()
                family = icon.evaluate("e => getComputedStyle(e, '::before').fontFamily")
                assert "Font Awesome" in family, family
                page.close(run_before_unload=True)  # the analyst closes the tab
                deadline = time.monotonic() + 30
                while (
                    time.monotonic() < deadline
                    and b"Kernel shutdown" not in (tmp_path / "voila.log").read_bytes()
                ):
                    time.sleep(0.2)
            finally:
                ctx.close()
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()
    host = urllib.parse.urlsplit(url).netloc
    outside = sorted(
        {
            u
            for u in requests
            if urllib.parse.urlsplit(u).scheme in {"http", "https", "ws", "wss"}
            and urllib.parse.urlsplit(u).netloc != host
        }
    )
    assert requests, "the page made no request at all"
    assert not outside, f"the dashboard asks hosts other than its server: {outside[:10]}"
    assert not [u for u in failed if urllib.parse.urlsplit(u).netloc == host], failed[:10]
    served = (tmp_path / "voila.log").read_text(encoding="utf-8", errors="replace")
    assert "Kernel shutdown" in served, served[-2000:]
    assert "403 POST" not in served and "'_xsrf' argument missing" not in served, served[-2000:]
