"""``import repayplan`` is lazy (PEP 562): only the errors load; every public name still resolves."""

import subprocess
import sys
import types

import pytest

import repayplan as rp


def run(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_import_loads_only_the_errors():
    loaded = run(
        "import sys, repayplan; print(' '.join(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('repayplan', 'numpy', 'pandas', 'scipy', 'holidays'))))"
    )
    assert loaded.split() == ["repayplan", "repayplan.errors"]


@pytest.mark.parametrize("name", rp.__all__)
def test_every_public_name_is_its_modules_own(name):
    got = getattr(rp, name)
    module = rp._LAZY.get(name)
    if module is None:  # the eager names: errors and its exceptions
        assert got is getattr(rp.errors, name, rp.errors)
    elif name == module and name not in rp._SHADOWED:
        assert isinstance(got, types.ModuleType) and got is sys.modules[f"repayplan.{name}"]
    else:
        assert got is getattr(sys.modules[f"repayplan.{module}"], name)
    assert name in dir(rp)


@pytest.mark.parametrize("name", sorted({"compare", "evaluate", "negotiate", "concessions"}))
def test_a_function_named_as_its_module_stays_the_function(name):
    # whoever imports the submodule first (here the case file, before the package name is used)
    code = (
        f"import repayplan, repayplan.case, repayplan.{name} as m, sys; "
        f"f = getattr(repayplan, {name!r}); "
        f"print(callable(f), f is sys.modules['repayplan.{name}'].{name}, m is f)"
    )
    assert run(code) == "True True True"


def test_star_import_and_dir():
    space: dict = {}
    exec("from repayplan import *", space)
    assert set(rp.__all__) <= set(space)
    for name in dir(rp):
        getattr(rp, name)  # every listed name resolves


def test_on_request_names_and_unknown_names():
    assert rp.Register.__module__.startswith("repayplan.register")
    with pytest.raises(AttributeError, match="no attribute 'nonexistent'"):
        rp.nonexistent  # noqa: B018
    with pytest.raises(ImportError):
        exec("from repayplan import nonexistent", {})


def test_the_name_tables_agree():
    # __all__, the lazy table and the TYPE_CHECKING imports (what type checkers and the docs see)
    import ast
    from pathlib import Path

    tree = ast.parse(Path(rp.__file__).read_text(encoding="utf-8"))
    block = next(
        n
        for n in tree.body
        if isinstance(n, ast.If) and getattr(n.test, "id", "") == "TYPE_CHECKING"
    )
    typed = {}
    for node in block.body:
        for alias in node.names:
            typed[alias.name] = alias.name if node.module is None else node.module
    assert typed == {**rp._LAZY, "Register": "register"}
    assert rp.__all__ == [
        "errors",
        "InfeasibleError",
        "InputError",
        "RepayplanError",
        "RuleViolation",
        *rp._LAZY,
    ]
