"""The package type-checks: mypy, with the configuration in pyproject.toml ([tool.mypy]).

mypy runs once (``mypy.api.run``) over ``repayplan/``; every module must be clean except those
still listed in ``NOT_YET_CLEAN``, and a listed module that has become clean must leave the list
(so the list only shrinks). The list is empty: the package is clean.
"""

import os
import re
from pathlib import Path

import pytest

mypy_api = pytest.importorskip("mypy.api", reason="mypy is in the dev extra")

ROOT = Path(__file__).resolve().parent.parent

#: Modules with errors left: none since round 3 (the package is clean). A new error fails the
#: test; ``python tests/test_types.py`` prints what mypy finds.
NOT_YET_CLEAN: dict[str, int] = {}


def run_mypy() -> dict[str, list[str]]:
    """mypy's errors on the package, by file (paths relative to the repository root)."""
    here = os.getcwd()
    os.chdir(ROOT)  # [tool.mypy] packages and the paths in the report are relative to the root
    try:
        out, err, status = mypy_api.run(["--config-file", "pyproject.toml"])
    finally:
        os.chdir(here)
    assert status in (0, 1), f"mypy did not run:\n{out}\n{err}"
    found: dict[str, list[str]] = {}
    for line in out.splitlines():
        m = re.match(r"^(repayplan/[\w/]+\.py):\d+: error: ", line)
        if m:
            found.setdefault(m.group(1), []).append(line)
    assert status == 0 or found, f"mypy failed without a located error:\n{out}\n{err}"
    return found


@pytest.fixture(scope="module")
def errors_by_file() -> dict[str, list[str]]:
    return run_mypy()


def test_mypy_finds_no_errors_outside_the_list(errors_by_file):
    unexpected = {f: e for f, e in errors_by_file.items() if f not in NOT_YET_CLEAN}
    shown = "\n".join(line for e in unexpected.values() for line in e)
    assert not unexpected, f"mypy errors in {sorted(unexpected)}:\n{shown}"


def test_the_list_only_shrinks(errors_by_file):
    clean = sorted(f for f in NOT_YET_CLEAN if f not in errors_by_file)
    assert not clean, f"now clean, remove from NOT_YET_CLEAN: {clean}"


if __name__ == "__main__":  # python tests/test_types.py: the list as it stands now, to paste above
    for path, lines in sorted(run_mypy().items()):
        print(f'    "{path}": {len(lines)},')
