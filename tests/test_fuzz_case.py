"""Fuzzing the case-file reader: mutated and generated TOML, JSON and parsed structures.

Whatever the text, :meth:`Case.loads` / :meth:`Case.from_dict` return a case or raise the
library's own error (:class:`~repayplan.errors.RepayplanError`: a ``CaseError`` listing the
problems with their locations, or an ``InputError``), quickly, with a message of readable
length.  Never a foreign exception (RecursionError, ValueError from int conversion,
InvalidOperation, TypeError ...).

The oracle is the contract itself: the set of allowed outcomes.  The examples are bounded
(a few hundred per test) so the file runs in seconds.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import time
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repayplan.case import Case, CaseError
from repayplan.errors import InputError, RepayplanError

TIME_LIMIT = 5.0  # seconds for one read; a refused file takes milliseconds
MAX_LINE = 2_000  # characters of one line of the message

SAMPLE = Case.sample()
TOML = SAMPLE.dumps("toml")
JSON = SAMPLE.dumps("json")
DOC = SAMPLE.to_dict()

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def read(call, *args, **kwargs):
    """Run one read; return the case or the library's error, failing on anything else."""
    t0 = time.perf_counter()
    try:
        out = call(*args, **kwargs)
    except RepayplanError as e:
        out = e
        lines = e.lines() if isinstance(e, CaseError) else [str(e)]
        assert lines and all(len(line) <= MAX_LINE for line in lines), [len(x) for x in lines]
    elapsed = time.perf_counter() - t0
    assert elapsed < TIME_LIMIT, f"{elapsed:.1f} s"
    return out


# -- junk values ----------------------------------------------------------------------------
JUNK_TEXT = [
    "nan",
    "inf",
    "-inf",
    "1e999999",
    "1E-999999",
    "9" * 5000,
    "-" + "9" * 5000,
    "true",
    "false",
    '""',
    "[]",
    "{}",
    '"\\u0000"',
    "[[[[[[[[[[]]]]]]]]]]",
    "0x7f",
    "1_0",
    "2026-13-45",
    "1979-05-27T07:32:00Z",
    '"' + "x" * 50_000 + '"',
    "-0",
    "+1",
    "1.",
    ".5",
]

HUGE = "<HUGE>"  # a 5,000-digit integer, put in place inside the test (hypothesis cannot print one)


def _huge(value):
    if isinstance(value, str) and value == HUGE:
        return 10**5000
    if isinstance(value, list):
        return [_huge(v) for v in value]
    if isinstance(value, dict):
        return {k: _huge(v) for k, v in value.items()}
    return value


junk_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=10**40, max_value=10**60),
        st.just(HUGE),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(
            [
                Decimal("sNaN"),
                Decimal("NaN"),
                Decimal("1E+999999"),
                Decimal("1E-999999"),
                Decimal("-0"),
                Decimal("0.005"),
                Decimal("Infinity"),
            ]
        ),
        st.text(max_size=30),
        st.just("x" * 100_000),
        st.just("\ud800"),
        st.just("a\x00b"),
        st.dates(),
        st.just(np.array([1, 2])),
        st.just(np.bool_(True)),
        st.just(np.float64("nan")),
        st.just(dt.datetime(2026, 1, 1, 12, 0)),
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)


def _paths(doc, prefix=()):
    """Every (path, value) of the parsed structure, tables and arrays included."""
    yield prefix, doc
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, (*prefix, i))


PATHS = [p for p, _ in _paths(DOC) if p]


def _set(doc, path, value):
    target = doc
    for k in path[:-1]:
        target = target[k]
    target[path[-1]] = value


# -- mutated text ---------------------------------------------------------------------------
@st.composite
def mutated(draw, text: str):
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["value", "delete", "duplicate", "insert", "chars", "truncate"]))
        line = lines[i]
        if op == "value" and ("=" in line or ":" in line):
            sep = "=" if "=" in line else ":"
            key = line.split(sep, 1)[0]
            tail = "," if line.rstrip().endswith(",") else ""
            lines[i] = f"{key}{sep} {draw(st.sampled_from(JUNK_TEXT))}{tail}"
        elif op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, line)
        elif op == "insert":
            lines.insert(
                i, draw(st.sampled_from(JUNK_TEXT + ["[claim]", "[[plans]]", "x = 1", '"k": 1,']))
            )
        elif op == "chars":
            pos = draw(st.integers(0, len(line)))
            lines[i] = line[:pos] + draw(st.text(max_size=5)) + line[pos:]
        else:
            lines = lines[: i + 1]
        if not lines:
            lines = [""]
    return "\n".join(lines)


@FUZZ
@given(mutated(TOML))
def test_mutated_toml_gives_a_case_or_the_librarys_error(text):
    read(Case.loads, text, "toml")


@FUZZ
@given(mutated(JSON))
def test_mutated_json_gives_a_case_or_the_librarys_error(text):
    read(Case.loads, text, "json")


def _location(path) -> str:
    out = ""
    for k in path:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


NEVER_VALID = st.sampled_from(
    [
        Decimal("sNaN"),
        Decimal("NaN"),
        Decimal("1E+999999"),
        HUGE,
        np.array([1, 2]),
        float("nan"),
        "\ud800",
    ]
)


