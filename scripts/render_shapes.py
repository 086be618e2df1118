"""Write migrations/<db>/shapes/: every schema AIFP published, rendered from its facts.

    .venv/bin/python scripts/render_shapes.py

Reads ``tests/facts/history/MANIFEST.tsv`` and each facts file beside it and
writes one whole-schema script per published shape,
``migrations/<db>/shapes/v<V>_<date>_<commit>.sql``. The tool never runs these
on a database: it replays them in memory to recognise a database that is at a
published shape of its version. ``tests/test_shapes.py`` fails when a shipped
file differs from what this script writes.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.facts_sql import schema_script  # noqa: E402

HISTORY = REPO / "tests" / "facts" / "history"


def shape_name(row: dict[str, str]) -> str:
    """Return the file name of a manifest row's shape: ``v<V>_<date>_<commit>.sql``."""
    return f"v{row['version']}_{row['date']}_{row['commit']}.sql"


def rendered_shapes() -> dict[Path, str]:
    """Return every shape file's path (relative to the repository) and text."""
    out: dict[Path, str] = {}
    with (HISTORY / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            facts = json.loads((HISTORY / row["db"] / row["file"]).read_text(encoding="utf-8"))
            header = (
                f"-- {row['db']}.db at {row['version']} as AIFP published it on {row['date']}\n"
                f"-- (commit {row['commit']}, {row['published_as']}).\n"
                f"-- Rendered from tests/facts/history/{row['db']}/{row['file']} by\n"
                "-- scripts/render_shapes.py: do not edit. aifp-migrate never runs this\n"
                "-- file on a database; it replays it in memory to recognise a database\n"
                "-- at this shape.\n\n"
            )
            path = Path("migrations") / row["db"] / "shapes" / shape_name(row)
            out[path] = header + schema_script(facts)
    return out


def main() -> None:
    """Write every shape file."""
    for relative, text in rendered_shapes().items():
        path = REPO / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(relative)


if __name__ == "__main__":
    main()
