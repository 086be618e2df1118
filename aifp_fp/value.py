"""The base of the tool's frozen attrs classes: one ``__repr__`` shared by all of them.

attrs compiles a ``__repr__`` for each class it builds, about a third of the
cost of building a class (~0.26 ms of ~0.7 ms here), and the tool builds some
ninety of them on every start: ~76 M of the ~690 M instructions that ``scan``'s
imports took (callgrind). Reprs are only read in tests and while debugging, so
the classes are declared ``repr=False`` and inherit this one, which reads the
fields when called and writes what attrs' own would.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

import attrs


class Value:
    """Base class of a frozen attrs class declared with ``repr=False``."""

    __slots__ = ()

    def __repr__(self) -> str:
        """Return ``Name(field=value, ...)`` over the fields shown in a repr, as attrs writes it."""
        cls = type(self)
        shown = ", ".join(
            f"{field.name}={_shown(field)(getattr(self, field.name))}"
            for field in attrs.fields(cast("type[attrs.AttrsInstance]", cls))  # an attrs subclass
            if field.repr is not False
        )
        return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({shown})"


def _shown(field: attrs.Attribute[object]) -> Callable[[object], str]:
    return field.repr if callable(field.repr) else repr
