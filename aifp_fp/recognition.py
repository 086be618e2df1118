"""What recognising a live schema found: a known shape of its version, or drift.

Plain values, apart from ``shapes`` (which computes them) so that reading a
remembered answer (the shell's drift cache) does not load the schema model.
"""

from __future__ import annotations

import attrs

from aifp_fp.value import Value


@attrs.frozen(slots=True, repr=False)
class AtShape(Value):
    """The live structure is the version's own (``slug`` None) or the published shape ``slug``."""

    slug: str | None


@attrs.frozen(slots=True, repr=False)
class Drifted(Value):
    """The live structure is no known shape of its version; differences from the version's own."""

    differences: tuple[str, ...]
