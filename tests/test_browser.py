"""The dashboard end to end in a real browser (layer 3 of the front-end tests).

Voilà serves ``notebooks/negotiation.ipynb`` on a free loopback port (through the launcher
``repayplan.notebook.serve``); Playwright drives Debian's Chromium (``/usr/bin/chromium``,
never a downloaded browser; CI installs it).  The test waits for the widgets, changes a
plan's term, checks that the comparison table shows the figures the library computes for
the changed plans, clicks Suggest and sees a new plan column, and saves a screenshot in the
test's output folder.  Voilà is stopped by its process id at the end.  HOME and the Jupyter,
IPython and matplotlib folders are temporary, so nothing is written into the user's home.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess

import pytest

import repayplan as rp
from repayplan.case import Case
from repayplan.notebook import serve

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
THREE = [
    "Bank proposal",
    "Borrower proposal",
    "Seasonal 48",
]  # the plans the notebook puts on the table


def private_env(folder) -> dict:
    env = dict(os.environ)
    for var, sub in (
        ("HOME", "home"),
        ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "mpl"),
        ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
    ):
        path = folder / sub
        path.mkdir(exist_ok=True)
        env[var] = str(path)
    env["REPAYPLAN_REGISTER"] = str(folder / "register.sqlite")  # the dashboard autosaves here
    return env


@pytest.fixture()
def voila(tmp_path):
    """Voilà serving the dashboard notebook; stopped by its process id afterwards."""
    log = open(tmp_path / "voila.log", "wb")  # noqa: SIM115 - closed below
    proc, url = serve.start(
        port=serve.free_port(),
        env=private_env(tmp_path),
        stdout=log,
        stderr=subprocess.STDOUT,
        timeout=90,
    )
    try:
        yield url
    finally:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def expected_cells(term: int) -> dict[str, str]:
    """What the library computes for the notebook's plans with the first one's term changed,
    as the comparison table prints it (currency to the cent)."""
    case = Case.sample()
    plans = [case.plan(n) for n in THREE]
    plans[0] = plans[0].replace(term=term)
    frame = rp.evaluate(
        plans, case.claim, case.cashflow, case.creditor, borrower=case.borrower_side
    )
    table = rp.compare(plans, case.claim, case.cashflow, case.creditor, metrics=frame).table
    return {
        label: f"{table.loc[key, 'Bank proposal']:,.2f}"
        for key, label in (
            ("total_paid", "Total paid"),
            ("creditor_npv", "Creditor NPV if all paid"),
            ("expected_npv", "Creditor expected NPV"),
            ("peak_payment", "Largest payment"),
        )
    }


@pytest.fixture
def browser_home(tmp_path, monkeypatch):
    """Chromium installed, and its home, config and cache in the test's own folder."""
    assert os.path.exists(CHROMIUM), (
        f"{CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)"
    )
    for var, sub in (
        ("HOME", "browser-home"),
        ("XDG_CONFIG_HOME", "xdg-config"),
        ("XDG_CACHE_HOME", "xdg-cache"),
    ):
        (tmp_path / sub).mkdir()
        monkeypatch.setenv(var, str(tmp_path / sub))
    return tmp_path


def test_dashboard_in_a_real_browser(voila, browser_home, tmp_path, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    before, after = expected_cells(36), expected_cells(48)
    assert before["Total paid"] != after["Total paid"]
    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1600, "height": 3400},
        )
        try:
            page = ctx.new_page()
            page.goto(voila, timeout=90_000)
            table = page.locator(".rp-compare table")
            expect(table).to_be_visible(timeout=90_000)
            columns = page.locator(".rp-plan-col")
            expect(columns).to_have_count(3)
            for i, name in enumerate(THREE):
                expect(columns.nth(i).locator(".rp-field-name input")).to_have_value(name)

            def cell(label):
                row = page.locator(".rp-compare tbody tr").filter(
                    has=page.locator("th", has_text=re.compile(f"^{re.escape(label)}$"))
                )
                return row.locator("td").nth(0).locator(".rp-value")

            for label, text in before.items():
                expect(cell(label)).to_have_text(text)
            # the analyst changes the bank's term to 48 months
            term = columns.nth(0).locator(".rp-field-term input")
            term.fill("48")
            term.press("Enter")
            for label, text in after.items():
                expect(cell(label)).to_have_text(text, timeout=30_000)
            expect(
                page.locator(".rp-compare tbody tr", has_text="Term (months)")
                .locator("td")
                .nth(0)
                .locator(".rp-value")
            ).to_have_text(re.compile(r"^48(\.00)?$"))
            # the change is in the case register (version 2: version 1 is the session's first
            # save, whose message must not be taken for this one's): a reload restores it
            expect(page.locator(".rp-register-status")).to_contain_text(
                "saved: case 1, version 2", timeout=30_000
            )
            page.reload(timeout=90_000)
            expect(table).to_be_visible(timeout=90_000)
            expect(columns.nth(0).locator(".rp-field-term input")).to_have_value(
                "48", timeout=30_000
            )
            for label, text in after.items():
                expect(cell(label)).to_have_text(text, timeout=30_000)
            expect(page.locator(".rp-register-status")).to_contain_text("restored case 1")
            # Suggest adds the recommended plan as a new column, with its reasons
            page.locator(".rp-suggest button, button.rp-suggest").first.click()
            expect(columns).to_have_count(4, timeout=90_000)
            expect(columns.nth(3).locator(".rp-field-name input")).to_have_value("Suggested 1")
            expect(columns.nth(3).locator(".rp-explanation")).to_contain_text("Why:")
            expect(table.locator("thead")).to_contain_text("Suggested 1")
            expect(page.locator(".rp-status")).to_contain_text("updated in")
            assert "Traceback" not in page.content()
            shot = tmp_path / "dashboard.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            print(f"screenshot: {shot}")
        finally:
            ctx.close()
