"""Showing ``scan``: one table (or one JSON document), a progress bar on a terminal, a summary."""

from __future__ import annotations

import sys
from typing import Any

from aifp_shell.commands.scan import Progress, ProgressFactory, ScanReport, rows, scan_json
from aifp_shell.output.console import error_line, print_json


def progress_bar() -> ProgressFactory | None:
    """Return a factory of rich progress callbacks on stderr, or None when it is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def start(label: str, total: int) -> Progress:
        import threading

        from rich.console import Console
        from rich.progress import Progress as Bar

        bar = Bar(console=Console(stderr=True), transient=True)
        task = bar.add_task(label, total=total)
        bar.start()
        lock = threading.Lock()
        done = [0]

        def tick() -> None:
            with lock:
                done[0] += 1
                bar.update(task, completed=done[0])
                if done[0] >= total:
                    bar.stop()

        if total == 0:
            bar.stop()
        return tick

    return start


def show_scan(report: ScanReport, as_json: bool) -> int:
    """Show a scan's report and return its exit code."""
    if report.problem is not None:
        error_line(report.problem)
    if as_json:
        print_json(scan_json(report), compact=True)
        return report.exit_code()
    out = sys.stdout
    table = [("project", "database", "version", "latest", "status"), *rows(report)]
    widths = [max(len(row[i]) for row in table) for i in range(5)]
    for row in table:
        out.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n")
    for project in (report.core, *report.projects):
        for db in project.databases:
            if db.problem is not None:
                error_line(db.problem)
            for difference in db.differences:
                out.write(f"{project.path}: {db.name}: drift: {difference}\n")
        if project.run is not None and project.run.problem is not None:
            error_line(project.run.problem)
        if project.run is not None:
            for run in project.run.databases:
                if run.backup:
                    out.write(f"{project.path}: {run.name}: backup: {run.backup}\n")
    for skipped in report.skipped:
        out.write(f"skipped folder {skipped.path}: {skipped.reason}\n")
    summary: dict[str, Any] = report.summary()
    parts = [f"{summary['projects']} projects"] + [
        f"{summary[key]} {key.replace('_', ' ')}"
        for key in ("up_to_date", "pending", "migrated", "drift", "failed")
        if summary[key]
    ]
    if report.skipped:
        parts.append(f"{len(report.skipped)} folders skipped")
    out.write("summary: " + ", ".join(parts) + "\n")
    return report.exit_code()
