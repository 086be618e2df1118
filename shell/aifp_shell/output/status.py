"""``check``'s table, sized for an 80-column terminal: where the files are, then one row each.

On a terminal the folders are named once above the table (home as ``~``, a
long one cut in the middle), so the rows hold only short cells, and the
statuses are coloured. Piped, each row carries its database's whole path, in
plain columns: never cut, easy to grep.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from aifp_shell.commands.reports import DatabaseStatus, PendingStep, StatusReport

if TYPE_CHECKING:
    from rich.console import Console

WIDTH = 80
HEADER = ("database", "version", "latest", "pending", "status")
COLOURS = {
    "up_to_date": "green",
    "pending": "yellow",
    "missing": "yellow",
    "ahead": "red",
    "unversioned": "red",
    "drift": "bold red",
    "migrations_invalid": "bold red",
}
"""The colour of each status on a terminal; a status not listed is printed plain."""


def plural(count: int, word: str) -> str:
    """Return ``1 step``, ``2 steps``: the count and the word, in the plural unless it is one."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def shortened(path: str, width: int, home: Path | None = None) -> str:
    """Return ``path`` with the home folder as ``~``, cut in the middle to at most ``width``."""
    home = Path.home() if home is None else home
    text = path
    if Path(path).is_relative_to(home) and home != Path(home.anchor):
        text = "~/" + Path(path).relative_to(home).as_posix()
    if len(text) <= width:
        return text
    keep = width - 1
    head = keep // 3
    return text[:head] + "…" + text[len(text) - (keep - head) :]


def pending_cell(pending: tuple[PendingStep, ...]) -> str:
    """Return the pending steps as ``1.0→1.9 (3 steps)``, ``new→1.0 (1 step)``, or ``-``."""
    if not pending:
        return "-"
    start = pending[0].from_version or "new"
    return f"{start}→{pending[-1].to_version} ({plural(len(pending), 'step')})"


def where_lines(databases: tuple[DatabaseStatus, ...], width: int = WIDTH) -> list[str]:
    """Return the lines that say where the files are: aifp_core's file, the project folder."""
    lines = []
    core = next((db for db in databases if db.name == "aifp_core"), None)
    if core is not None and core.path:
        lines.append("aifp_core: " + shortened(core.path, width - len("aifp_core: ")))
    project = next((db.path for db in databases if db.name != "aifp_core" and db.path), None)
    label = "project databases: "
    if project is None:
        lines.append(label + "(no project found)")
    else:
        lines.append(label + shortened(str(Path(project).parent), width - len(label)))
    return lines


def rows_of(databases: tuple[DatabaseStatus, ...]) -> list[tuple[str, ...]]:
    """Return one row per database: name, version, latest, pending, status."""
    return [
        (db.name, db.version or "-", db.latest or "-", pending_cell(db.pending), db.status)
        for db in databases
    ]


def piped_rows(databases: tuple[DatabaseStatus, ...]) -> list[tuple[str, ...]]:
    """Return the header and rows of piped output: each row with its database's whole path."""
    rows: list[tuple[str, ...]] = [(HEADER[0], "path", *HEADER[1:])]
    for db, row in zip(databases, rows_of(databases), strict=True):
        rows.append((row[0], db.path or "(no project)", *row[1:]))
    return rows


def print_table(report: StatusReport, console: Console) -> None:
    """Print the folders and the table on a terminal ``console``, statuses coloured."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    for line in where_lines(report.databases, min(console.width, WIDTH)):
        console.print(line, highlight=False, markup=False)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for column in HEADER:
        table.add_column(column, no_wrap=True)
    for row in rows_of(report.databases):
        table.add_row(*row[:-1], Text(row[-1], style=COLOURS.get(row[-1], "")))
    console.print(table)
