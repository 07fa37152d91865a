"""The documentation site: it builds in strict mode, it covers the API, and every example runs.

* ``mkdocs build --strict`` into a temporary folder: a broken link or anchor, a page left
  out of the nav, an unresolved cross-reference in a docstring or a missing snippet fails.
* The API reference lists every name of every documented module's ``__all__`` (read from
  the site's ``objects.inv``), every module has a page, and the package's exports are in
  the reference index and the architecture page names every module.
* Every ``>>>`` example of every page under ``docs/`` runs as a doctest (the figures in the
  tutorial, the how-tos and the concepts are what the code computes, never pasted).
* Public functions and classes carry a runnable example in their docstring; the names that
  do not yet are listed in ``WITHOUT_EXAMPLE`` so that the list can only shrink.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference"
MKDOCS_YML = ROOT / "mkdocs.yml"
FENCE = re.compile(r"^[ \t]*(```|~~~)")
DIRECTIVE = re.compile(r"^::: (repayplan[\w.]*)", re.M)
PAGES = sorted(p for p in DOCS.rglob("*.md") if "_ext" not in p.parts)
EXAMPLE_PAGES = [p for p in PAGES if ">>>" in p.read_text(encoding="utf-8")]

# Public names (module level, in ``__all__``) whose docstring has no ``>>>`` example yet.
# Add an example and remove the name here; the test fails on a new gap and on a stale entry.
WITHOUT_EXAMPLE: set[str] = set()

# Public names (in ``__all__``) that are not in the reference: constants without a docstring
# or a ``#:`` comment above them, functions without a docstring.  Document them and remove
# them here; the test fails on a new gap and on a stale entry.
NOT_IN_REFERENCE: set[str] = set()


def documented_modules() -> list[str]:
    """The modules given a ``::: module`` directive on the reference pages."""
    return [
        m
        for p in sorted(REFERENCE.glob("*.md"))
        for m in DIRECTIVE.findall(p.read_text(encoding="utf-8"))
    ]


def module(name: str):
    importlib.import_module(name)
    return sys.modules[name]  # ``repayplan.evaluate`` the attribute is the function


def page_examples(path: Path) -> str:
    """The page with its code-fence lines blanked, so a fence never ends an expected output."""
    return "\n".join(
        "" if FENCE.match(line) else line for line in path.read_text(encoding="utf-8").split("\n")
    )


# ------------------------------------------------------------------------------------------
# the site
# ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--config-file",
            str(MKDOCS_YML),
            "--site-dir",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    return proc, out


def problems(proc) -> str:
    """The warnings and errors of a build (the INFO lines left out)."""
    lines = (proc.stdout + proc.stderr).splitlines()
    return "\n".join(line for line in lines if not line.startswith("INFO")) or proc.stderr[-3000:]


def test_site_builds_in_strict_mode(site):
    proc, out = site
    code = proc.returncode
    assert code == 0, problems(proc)
    assert (out / "index.html").is_file() and (out / "tutorial" / "index.html").is_file()


# what a page would fetch when opened: scripts, styles, images, frames, fonts in CSS
EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)=["']((?:https?:)?//[^"']+)["']""",
    re.I,
)
CSS_URL = re.compile(r"""url\(\s*["']?((?:https?:)?//[^)"']+)""", re.I)


