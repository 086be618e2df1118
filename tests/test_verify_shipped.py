"""``verify`` proves the whole shipped set, AIFP's real lineage, with its own sample rows.

Its sample rows use, for every CHECK ... IN column, values every version of the
set accepts, so each step carries them: each step applies, up again is a no-op,
each rollback returns to the exact previous structure keeping the surviving rows,
every pair of diverging paths (project's direct steps) and every later initial
schema (the user databases' 1.2) builds one structure. A step that still refuses
a sample row by name (aifp_core derives target_database from file_path) is a
clean refusal: a note, not a finding.
"""

from __future__ import annotations

from aifp_data import MIGRATIONS

from aifp_shell.commands.verify.run import verify


def test_verify_passes_on_the_shipped_set() -> None:
    report = verify(MIGRATIONS)
    assert report.problem is None
    assert report.findings == ()
    checked = {d.name: d for d in report.databases}
    assert checked["project"].steps == 11
    assert checked["project"].rollbacks_checked == 11
    assert checked["project"].paths_compared >= 9
    for db in ("user_preferences", "user_directives"):
        assert checked[db].steps == 2
        assert checked[db].rollbacks_checked == 2
        assert checked[db].paths_compared >= 1  # the 1.2 initial schema vs 1.0 + steps
    assert checked["aifp_core"].steps == 9
    refusals = [n for n in report.notes if "refuses sample rows by name" in n.detail]
    assert {n.database for n in refusals} <= {"aifp_core"}
