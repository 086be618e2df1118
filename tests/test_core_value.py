"""The shared ``__repr__`` of the tool's frozen attrs classes (``aifp_fp/value.py``)."""

from __future__ import annotations

import importlib
import pkgutil

import attrs
from hypothesis import given
from hypothesis import strategies as st

import aifp_fp
import aifp_shell
from aifp_fp.value import Value


@attrs.frozen(slots=True)
class _AttrsOwn:
    name: str
    count: int | None
    items: tuple[object, ...] = ()
    hidden: str = attrs.field(default="x", repr=False)
    shown: str = attrs.field(default="y", repr=lambda text: text.upper())


@attrs.frozen(slots=True, repr=False)
class _Shared(Value):
    name: str
    count: int | None
    items: tuple[object, ...] = ()
    hidden: str = attrs.field(default="x", repr=False)
    shown: str = attrs.field(default="y", repr=lambda text: text.upper())


@given(
    st.text(),
    st.none() | st.integers(),
    st.tuples(st.text(), st.floats(allow_nan=False)),
    st.text(),
    st.text(),
)
def test_shared_repr_writes_what_attrs_writes(
    name: str, count: int | None, items: tuple[object, ...], hidden: str, shown: str
) -> None:
    own = repr(_AttrsOwn(name, count, items, hidden, shown))
    shared = repr(_Shared(name, count, items, hidden, shown))
    assert shared == own.replace("_AttrsOwn(", "_Shared(", 1)


def test_a_nested_value_is_shown_by_its_own_repr() -> None:
    inner = _Shared("inner", 1)
    assert repr(_Shared("outer", None, (inner,))) == (
        "_Shared(name='outer', count=None, items=(_Shared(name='inner', count=1, items=(),"
        " shown=Y),), shown=Y)"
    )


def _frozen_classes() -> list[type]:
    found = []
    for package in (aifp_fp, aifp_shell):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            module = importlib.import_module(info.name)
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and value.__module__ == module.__name__
                    and attrs.has(value)
                    and value.__setattr__ is not object.__setattr__  # frozen
                ):
                    found.append(value)
    return found


def test_every_frozen_class_uses_the_shared_repr() -> None:
    classes = _frozen_classes()
    assert len(classes) >= 140
    compiled = [c.__qualname__ for c in classes if c.__repr__ is not Value.__repr__]
    assert compiled == []
