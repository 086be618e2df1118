"""Showing ``verify``'s report: one line per finding on stderr, a summary, or one JSON document."""

from __future__ import annotations

import sys
from typing import Any

from aifp_shell.commands.verify.run import VerifyReport
from aifp_shell.messages import error_json
from aifp_shell.output.console import error_line, print_json


def verify_json(report: VerifyReport) -> dict[str, Any]:
    """Return ``verify --json``'s document: per database what was checked, findings, notes."""
    document: dict[str, Any] = {
        "migrations_dir": report.migrations_dir,
        "ok": report.exit_code() == 0,
        "databases": [
            {
                "name": db.name,
                "files": db.files,
                "steps": db.steps,
                "rollbacks_checked": db.rollbacks_checked,
                "paths_compared": db.paths_compared,
                "status": "failed" if any(f.database == db.name for f in report.findings) else "ok",
            }
            for db in report.databases
        ],
        "findings": [
            {"database": f.database, "file": f.file, "check": f.check, "message": f.detail}
            for f in report.findings
        ],
        "notes": [{"database": n.database, "file": n.file, "note": n.detail} for n in report.notes],
    }
    if report.problem is not None:
        document["error"] = error_json(report.problem)
    return document


def show_verify(report: VerifyReport, as_json: bool) -> int:
    """Show ``verify``'s report and return its exit code (0 ok, 2 unreadable, 3 findings)."""
    if report.problem is not None:
        error_line(report.problem)
    for finding in report.findings:
        sys.stderr.write(
            f"aifp-migrate: verify: {finding.file}: {finding.check}: {finding.detail}\n"
        )
    if as_json:
        print_json(verify_json(report))
        return report.exit_code()
    out = sys.stdout
    for db in report.databases:
        failed = sum(1 for f in report.findings if f.database == db.name)
        out.write(
            f"{db.name}: {db.files} files, {db.steps} steps applied on sample rows, "
            f"{db.rollbacks_checked} rollbacks checked, {db.paths_compared} paths compared: "
            f"{'FAILED (' + str(failed) + ')' if failed else 'ok'}\n"
        )
    for note in report.notes:
        out.write(f"  note: {note.file}: {note.detail}\n")
    if report.problem is None:
        out.write(
            "verify: " + ("ok\n" if not report.findings else f"{len(report.findings)} problem(s)\n")
        )
    return report.exit_code()
