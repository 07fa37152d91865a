"""Griffe extension for the docs build: read the library's reST-flavoured docstrings as Markdown.

The docstrings are numpy style (parsed by Griffe) with a few reStructuredText idioms inside
(Sphinx roles, ``.. math::`` blocks, ``::`` literal blocks and ``#:`` attribute comments).
This extension rewrites them, only for the site (the library is not changed; this file is
excluded from the built site):

* ``:func:`name``` and the other Sphinx roles become mkdocstrings cross-references
  (``[`name`][repayplan.module.name]``), resolved here the way Python resolves the name in the
  scope of the object documented (its members, its class, its module, the module's imports);
  ``repayplan.Loan`` (a re-export) resolves to ``repayplan.claim.Loan``.

  - A target that cannot be found is left as it is: autorefs reports it and
    ``mkdocs build --strict`` fails on the broken reference.
  - A target that exists but has no page (not in its module's ``__all__``, or without a
    docstring) is shown as code and listed at INFO level ("not in the reference").
  - Targets outside repayplan (``decimal.Decimal``, ``scipy.optimize.minimize`` ...) are
    shown as code: the build never fetches another project's inventory.

* ``:math:`x``` becomes ``\\(x\\)`` and a ``.. math::`` block becomes ``$$ ... $$`` for
  ``pymdownx.arithmatex``.
* A paragraph ending in ``::`` ends in ``:`` (its indented block stays a code block).
* A module constant with no docstring takes the ``#:`` comment lines above it, and a
  dataclass field takes its entry in the class's Parameters or Attributes section, so both
  appear in the reference and can be linked to.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from griffe import Docstring, DocstringSectionKind, Extension, Object, parse_numpy

logger = logging.getLogger("mkdocs.plugins.repayplan_docs")

#: Top-level names of other projects (and builtins): shown as code, never linked.
EXTERNAL = {
    "datetime",
    "decimal",
    "fractions",
    "math",
    "numbers",
    "os",
    "pathlib",
    "io",
    "json",
    "tomllib",
    "numpy",
    "np",
    "pandas",
    "pd",
    "scipy",
    "numpy_financial",
    "openpyxl",
    "reportlab",
    "dask",
    "ipywidgets",
    "matplotlib",
    "holidays",
    "csv",
    "str",
    "int",
    "float",
    "bool",
    "dict",
    "list",
    "tuple",
    "ValueError",
    "TypeError",
    "Exception",
    "KeyError",
}

_ROLE = re.compile(r":(?:py:)?(func|class|meth|attr|data|mod|exc|obj|const|term):`(~?)([^`]+?)`")
_MATH_ROLE = re.compile(r":math:`([^`]+)`")
_MATH_LINE = re.compile(r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<rest>.*)$")
_CALLABLE_ROLES = {"func", "meth", "class", "exc"}


# ------------------------------------------------------------------------------------------
# text
# ------------------------------------------------------------------------------------------
def math_blocks(text: str) -> str:
    """``.. math::`` directives (one line, or an indented block) as ``$$ ... $$`` blocks."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _MATH_LINE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        indent = len(m.group("indent"))
        body = [m.group("rest").strip()] if m.group("rest").strip() else []
        i += 1
        # the directive's content: lines indented deeper than the directive (and blank
        # lines between them)
        while i < len(lines):
            line = lines[i]
            deeper = line.strip() and len(line) - len(line.lstrip()) > indent
            if deeper:
                body.append(line.strip())
                i += 1
            elif not line.strip() and not body:
                i += 1
            elif (
                not line.strip()
                and i + 1 < len(lines)
                and lines[i + 1].strip()
                and len(lines[i + 1]) - len(lines[i + 1].lstrip()) > indent
            ):
                i += 1
            else:
                break
        pad = m.group("indent")
        if out and out[-1].strip():
            out.append("")
        out += [f"{pad}$$", *(f"{pad}{b}" for b in body), f"{pad}$$", ""]
    return "\n".join(out)


