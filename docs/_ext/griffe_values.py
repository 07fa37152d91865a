"""Griffe extension for the docs build: the value objects' ``__init__`` signatures.

A value object subclasses ``repayplan._value.Value``, which makes it a frozen dataclass when
the class is made (``__init_subclass__``), with its fields declared by
``repayplan._value.field(default=..., check=...)``.  Griffe reads the code without running it
and recognises only ``@dataclasses.dataclass`` and ``dataclasses.field``, so it would see no
``__init__`` and warn that every documented parameter is missing from the signature.  This
extension builds the ``__init__`` of each such class the way ``dataclasses`` does: the
annotated fields in order, ``default=`` (or ``default_factory=``) of ``field`` as the
default, ``init=False`` left out, ``kw_only=True`` in the class statement or the field made
keyword-only.
"""

from __future__ import annotations

from typing import Any

from griffe import (
    Attribute,
    Class,
    Expr,
    ExprCall,
    Extension,
    Function,
    Module,
    Object,
    Parameter,
    ParameterKind,
    Parameters,
)

VALUE = "repayplan._value.Value"
FIELDS = {"repayplan._value.field", "dataclasses.field"}


def _is_value(cls: Class) -> bool:
    return any(isinstance(b, Expr) and b.canonical_path == VALUE for b in cls.bases)


def _field_args(attr: Attribute) -> dict[str, Any] | None:
    value = attr.value
    if isinstance(value, ExprCall) and value.function.canonical_path in FIELDS:
        return {a.name: a.value for a in value.arguments if hasattr(a, "name")}
    return None


def _init(cls: Class) -> Function:
    class_kw_only = str(cls.keywords.get("kw_only", "False")) == "True"
    positional, keyword = [], []
    for member in cls.members.values():
        if not isinstance(member, Attribute) or member.annotation is None:
            continue
        if "class-attribute" in member.labels and "instance-attribute" not in member.labels:
            continue  # a ClassVar
        args = _field_args(member)
        if args is None:
            default = member.value
        elif str(args.get("init", "True")) == "False":
            continue
        elif "default_factory" in args:
            default = ExprCall(function=args["default_factory"], arguments=[])
        else:
            default = args.get("default")
        kw_only = class_kw_only or (args is not None and str(args.get("kw_only")) == "True")
        kind = ParameterKind.keyword_only if kw_only else ParameterKind.positional_or_keyword
        param = Parameter(member.name, annotation=member.annotation, kind=kind, default=default)
        (keyword if kw_only else positional).append(param)
    self_ = Parameter("self", kind=ParameterKind.positional_or_keyword)
    return Function(
        "__init__",
        lineno=0,
        endlineno=0,
        parent=cls,
        parameters=Parameters(self_, *positional, *keyword),
        returns="None",
    )


def _walk(obj: Object):
    for member in obj.members.values():
        if member.is_alias:
            continue
        if isinstance(member, (Module, Class)):
            yield member
            yield from _walk(member)


class ValueObjects(Extension):
    """Give each ``repayplan._value.Value`` subclass its dataclass ``__init__``."""

    def on_package(self, *, pkg: Module, **kwargs: Any) -> None:
        for obj in _walk(pkg):
            if isinstance(obj, Class) and "__init__" not in obj.members and _is_value(obj):
                obj.set_member("__init__", _init(obj))
                obj.labels.add("dataclass")
