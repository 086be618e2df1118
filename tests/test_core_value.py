"""The shared ``__repr__`` and pickle of the tool's frozen attrs classes (``aifp_fp/value.py``)."""

from __future__ import annotations

import importlib
import os
import pickle
import pkgutil
import subprocess
import sys
from pathlib import Path

import attrs
from hypothesis import given
from hypothesis import strategies as st

import aifp_fp
import aifp_shell
from aifp_fp.graph import MigrationSet
from aifp_fp.value import Value
from aifp_shell.files.sources import load_migration_set

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


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


@attrs.frozen(slots=True, repr=False)
class _Derived(Value):
    """A field worked out at construction, and one field alone in a nested value."""

    parts: tuple[_Single, ...]
    total: int = attrs.field(init=False)

    @total.default
    def _total(self) -> int:
        _Derived.made += 1
        return sum(part.value for part in self.parts)

    made = 0  # how many times ``total`` was worked out (a class attribute, not a field)


@attrs.frozen(slots=True, repr=False)
class _Single(Value):
    value: int


@attrs.frozen(slots=False, repr=False)
class _NoSlots(Value):
    name: str
    count: int = 0


@given(st.lists(st.integers(), max_size=5), st.text(), st.text(), st.integers())
def test_a_value_comes_back_from_its_pickle_as_it_was(
    values: list[int], name: str, hidden: str, count: int
) -> None:
    shared = _Shared(name, count, (_Single(count), None), hidden, name[::-1])
    derived = _Derived(tuple(_Single(v) for v in values))
    made = _Derived.made
    for value in (shared, derived, _NoSlots(name, count)):
        back = pickle.loads(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == value and type(back) is type(value) and repr(back) == repr(value)
    assert pickle.loads(pickle.dumps(derived)).total == sum(values)
    assert _Derived.made == made  # set back as it was, not worked out again


def test_a_value_is_pickled_as_its_fields_values_and_smaller_than_attrs_writes_it() -> None:
    value = _Shared("name", 3, ("a", "b"), "h", "s")
    ours = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    attrs_way = pickle.dumps(_AttrsOwn("name", 3, ("a", "b"), "h", "s"))
    assert b"_restored" in ours and b"hidden" not in ours  # no field names
    assert len(ours) < len(attrs_way)


def test_a_cached_hash_is_not_carried_to_another_process() -> None:
    # String hashes differ between processes: a hash cached in one would be wrong in another.
    # MigrationSet caches its hash (cache_hash=True).
    code = (
        "import pickle, sys; from pathlib import Path;"
        " from aifp_shell.files.sources import load_migration_set as load;"
        " s = load('project', Path(sys.argv[1])).unwrap(); hash(s);"
        " sys.stdout.buffer.write(pickle.dumps(s))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "1"}
    there = subprocess.run(
        [sys.executable, "-c", code, str(MIGRATIONS)], capture_output=True, check=True, env=env
    ).stdout
    back = pickle.loads(there)
    here = load_migration_set("project", MIGRATIONS).unwrap()
    assert isinstance(back, MigrationSet) and back == here and hash(back) == hash(here)
    assert {back: 1}[here] == 1
