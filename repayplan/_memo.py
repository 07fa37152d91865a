"""A small bounded memo for pure functions of the library's value objects (ground floor).

:func:`repayplan.plans.plan_batch` keeps the schedule rows of recent plans and
:func:`repayplan.rules.check` the findings of recent checks: a dashboard update asks for the
same plans several times, and each is computed once.  The arguments make the key: a frozen
dataclass compared on every field (a :class:`~repayplan.plans.Plan`, a rule set) by its value,
anything else (a claim, whose loan and history are not compared; a namespace) by identity —
and then the object is held with the entry, so that its identity stays its own and a hit
requires the very same object.  The oldest of ``maxsize`` entries is dropped first; a lock
keeps the moves atomic under threads.

>>> import dataclasses
>>> @dataclasses.dataclass(frozen=True)
... class Terms:
...     term: int
>>> memo = Memo(maxsize=2)
>>> claim = object()
>>> memo.get(Terms(12), claim) is None
True
>>> memo.put(Terms(12), claim, value="rows of 12")
>>> memo.get(Terms(12), claim)                 # an equal plan, the same claim
'rows of 12'
>>> memo.get(Terms(12), object()) is None      # another claim object: not the same
True
"""

from __future__ import annotations

import collections
import dataclasses
import threading
from typing import Any

__all__ = ["Memo"]


def _part(x: Any):
    if x is None:
        return None
    params = vars(type(x)).get("__dataclass_params__")  # frozen=True? (not in typing's stubs)
    if (
        dataclasses.is_dataclass(x)
        and not isinstance(x, type)
        and params is not None
        and params.frozen
        and all(f.compare for f in dataclasses.fields(x))
    ):
        return ("value", type(x), x)
    return ("id", id(x))


class Memo:
    """Values of recent calls keyed on their arguments (see the module's docstring)."""

    def __init__(self, maxsize: int = 512):
        self.maxsize = maxsize
        self._d: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()  # an OrderedDict's moves are not atomic

    @staticmethod
    def _key(objs: tuple):
        key = tuple(_part(x) for x in objs)
        try:
            hash(key)
        except TypeError:  # a frozen dataclass with an unhashable field: not kept
            return None
        return key

    def get(self, *objs):
        """The value kept for these arguments, or ``None``."""
        key = self._key(objs)
        if key is None:
            return None
        with self._lock:
            hit = self._d.get(key)
            if hit is None or any(
                p is not None and p[0] == "id" and a is not b
                for p, a, b in zip(key, hit[0], objs, strict=True)
            ):
                return None
            self._d.move_to_end(key)
            return hit[1]

    def put(self, *objs, value) -> None:
        """Keep ``value`` for these arguments (the arguments are held with it)."""
        key = self._key(objs)
        if key is None:
            return
        with self._lock:
            self._d[key] = (objs, value)
            self._d.move_to_end(key)
            while len(self._d) > self.maxsize:
                self._d.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (tests start cold with it)."""
        with self._lock:
            self._d.clear()
