"""The meeting cockpit at 1440×900 in a real browser: typed input, one screen, a reload, the
Chinese page, the console and the kernels.

Voilà serves ``notebooks/negotiation.ipynb`` as in :mod:`tests.test_browser` (same fixture);
Playwright drives Debian's Chromium at the size of a meeting-room laptop screen.  The test
types a rate as people type it ("4.35%"); checks that the comparison (beside the cards), the
first plan's terms and the key chart (beneath the cards) are within the first 900 px;
changes a term (its Δ against the plan's previous version shows) and accepts a plan, waits
for the register's autosave and reloads: the term box, the comparison and the Accept toggle
are as they were.  Then it switches to Chinese and reads the page's visible text, which may
hold Latin letters only in a short list of terms (DSCR, NPV, IRR, CNY, file formats, model
names) and in the case's own data (plan names and the parties' and collateral's names as
the case file spells them); nothing is left untranslated (``NOT_YET`` is empty).  The page
logs no console error at all (bqplot's included, none filtered away), and closing it (as
the reload did for the first page) shuts its kernel down with an accepted request.
Screenshots of both languages are saved with the test's output.
"""

from __future__ import annotations

import re
import time

import pytest
from test_browser import CHROMIUM, FLAGS, browser_home, voila  # noqa: F401 - the fixtures

from repayplan.case import Case

pytestmark = pytest.mark.browser

#: Latin terms the Chinese page may show: abbreviations people use as they are, file
#: formats, the forecast models' names, the currency code.
ALLOWED = {
    "DSCR",
    "NPV",
    "IRR",
    "CNY",
    "CSV",
    "csv",
    "xlsx",
    "pdf",
    "html",
    "md",
    "TOML",
    "toml",
    "AICc",
    "ETS",
    "SARIMA",
    "YYYY",
    "MM",
    "IFRS",
    "English",
}

#: Not translated yet: empty (issue 20 asked for a complete Chinese interface).
NOT_YET: set[str] = set()


def case_words() -> set[str]:
    """Latin words of the case's own data: plan names, parties, collateral, guarantees, title."""
    case = Case.sample()
    texts = [
        *case.plans,
        case.title,
        case.borrower.other_name,
        case.creditor_party.other_name,
        case.contract,
        "Suggested",
    ]
    sec = case.security
    if sec is not None:
        texts += [c.name for c in sec.collateral] + [g.name for g in sec.guarantees]
    return {w for t in texts for w in re.findall(r"[A-Za-z]+", t)}


def total_paid_at(rate: float) -> str:
    """The comparison's "Total paid" of the bank's plan at ``rate``, as the table prints it."""
    import repayplan as rp

    case = Case.sample()
    plans = [case.plan(n) for n in ("Bank proposal", "Borrower proposal", "Seasonal 48")]
    plans[0] = plans[0].replace(annual_rate=rate)
    frame = rp.evaluate(
        plans, case.claim, case.cashflow, case.creditor, borrower=case.borrower_side
    )
    table = rp.compare(plans, case.claim, case.cashflow, case.creditor, metrics=frame).table
    return f"{table.loc['total_paid', 'Bank proposal']:,.2f}"


def settled(locator, quiet: float = 2.0, timeout: float = 30.0) -> str:
    """The locator's text once it has not changed for ``quiet`` seconds."""
    last, since, end = locator.inner_text(), time.monotonic(), time.monotonic() + timeout
    while time.monotonic() < end:
        time.sleep(0.2)
        now = locator.inner_text()
        if now != last:
            last, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return now
    raise AssertionError(f"still changing after {timeout} s: {last}")


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text))


