"""The base of the tool's frozen attrs classes: one ``__repr__`` shared by all of them, and
a compact pickle.

attrs compiles a ``__repr__`` for each class it builds, about a third of the
cost of building a class (~0.26 ms of ~0.7 ms here), and the tool builds some
ninety of them on every start: ~76 M of the ~690 M instructions that ``scan``'s
imports took (callgrind). Reprs are only read in tests and while debugging, so
the classes are declared ``repr=False`` and inherit this one, which reads the
fields when called and writes what attrs' own would.

``scan``'s worker processes send every project's report back pickled. attrs
pickles a slotted class as a dict of field names to values, read back by a
Python ``__setstate__``. A ``Value`` pickles as its class and a tuple of its
fields' values instead, set again through the slots' own descriptors (which a
frozen class's ``__setattr__`` does not stand in front of). Nothing is
validated or computed again: the object comes back exactly as it was,
``init=False`` fields included. Callgrind, the parent of a scan of 1,000
projects: unpickling 109 M instructions before, 72 M after; a project's report
pickles to 370 bytes instead of 465.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any, cast

import attrs

_HASH_CACHE = "_attrs_cached_hash"
"""The slot where attrs keeps a ``cache_hash=True`` class's hash (None: not computed yet)."""

Recipe = tuple[Callable[[object], Any], tuple[Callable[[object, object], None], ...], bool]
"""How one class pickles: read its fields' values (a tuple, or the value of a class with one
field); set each through its slot; whether a cached hash is to be cleared."""

_RECIPES: dict[type, Recipe | None] = {}
"""Each class's recipe, learnt at its first pickle (None: pickled as attrs does)."""


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

    def __reduce_ex__(self, protocol: Any) -> str | tuple[Any, ...]:
        """Return how to pickle the object: its class and its fields' values, in order."""
        cls = type(self)
        recipe = _RECIPES[cls] if cls in _RECIPES else _learn(cls)
        if recipe is None:
            return object.__reduce_ex__(self, protocol)
        return (_restored, (cls, recipe[0](self)))


def _learn(cls: type) -> Recipe | None:
    """Return (and keep) the recipe of ``cls``; None when a slot holds what is not a field."""
    names = tuple(field.name for field in attrs.fields(cast("type[attrs.AttrsInstance]", cls)))
    slots = {name for klass in cls.__mro__ for name in klass.__dict__.get("__slots__", ())}
    descriptors = [_slot(cls, name) for name in names]
    recipe: Recipe | None = None
    settable = names and all(hasattr(d, "__set__") for d in descriptors)
    if settable and slots - set(names) <= {"__weakref__", _HASH_CACHE}:
        recipe = (attrgetter(*names), tuple(d.__set__ for d in descriptors), _HASH_CACHE in slots)
    _RECIPES[cls] = recipe
    return recipe


def _slot(cls: type, name: str) -> Any:
    return next((klass.__dict__[name] for klass in cls.__mro__ if name in klass.__dict__), None)


def _restored(cls: type, values: Any) -> object:
    """Return an object of ``cls`` holding ``values``, as ``Value.__reduce_ex__`` pickled it."""
    made: object = object.__new__(cls)
    _, puts, cached_hash = _RECIPES.get(cls) or _learn(cls)  # type: ignore[misc]
    if len(puts) == 1:
        puts[0](made, values)
    else:
        for put, value in zip(puts, values, strict=True):
            put(made, value)
    if cached_hash:  # computed again when first asked: string hashes differ between processes
        _slot(cls, _HASH_CACHE).__set__(made, None)
    return made


def _shown(field: attrs.Attribute[object]) -> Callable[[object], str]:
    return field.repr if callable(field.repr) else repr