def test_built_pages_request_nothing_outside_the_machine(site):
    """Bank intranets have no internet: every page renders from the site's own files, and
    the equations are MathML made at build time, never TeX left for a CDN script."""
    proc, out = site
    assert proc.returncode == 0, problems(proc)
    fetched, raw_tex = set(), []
    for path in out.rglob("*"):
        if path.suffix in {".html", ".css", ".js"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".html":
                fetched.update(EXTERNAL.findall(text))
                if 'class="arithmatex"' in text:
                    raw_tex.append(path.relative_to(out).as_posix())
            if path.suffix == ".css":
                fetched.update(CSS_URL.findall(text))
    assert not fetched, f"pages fetch from outside the machine: {sorted(fetched)[:10]}"
    assert not raw_tex, f"equations left as TeX (not rendered to MathML): {raw_tex[:10]}"
    concept = (out / "concepts" / "allocation" / "index.html").read_text(encoding="utf-8")
    assert concept.count("<math") >= 5


def inventory(out: Path) -> set[str]:
    """Object names in the site's Sphinx inventory (version 2: four header lines, then zlib)."""
    *header, body = (out / "objects.inv").read_bytes().split(b"\n", 4)
    assert header[0] == b"# Sphinx inventory version 2" and b"zlib" in header[3], header
    return {
        line.split(" ", 1)[0] for line in zlib.decompress(body).decode("utf-8").splitlines() if line
    }


def test_reference_lists_every_public_name(site):
    proc, out = site
    code = proc.returncode
    assert code == 0, problems(proc)
    names = inventory(out)
    missing = set()
    for mod in documented_modules():
        for n in getattr(module(mod), "__all__", ()):
            path = f"{mod}.{n}"
            # an export made lazily (module __getattr__) is documented where it is defined
            if path not in names and not any(
                x.startswith(mod + ".") and x.endswith("." + n) for x in names
            ):
                missing.add(path)
    assert not missing - NOT_IN_REFERENCE, (
        f"public names missing from the reference: {sorted(missing - NOT_IN_REFERENCE)}"
    )
    assert not NOT_IN_REFERENCE - missing, (
        f"now in the reference, remove from NOT_IN_REFERENCE: {sorted(NOT_IN_REFERENCE - missing)}"
    )


def test_every_module_has_a_reference_page_in_the_nav():
    package = ROOT / "repayplan"
    modules = {f"repayplan.{p.stem}" for p in package.glob("*.py") if not p.stem.startswith("_")}
    modules |= {f"repayplan.{p.parent.name}" for p in package.glob("*/__init__.py")}
    documented = set(documented_modules())
    assert modules <= documented, (
        f"modules without a reference page: {sorted(modules - documented)}"
    )
    nav = MKDOCS_YML.read_text(encoding="utf-8")
    pages = {p.relative_to(DOCS).as_posix() for p in REFERENCE.glob("*.md")}
    assert all(p in nav for p in pages), [p for p in pages if p not in nav]


def test_reference_index_lists_the_package_exports():
    import repayplan

    text = (REFERENCE / "index.md").read_text(encoding="utf-8")
    missing = [n for n in repayplan.__all__ if f"[`{n}`]" not in text]
    assert not missing, f"add to docs/reference/index.md: {missing}"


def test_architecture_page_names_every_module():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    package = ROOT / "repayplan"
    names = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    names |= {p.parent.name for p in package.glob("*/__init__.py")}
    missing = sorted(n for n in names if f"| `{n}` |" not in text)
    assert not missing, f"add to the module map of docs/architecture.md: {missing}"


# ------------------------------------------------------------------------------------------
# the examples on the pages
# ------------------------------------------------------------------------------------------
def test_the_guides_have_examples():
    """Every tutorial, how-to and concept page shows the library at work."""
    with_examples = set(EXAMPLE_PAGES)
    guides = [p for p in PAGES if p.parent.name in ("concepts", "howto") or p.name == "tutorial.md"]
    written_elsewhere = {DOCS / "howto" / "dask.md"}  # by the portfolio work, with its own checks
    assert guides and not [
        p.name for p in guides if p not in with_examples and p not in written_elsewhere
    ]


@pytest.mark.parametrize("page", EXAMPLE_PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_page_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # pages that write files (annexes, case files) write here
    name = page.relative_to(ROOT).as_posix()
    test = doctest.DocTestParser().get_doctest(
        page_examples(page), {"__name__": "__docs__"}, name, str(page), 0
    )
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    result = runner.run(test, out=report.append)
    assert result.attempted > 0
    assert result.failed == 0, "".join(report)


# ------------------------------------------------------------------------------------------
# docstrings
# ------------------------------------------------------------------------------------------
def test_public_functions_and_classes_have_examples():
    lacking = set()
    for mod_name in documented_modules():
        mod = module(mod_name)
        for n in getattr(mod, "__all__", ()):
            try:
                obj = getattr(mod, n)
            except AttributeError:  # a lazy export whose extra is not installed
                continue
            if not (inspect.isfunction(obj) or inspect.isclass(obj)) or obj.__module__ != mod_name:
                continue  # constants, and re-exports (judged where they are defined)
            if ">>>" not in (inspect.getdoc(obj) or ""):
                lacking.add(f"{mod_name}.{n}")
    assert not lacking - WITHOUT_EXAMPLE, (
        f"add a runnable example to: {sorted(lacking - WITHOUT_EXAMPLE)}"
    )
    assert not WITHOUT_EXAMPLE - lacking, (
        f"they have examples now, remove from WITHOUT_EXAMPLE: {sorted(WITHOUT_EXAMPLE - lacking)}"
    )