def test_the_cockpit_in_chinese_at_1440_by_900(voila, browser_home, tmp_path, monkeypatch):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    console = []
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
            page.on("console", lambda m: console.append((m.type, m.text)))
            page.goto(voila, timeout=90_000)
            table = page.locator(".rp-compare table")
            expect(table).to_be_visible(timeout=90_000)
            columns = page.locator(".rp-plan-col")
            expect(columns).to_have_count(3)
            # a rate typed in percent, with the sign, is accepted: no message, and the table
            # shows the library's figures for the plan at 5 % (given to it as 0.05)
            rate = columns.nth(0).locator(".rp-field-annual_rate input")
            rate.fill("5%")
            rate.press("Enter")
            total = (
                page.locator(".rp-compare tbody tr")
                .filter(has=page.locator("th", has_text=re.compile(r"^Total paid$")))
                .locator("td")
                .nth(0)
                .locator(".rp-value")
            )
            expect(total).to_have_text(total_paid_at(0.05), timeout=30_000)
            expect(columns.nth(0).locator(".rp-error-annual_rate")).to_have_text("")
            # a rate that is not one is refused in words naming the box's label
            rate.fill("4x")
            rate.press("Enter")
            expect(columns.nth(0).locator(".rp-error-annual_rate")).to_contain_text(
                "Rate, % a year: 4x is not accepted", timeout=30_000
            )
            rate.fill("4.35")
            rate.press("Enter")
            expect(columns.nth(0).locator(".rp-error-annual_rate")).to_have_text("", timeout=30_000)
            page.screenshot(path=str(tmp_path / "cockpit-en.png"))
            # one screen: the comparison and the first plan's terms within the first 900 px
            compare_box = page.locator(".rp-compare").bounding_box()
            assert compare_box["y"] < 900 and compare_box["x"] > 600  # beside the plans, not below
            for field in ("term", "grace", "annual_rate", "down_payment", "method"):
                box = columns.nth(0).locator(f".rp-field-{field}").bounding_box()
                assert box["y"] + box["height"] <= 900, field
            # ... and the key chart (payments against the cash band) beneath the cards, whole
            key = page.locator(".rp-chart-payments").bounding_box()
            assert key["y"] + key["height"] <= 900 and key["height"] > 200, key
            # a changed term and an accepted plan survive a reload (the register's autosave)
            status = page.locator(".rp-register-status")
            expect(status).to_contain_text("saved: case 1", timeout=30_000)
            saved = status.inner_text()  # the version before the change
            term = columns.nth(0).locator(".rp-field-term input")
            term.fill("42")
            term.press("Enter")
            term_row = page.locator(".rp-compare tbody tr.rp-row-term td").nth(0)
            expect(term_row.locator(".rp-value")).to_have_text("42", timeout=30_000)
            expect(term_row.locator(".rp-delta")).to_have_text("Δ +6", timeout=30_000)  # 36 before
            expect(status).not_to_have_text(saved, timeout=30_000)  # the new term is saved
            version = status.inner_text()
            columns.nth(2).locator(".rp-accept button, button.rp-accept").first.click()
            expect(
                columns.nth(2).locator(".rp-accept button, button.rp-accept").first
            ).to_contain_text("Accepted", timeout=30_000)
            expect(status).not_to_have_text(version, timeout=30_000)
            expect(status).to_contain_text("saved: case 1", timeout=30_000)
            settled(status)  # every save done before the reload
            page.reload(timeout=90_000)
            expect(table).to_be_visible(timeout=90_000)
            expect(columns.nth(0).locator(".rp-field-term input")).to_have_value(
                "42", timeout=30_000
            )
            expect(
                page.locator(".rp-compare tbody tr.rp-row-term td").nth(0).locator(".rp-value")
            ).to_have_text("42")
            expect(
                columns.nth(2).locator(".rp-accept button, button.rp-accept").first
            ).to_contain_text("Accepted")
            expect(page.locator(".rp-register-status")).to_contain_text("restored case 1")
            # the whole page in Chinese
            page.locator(".rp-lang button", has_text="中文").click()
            expect(page.locator(".rp-compare")).to_contain_text("还款总额", timeout=30_000)
            expect(page.locator(".rp-status")).to_contain_text("已更新", timeout=30_000)
            expect(page.locator(".rp-register-status")).to_contain_text("已保存", timeout=30_000)
            expect(page.locator(".rp-case-open")).to_contain_text("打开", timeout=30_000)
            visible = page.locator("body").inner_text()
            leaks = latin_words(visible) - ALLOWED - case_words()
            page.screenshot(path=str(tmp_path / "cockpit-zh.png"))
            page.screenshot(path=str(tmp_path / "cockpit-zh-full.png"), full_page=True)
            print(f"screenshots: {tmp_path}")
            assert "Traceback" not in page.content()
            page.close(run_before_unload=True)  # the analyst closes the tab: its kernel stops
            log = tmp_path / "voila.log"
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and log.read_bytes().count(b"Kernel shutdown") < 2:
                time.sleep(0.2)
        finally:
            ctx.close()
    errors = [t for kind, t in console if kind == "error"]
    print("console errors:", len(errors), errors[:3])
    print("latin words:", sorted(leaks))
    assert not leaks - NOT_YET, " ".join(sorted(leaks - NOT_YET))
    # no console errors of the page's own scripts (bqplot's included), none filtered away
    assert errors == [], errors[:5]
    # two pages were opened (the reload is the second): both kernels were shut down
    served = (tmp_path / "voila.log").read_text(encoding="utf-8", errors="replace")
    assert served.count("Kernel shutdown") >= 2, served[-2000:]
    assert "403 POST" not in served and "'_xsrf' argument missing" not in served, served[-2000:]
