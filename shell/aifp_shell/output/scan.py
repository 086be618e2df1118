"""Showing ``scan``: one table (or one JSON document) and a summary."""

from __future__ import annotations

import sys
from typing import Any

from aifp_shell.commands.scan import ScanReport, rows, scan_json
from aifp_shell.output.console import error_line, plain_columns, print_json


def show_scan(report: ScanReport, as_json: bool) -> int:
    """Show a scan's report and return its exit code."""
    if report.problem is not None:
        error_line(report.problem)
    if as_json:
        print_json(scan_json(report), compact=True)
        return report.exit_code()
    out = sys.stdout
    plain_columns([("project", "database", "version", "latest", "status"), *rows(report)])
    for project in (report.core, *report.projects):
        for db in project.databases:
            if db.problem is not None:
                error_line(db.problem)
            for difference in db.differences:
                out.write(f"{project.path}: {db.name}: drift: {difference}\n")
        if project.run is not None and project.run.problem is not None:
            error_line(project.run.problem, project.path)  # its own run: this project only
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