# numpy sections whose items Griffe parses itself ("name : type" over an indented description)
_PARSED_SECTIONS = {
    "parameters",
    "other parameters",
    "returns",
    "yields",
    "receives",
    "raises",
    "warns",
    "attributes",
    "methods",
    "functions",
    "classes",
    "modules",
    "see also",
    "examples",
}
_LIST_ITEM = re.compile(r"^[ \t]*([*+-]|\d+[.)]|\([^)\s]{1,4}\))[ \t]")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def definition_lists(text: str) -> str:
    """reST definition lists (a term, its definition indented under it) as Markdown ones.

    Only in free text: the description and the sections Griffe does not parse into items
    (a "Definitions" or "Objectives" section, Notes).  A list item's continuation lines and
    doctest lines are left alone.
    """
    lines = text.split("\n")
    out: list[str] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if nxt.strip() and set(nxt.strip()) <= {"-"} and len(nxt.strip()) >= 3 and line.strip():
            section = line.strip().lower()
            out += [line, nxt]
            i += 2
            continue
        is_term = (
            section not in _PARSED_SECTIONS
            and line.strip()
            and nxt.strip()
            and _indent(nxt) > _indent(line)
            and not _LIST_ITEM.match(line)
            and not line.lstrip().startswith((">>>", "...", "$$", "|"))
            and not line.rstrip().endswith(":")
            and (
                not out
                or not out[-1].strip()
                or _indent(out[-1]) >= _indent(line)
                or out[-1].lstrip().startswith(":")
            )
        )
        if not is_term:
            out.append(line)
            i += 1
            continue
        pad = " " * _indent(line)
        if out and out[-1].strip() and not set(out[-1].strip()) <= {"-", "="}:
            out.append("")
        out.append(line)
        j = i + 1
        body: list[str] = []
        while j < len(lines) and lines[j].strip() and _indent(lines[j]) > _indent(line):
            body.append(lines[j].strip())
            j += 1
        out.append(f"{pad}:   {body[0]}")
        out += [f"{pad}    {b}" for b in body[1:]]
        i = j
    return "\n".join(out)


def doctest_blocks(text: str) -> str:
    """``>>>`` sessions outside an Examples section as fenced ``pycon`` code (not quotes)."""
    lines = text.split("\n")
    out: list[str] = []
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and nxt.strip() and set(nxt.strip()) <= {"-"} and len(nxt.strip()) >= 3:
            section = line.strip().lower()
        if section == "examples" or not line.lstrip().startswith(">>>"):
            out.append(line)
            i += 1
            continue
        pad = " " * _indent(line)
        j = i
        while j < len(lines) and lines[j].strip():
            j += 1
        if out and out[-1].strip():
            out.append("")
        out += [f"{pad}```pycon", *lines[i:j], f"{pad}```"]
        i = j
    return "\n".join(out)


def rewrite(text: str, link) -> str:
    """A docstring with its reST idioms as Markdown; ``link(role, tilde, target)`` makes refs."""
    text = doctest_blocks(text)
    text = math_blocks(text)
    text = definition_lists(text)
    text = _MATH_ROLE.sub(lambda m: "\\(" + m.group(1) + "\\)", text)
    text = _ROLE.sub(lambda m: link(m.group(1), m.group(2), m.group(3).strip()), text)
    # a paragraph ending with "::" introduces a literal block: keep one colon
    text = re.sub(r"(?<=\S)::[ \t]*$", ":", text, flags=re.M)
    text = re.sub(r"^([ \t]*)::[ \t]*$", r"\1", text, flags=re.M)
    return text


# ------------------------------------------------------------------------------------------
# the object tree
# ------------------------------------------------------------------------------------------
def _deref(obj):
    if obj is not None and obj.is_alias:
        try:
            return obj.final_target
        except Exception:  # noqa: BLE001 - an alias to another package: not ours to link
            return None
    return obj


