"""Option values converted by the few rules our options need, without pydantic.

Typer 0.29 converts every option value that is not a flag through a pydantic
``TypeAdapter``, built the first time the option is parsed: the first such
option of a run imports pydantic and builds its schemas, ~80 ms of a ~290 ms
``check``, for options that are only ever a path, a word or a whole number.
``PlainValues``, mixed into our command and group classes, gives each such
option those rules instead, through the hook Typer fills lazily (``_runtime_param``, Typer's
"lazy definition to avoid up-front costs"):

- a flag is ``True``, ``False`` or not given (Typer's completion flags, whose
  default is None, are the ones that would reach pydantic);
- a path goes through Typer's own path checks (``exists``, ``readable``, ...),
  given a ``Path`` already, which is the case where they need no pydantic;
- a word is the text as given;
- a whole number is ASCII digits with an optional sign (stricter than Typer's
  pydantic, which took ``1_0`` and ``1.0``, and click's ``int()``, which takes
  ``1_0`` and other scripts' digits: a count of backups is written in digits),
  within the option's ``min``/``max``; refused with click's messages otherwise.

Any other option keeps Typer's conversion. Typer is pinned below 0.30 for this;
tests/test_cli_plain_values.py proves each rule and that ``check`` never imports
pydantic.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
from typer._click.exceptions import BadParameter
from typer._param_types import coerce_cli_path
from typer.core import TyperGroup

from aifp_fp.value import Value

_WHOLE_NUMBER = re.compile(r"\s*[+-]?[0-9]+\s*")


@attrs.frozen(slots=True, repr=False)
class PlainValue(Value):
    """Typer's runtime-parameter contract (``coerce``) for a flag, path, word or number option."""

    kind: type
    info: Any
    """The option's Typer ``ParameterInfo`` (its ``min``, ``max`` and path checks)."""

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        """Return ``value`` as this option's type (None stays None); raise click's
        ``BadParameter`` when it is not one."""
        if value is None:
            return None
        if self.kind is bool:
            if isinstance(value, bool):
                return value
            raise BadParameter(f"{value!r} is not a valid boolean.", ctx=ctx, param=param)
        if self.kind is Path:
            return coerce_cli_path(Path(value), self.info, path_type=Path, param=param, ctx=ctx)
        if self.kind is str:
            return str(value)
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, str) and _WHOLE_NUMBER.fullmatch(value):
            number = int(value)
        else:
            raise BadParameter(f"{value!r} is not a valid integer.", ctx=ctx, param=param)
        low, high = self.info.min, self.info.max
        if (low is not None and number < low) or (high is not None and number > high):
            if low is not None and high is not None:  # as click words a range
                bounds = f"{low}<=x<={high}"
            elif low is not None:
                bounds = f"x>={low}"
            else:
                bounds = f"x<={high}"
            raise BadParameter(f"{number} is not in the range {bounds}.", ctx=ctx, param=param)
        return number


def plain_option(param: Any) -> None:
    """Give ``param`` (an option or argument of Typer's bundled click) ``PlainValue``'s
    conversion when it is a single flag, path, word or whole number; leave it otherwise."""
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None or param.multiple or param.nargs != 1:
        return
    info = descriptor.parameter_info
    plain = descriptor.annotation in (bool, Path, str) or (
        descriptor.annotation is int and not info.clamp
    )
    if plain and info.parser is None:
        param._runtime_param = PlainValue(descriptor.annotation, info)


class PlainValues:
    """Mixin for a Typer command or group class: every option it parses (those Typer adds
    after building it, ``--help`` and the completion options, included) gets
    ``plain_option``'s conversion."""

    def get_params(self, ctx: Any) -> list[Any]:
        """Return the command's parameters (click's list), each converted plainly."""
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if getattr(param, "_runtime_param", True) is None:  # not yet built
                plain_option(param)
        return params


class PlainGroup(PlainValues, TyperGroup):
    """The command line's group (its ``--version`` and completion options), converted plainly."""