@settings(FUZZ, max_examples=100)
@given(st.sampled_from(PATHS), junk_values)
def test_any_field_replaced_by_junk_gives_a_case_or_the_librarys_error(path, value):
    doc = copy.deepcopy(DOC)
    _set(doc, path, _huge(value))
    read(Case.from_dict, doc)


LEAVES = [p for p, v in _paths(DOC) if p and not isinstance(v, (dict, list))]


@settings(FUZZ, max_examples=100)
@given(st.sampled_from(LEAVES), NEVER_VALID)
def test_a_value_valid_nowhere_is_reported_at_its_field(path, value):
    doc = copy.deepcopy(DOC)
    _set(doc, path, _huge(value))
    with pytest.raises(CaseError) as e:
        Case.from_dict(doc)
    where = _location(path)
    locations = [loc for loc, _ in e.value.problems]
    # at the field itself, or at the table or array that holds it
    assert any(
        loc and (where == loc or where.startswith((loc + ".", loc + "["))) for loc in locations
    ), (where, e.value.lines())


@FUZZ
@given(st.dictionaries(st.sampled_from(list(DOC) + ["x", ""]), junk_values, max_size=6))
def test_generated_structures_give_a_case_or_the_librarys_error(doc):
    read(Case.from_dict, _huge(doc))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.text(max_size=300))
def test_arbitrary_text_gives_the_librarys_error(text):
    for fmt in ("toml", "json"):
        read(Case.loads, text, fmt)


# -- the examples named in issue 15, pinned -------------------------------------------------
@pytest.mark.parametrize("fmt", ["toml", "json"])
def test_a_600_deep_list_is_a_located_case_error_not_a_recursion_error(fmt):
    deep = "[" * 600 + "]" * 600
    text = (
        f"notes_deep = {deep}\n{TOML}"
        if fmt == "toml"
        else JSON.replace('"title"', f'"title_deep": {deep}, "title"', 1)
    )
    with pytest.raises(CaseError, match="nested more than 32 levels deep"):
        Case.loads(text, fmt)


def test_a_100000_deep_json_array_is_refused_without_overflowing_the_stack():
    with pytest.raises(CaseError, match="nested more than"):
        Case.loads('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "json")


def test_a_5000_digit_integer_is_a_case_error_with_its_location():
    text = TOML.replace("principal = ", "principal = " + "9" * 5000 + " #", 1)
    with pytest.raises(CaseError) as e:
        Case.loads(text, "toml")
    line = 1 + TOML[: TOML.index("principal = ")].count("\n")
    assert e.value.lines() == [f"<string>: line {line}: has a number of more than 40 digits"]


def test_a_5000_digit_json_integer_is_reported_at_its_field():
    doc = json.loads(JSON)
    doc["loan"]["principal"] = "PLACEHOLDER"
    text = json.dumps(doc).replace('"PLACEHOLDER"', "9" * 5000)
    with pytest.raises(CaseError) as e:
        Case.loads(text, "json")
    ((loc, msg),) = e.value.problems
    assert loc == "loan.principal" and "5,000 digits" in msg and len(msg) < 200


@pytest.mark.parametrize("value", [Decimal("sNaN"), Decimal("NaN"), Decimal("1E+999999")])
def test_special_decimals_are_refused_at_their_field(value):
    doc = copy.deepcopy(DOC)
    doc["loan"]["principal"] = value
    with pytest.raises(CaseError) as e:
        Case.from_dict(doc)
    ((loc, msg),) = e.value.problems
    assert loc == "loan.principal" and len(msg) < 200


def test_a_rate_of_1e_minus_999999_does_not_overflow():
    doc = copy.deepcopy(DOC)
    doc["loan"]["annual_rate"] = Decimal("1E-999999")
    out = read(Case.from_dict, doc)  # read as 0 (below any rate's resolution) or refused
    assert isinstance(out, (Case, RepayplanError))


@pytest.mark.parametrize("value", [["level"], np.array(["level", "x"]), {"a": 1}])
def test_arrays_in_choice_fields_are_refused_at_their_field(value):
    doc = copy.deepcopy(DOC)
    doc["plans"][0]["method"] = value
    with pytest.raises(CaseError) as e:
        Case.from_dict(doc)
    assert e.value.problems[0][0] == "plans[0].method"


def test_bytes_and_oversized_text_are_refused_before_parsing():
    with pytest.raises(InputError, match="text"):
        Case.loads(TOML.encode(), "toml")
    t0 = time.perf_counter()
    with pytest.raises(CaseError, match="at most 10,000,000"):
        Case.loads("#" * 10_000_001, "toml")
    assert time.perf_counter() - t0 < 1


def test_a_huge_case_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.toml"
    with open(path, "wb") as fh:  # a sparse 50 MB file: nothing to read, just its size
        fh.truncate(50_000_000)
    t0 = time.perf_counter()
    with pytest.raises(CaseError, match="50,000,000 bytes"):
        Case.load(path)
    assert time.perf_counter() - t0 < 1