def _walk(obj):
    yield obj
    for member in list(obj.members.values()):
        if member.is_alias:
            continue
        yield from _walk(member)


def lookup(scope, target: str, role: str, package):
    """The object ``target`` names in ``scope`` (None if there is none)."""
    parts = target.split(".")
    if parts[0] == package.name:
        obj, rest = package, parts[1:]
    else:
        obj, o = None, scope
        while o is not None:
            m = o.members.get(parts[0])
            if m is not None and not (
                role in _CALLABLE_ROLES and _deref(m) is not None and _deref(m).is_attribute
            ):
                obj = m
                break
            o = o.parent
        if obj is None:
            return None
        rest = parts[1:]
    obj = _deref(obj)
    for p in rest:
        if obj is None or p not in obj.members:
            return None
        obj = _deref(obj.members[p])
    # ``repayplan.evaluate`` is both a module and the function it exports: a function role
    # means the function
    if obj is not None and obj.is_module and role in _CALLABLE_ROLES and obj.name in obj.members:
        obj = _deref(obj.members[obj.name])
    return obj


def rendered(obj) -> bool:
    """Whether mkdocstrings renders ``obj`` (public and documented, as its parents)."""
    while obj is not None:
        if not obj.is_module:
            if not obj.is_public or not (obj.docstring and obj.docstring.value.strip()):
                return False
        obj = obj.parent
    return True


def comment_doc(attr) -> str | None:
    """The ``#:`` comment lines just above a module attribute."""
    if attr.lineno is None:
        return None
    try:
        lines = attr.parent.lines
    except Exception:  # noqa: BLE001 - no source: no comment
        return None
    doc: list[str] = []
    j = attr.lineno - 2
    while j >= 0 and lines[j].lstrip().startswith("#:"):
        doc.insert(0, lines[j].lstrip()[2:].strip())
        j -= 1
    return " ".join(doc) or None


def field_docs(cls) -> dict[str, str]:
    """A class's Parameters and Attributes entries, by name."""
    if cls.docstring is None:
        return {}
    out: dict[str, str] = {}
    try:
        sections = parse_numpy(cls.docstring, warnings=False)
    except Exception:  # noqa: BLE001 - an unparsable docstring documents no field
        return {}
    for section in sections:
        if section.kind in (DocstringSectionKind.parameters, DocstringSectionKind.attributes):
            for item in section.value:
                for name in item.name.split(","):
                    if item.description:
                        out.setdefault(name.strip(), item.description)
    return out


class RstToMarkdown(Extension):
    """Rewrite the package's docstrings for the site; see the module docstring."""

    def on_package(self, *, pkg: Object, **kwargs: Any) -> None:
        objects = list(_walk(pkg))
        # 1. docstrings for constants (#: comments) and dataclass fields (class docstring)
        for obj in objects:
            if obj.docstring is not None or not obj.is_attribute or obj.parent is None:
                continue
            text = None
            if obj.parent.is_module:
                text = comment_doc(obj)
            elif obj.parent.is_class:
                text = field_docs(obj.parent).get(obj.name)
            if text:
                obj.docstring = Docstring(text, lineno=obj.lineno, parent=obj)
        # 2. roles, math and literal blocks
        for obj in objects:
            if obj.docstring is None:
                continue

            def link(role, tilde, target, obj=obj):
                shown = target.rsplit(".", 1)[-1] if tilde else target
                found = lookup(obj, target, role, pkg)
                if found is None:
                    if target.split(".", 1)[0] in EXTERNAL:
                        return f"`{shown}`"
                    return f"[`{shown}`][{target}]"  # autorefs reports it: strict fails
                if not rendered(found):
                    logger.info(
                        "%s: %s is not in the reference; shown as code", obj.path, found.path
                    )
                    return f"`{shown}`"
                return f"[`{shown}`][{found.path}]"

            obj.docstring.value = rewrite(obj.docstring.value, link)
