"""aifp_core's real lineage: every published shape migrates to 2.2 with its rows, through the CLI.

Each test builds a real aifp_core.db at one of AIFP's 13 published shapes
(``tests/facts/history/aifp_core``), fills it with AIFP's own rows
(``tests/aifp_core_rows.py``: directives, helpers, mappings, flows as AIFP's
repository publishes them, written the way each shape stores them: keywords
as a JSON array, then as keyword rows, then as keyword ids; helper target
databases before and after AIFP's rename), runs the installed
``aifp-migrate`` in a subprocess and checks the result: the latest structure
exactly, every row of every surviving column, the derived and mapped values,
a full-text index in step with its content table. Rows that cannot be carried
are refused by name with the database left byte-for-byte as it was, and
``down`` works from each version to the one before it.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from aifp_core_rows import (
    CATEGORIES,
    DIRECTIVE_HELPERS,
    DIRECTIVES,
    EXPECTED_VERSIONS,
    FLOW_TOUCHING_FP,
    FLOWS,
    HELPER_SHARED,
    HELPER_UNCLASSIFIED_ORCHESTRATOR,
    HELPERS,
    carried,
    columns_of,
    new_target_names,
    populate,
)
from conftest import REPO, run_cli
from facts_sql import schema_script
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schema_facts import facts_of

pytestmark = pytest.mark.e2e

HISTORY = REPO / "tests" / "facts" / "history" / "aifp_core"
SHAPES = sorted(HISTORY.glob("*.json"))
CHAIN = ["1.0", "1.1", "1.4", "1.5", "1.6", "1.7", "1.9", "2.0", "2.1", "2.2"]


def shape_version(path: Path) -> str:
    """Return the version a history file was published as (``..._v1.6.json`` -> ``1.6``)."""
    return path.stem.rsplit("_v", 1)[1]


@cache
def facts(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def latest_shape(version: str) -> Path:
    """Return the last published shape of ``version`` (1.1, never published, has 1.0's)."""
    wanted = "1.0" if version == "1.1" else version
    return [p for p in SHAPES if shape_version(p) == wanted][-1]


LATEST = facts(SHAPES[-1])


@cache
def yes_flag() -> tuple[str, ...]:
    """``--yes`` when the installed tool has it (runs that lose data need it at no terminal)."""
    result = run_cli("up", "--help", cwd=REPO)
    return ("--yes",) if "--yes" in result.stdout else ()


# --- building a database at a shape -------------------------------------------------------


def build(root: Path, shape_path: Path, version: str | None = None, **rows: Any) -> Path:
    """Create ``root/aifp_core.db`` at a published shape, with AIFP's rows; return its path."""
    root.mkdir(parents=True, exist_ok=True)
    path = root / "aifp_core.db"
    shape = facts(shape_path)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.executescript(schema_script(shape, version or shape_version(shape_path)))
        populate(conn, shape, **rows)
    finally:
        conn.close()
    return path


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, "--db", "aifp_core", "--aifp-root", str(root), "--json", cwd=root)


def read(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)


def version_of(path: Path) -> str:
    conn = read(path)
    try:
        return str(conn.execute("SELECT version FROM schema_version").fetchone()[0])
    finally:
        conn.close()


# --- what a migrated database must hold ----------------------------------------------------


def expected_rows(
    shape: dict[str, Any], helpers: list[dict[str, Any]] = HELPERS
) -> dict[str, set[tuple[Any, ...]]]:
    tables = shape["tables"]
    had = set(tables)
    flags = "is_tool" in columns_of(shape, "helper_functions")  # else both start at their DEFAULT 0
    return {
        "categories": {(c["id"], c["name"], c["description"]) for c in CATEGORIES},
        "directives": {
            (
                d["id"],
                d["name"],
                d["type"],
                d["level"],
                d["parent_directive"],
                d["description"],
                d["workflow"],
                d["md_file_path"],
                d["roadblocks_json"],
                d["confidence_threshold"],
            )
            for d in DIRECTIVES
        },
        "directive_categories": {(d["id"], d["category"]) for d in DIRECTIVES if d["category"]},
        "helper_functions": {
            (
                h["id"],
                h["name"],
                h["file_path"],
                h["parameters"],
                h["purpose"],
                h["error_handling"],
                h["is_tool"] if flags else 0,
                h["is_sub_helper"] if flags else 0,
                json.dumps([f"Returns {h['name']} result"])
                if "return_statements" in columns_of(shape, "helper_functions")
                else None,
                h["new"],
            )
            for h in carried(shape, helpers)
        },
        "directive_helpers": {
            (
                m["id"],
                m["directive_id"],
                m["helper_function_id"],
                m["execution_context"],
                m["sequence_order"],
                m["is_required"],
                m["parameters_mapping"],
                m["description"],
            )
            for m in DIRECTIVE_HELPERS
        }
        if "directive_helpers" in had
        else set(),
        "keywords": {(d["id"], w) for d in DIRECTIVES for w in d["intent_keywords"]},
        "directive_flow": {
            (
                f["id"],
                f["from_directive"],
                f["to_directive"],
                f["category"],
                f["flow_type"],
                f["condition_key"],
                f["condition_value"],
                f["condition_description"],
                f["priority"],
                f["description"],
            )
            for f in FLOWS
        }
        if "directive_flow" in had
        else set(),
        "expected_schema_versions": {
            (r["db_name"], r["expected_version"], r["minimum_version"]) for r in EXPECTED_VERSIONS
        }
        if "expected_schema_versions" in had
        else set(),
    }


ROW_COLUMNS = {
    "categories": ("id", "name", "description"),
    "directives": (
        "id", "name", "type", "level", "parent_directive", "description",
        "workflow", "md_file_path", "roadblocks_json", "confidence_threshold",
    ),
    "directive_categories": ("directive_id", "category_id"),
    "helper_functions": (
        "id", "name", "file_path", "parameters", "purpose", "error_handling",
        "is_tool", "is_sub_helper", "return_statements", "target_database",
    ),
    "directive_helpers": (
        "id", "directive_id", "helper_function_id", "execution_context",
        "sequence_order", "is_required", "parameters_mapping", "description",
    ),
    "directive_flow": (
        "id", "from_directive", "to_directive", "flow_category", "flow_type",
        "condition_key", "condition_value", "condition_description", "priority", "description",
    ),
    "expected_schema_versions": ("db_name", "expected_version", "minimum_version"),
}  # fmt: skip


def actual_rows(path: Path) -> dict[str, set[tuple[Any, ...]]]:
    conn = read(path)
    try:
        rows = {
            table: set(conn.execute(f"SELECT {', '.join(columns)} FROM {table}").fetchall())
            for table, columns in ROW_COLUMNS.items()
        }
        rows["keywords"] = set(
            conn.execute(
                "SELECT l.directive_id, k.keyword FROM directives_intent_keywords AS l "
                "JOIN intent_keywords AS k ON k.id = l.keyword_id"
            )
        )
        return rows
    finally:
        conn.close()


def assert_fts_in_step(path: Path) -> None:
    conn = sqlite3.connect(path)  # 'integrity-check' is an INSERT: it needs a writable handle
    try:
        conn.execute(
            "INSERT INTO directives_fts(directives_fts, rank) VALUES ('integrity-check', 1)"
        )
        assert (
            conn.execute("SELECT count(*) FROM directives_fts").fetchone()[0]
            == conn.execute("SELECT count(*) FROM directives").fetchone()[0]
        )
        found = {
            r[0]
            for r in conn.execute(
                "SELECT rowid FROM directives_fts WHERE directives_fts MATCH 'borrow'"
            )
        }
        assert found == {7, 8}  # fp_ownership_safety, fp_borrow_check
    finally:
        conn.close()


def assert_latest(path: Path) -> None:
    conn = read(path)
    try:
        assert facts_of(conn) == LATEST
    finally:
        conn.close()
    assert version_of(path) == "2.2"
    assert_fts_in_step(path)


# --- every published shape goes up to 2.2 ---------------------------------------------------


@pytest.mark.parametrize("shape_path", SHAPES, ids=lambda p: p.stem)
def test_every_published_shape_migrates_to_the_latest_with_its_rows(
    shape_path: Path, tmp_path: Path
) -> None:
    path = build(tmp_path / "root", shape_path)
    result = cli(tmp_path / "root", "up", *yes_flag())
    assert result.returncode == 0, result.stdout + result.stderr
    (db,) = json.loads(result.stdout)["databases"]
    assert db["status"] in ("migrated", "up_to_date"), db
    assert db["to"] == "2.2"
    assert_latest(path)
    assert actual_rows(path) == expected_rows(facts(shape_path))
    if shape_path in (SHAPES[0], SHAPES[5]):  # up again is a no-op (verify checks it per step)
        again = cli(tmp_path / "root", "up")
        assert again.returncode == 0, again.stdout + again.stderr
        assert json.loads(again.stdout)["databases"][0]["status"] == "up_to_date"
        (tmp_path / "project" / ".aifp-project").mkdir(parents=True)  # check needs a project
        checked = run_cli(
            "check", "--aifp-root", str(tmp_path / "root"), "--json", cwd=tmp_path / "project"
        )
        (core,) = [d for d in json.loads(checked.stdout)["databases"] if d["name"] == "aifp_core"]
        assert core["status"] == "up_to_date", core
        assert actual_rows(path) == expected_rows(facts(shape_path))


def test_the_chain_built_from_v1_0_initial_schema_reaches_the_latest(tmp_path: Path) -> None:
    """A database made by the shipped initial schema (not a rendered shape) goes up too."""
    root = tmp_path / "root"
    root.mkdir()
    path = root / "aifp_core.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript((REPO / "migrations" / "aifp_core" / "v1.0_initial_schema.sql").read_text())
    populate(conn, facts(SHAPES[0]))
    conn.close()
    result = cli(root, "up", *yes_flag())
    assert result.returncode == 0, result.stdout + result.stderr
    assert_latest(path)
    assert actual_rows(path) == expected_rows(facts(SHAPES[0]))


# --- rows that cannot be carried are refused by name ------------------------------------------


def _refused(root: Path, path: Path, *needles: str) -> None:
    before = path.read_bytes()
    result = cli(root, "up", *yes_flag())
    assert result.returncode == 1, result.stdout + result.stderr
    text = result.stdout + result.stderr
    for needle in needles:
        assert needle in text, (needle, text)
    assert path.read_bytes() == before
    assert not list(root.glob("aifp_core.db-*")) or all(
        p.stat().st_size == 0 for p in root.glob("aifp_core.db-journal")
    )


def _shape(version: str, index: int = -1) -> Path:
    return [p for p in SHAPES if shape_version(p) == version][index]


def test_a_helper_whose_file_path_names_no_database_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    path = build(root, _shape("1.5"), helpers=[*HELPERS, HELPER_SHARED])
    _refused(
        root, path, "helper_functions.target_database, row id 20", "helpers/shared/database_info.py"
    )


def test_a_directive_type_outside_the_new_check_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    odd = {**DIRECTIVES[16], "id": 18, "name": "user_directive_parse", "type": "user-system"}
    path = build(root, _shape("1.4", 0), directives=[*DIRECTIVES, odd])
    _refused(root, path, "directives.type, row id 18", "'user-system'")


def test_keywords_that_are_not_a_json_array_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    odd = {
        **DIRECTIVES[16],
        "id": 18,
        "name": "user_directive_parse",
        "raw_keywords": "parse, directives",
    }
    path = build(root, _shape("1.6", 0), directives=[*DIRECTIVES, odd])
    _refused(root, path, "directives.intent_keywords_json, row id 18", "not a JSON array")


def test_a_flow_whose_category_is_not_certain_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    path = build(root, _shape("1.9"), flows=[*FLOWS, FLOW_TOUCHING_FP])
    _refused(root, path, "directive_flow.flow_category, row id 30")


def test_an_orchestrator_helper_aifp_did_not_classify_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    path = build(root, _shape("2.0", 0), helpers=[*HELPERS, HELPER_UNCLASSIFIED_ORCHESTRATOR])
    _refused(root, path, "helper_functions.target_database, row id 21", "'project_init'")


def test_the_same_orchestrator_helper_is_refused_when_it_comes_from_1_6(tmp_path: Path) -> None:
    """Derived as 'orchestrator' at 1.6 from its path, it still cannot be classified at 2.0."""
    root = tmp_path / "root"
    path = build(root, _shape("1.5"), helpers=[*HELPERS, HELPER_UNCLASSIFIED_ORCHESTRATOR])
    _refused(root, path, "helper_functions.target_database, row id 21")


# --- down, one version at a time -------------------------------------------------------------


def _down_cases() -> list[tuple[str, Path, str]]:
    """(older version, shape at the newer one, newer version): every published shape, and 1.1."""
    cases = [("1.0", latest_shape("1.1"), "1.1")]
    for shape_path in SHAPES[1:]:
        newer = shape_version(shape_path)
        cases.append((CHAIN[CHAIN.index(newer) - 1], shape_path, newer))
    return cases


@pytest.mark.parametrize(
    ("older", "shape_path", "newer"),
    _down_cases(),
    ids=lambda v: v.stem if isinstance(v, Path) else v,
)
def test_down_goes_back_one_version_keeping_surviving_rows(
    older: str, shape_path: Path, newer: str, tmp_path: Path
) -> None:
    root = tmp_path / "root"
    path = build(root, shape_path, newer)
    result = cli(root, "down", *yes_flag())
    assert result.returncode == 0, result.stdout + result.stderr
    assert version_of(path) == older
    conn = read(path)
    try:
        assert facts_of(conn) == facts(latest_shape(older))
        assert set(conn.execute("SELECT id, name, type FROM directives")) == {
            (d["id"], d["name"], d["type"]) for d in DIRECTIVES
        }
        assert set(conn.execute("SELECT id, name, file_path FROM helper_functions")) == {
            (h["id"], h["name"], h["file_path"]) for h in carried(facts(shape_path), HELPERS)
        }
        if older == "1.6":  # keywords go back into the JSON arrays
            arrays = dict(conn.execute("SELECT id, intent_keywords_json FROM directives"))
            assert {i: json.loads(a) if a else [] for i, a in arrays.items()} == {
                d["id"]: d["intent_keywords"] for d in DIRECTIVES
            }
        if older == "1.9":  # AIFP's new names go back to 1.9's
            targets = dict(conn.execute("SELECT name, target_database FROM helper_functions"))
            renamed = new_target_names(facts(shape_path))  # else AIFP's old names, kept
            assert targets["aifp_run"] == "orchestrator"
            assert targets["get_project_status"] == ("project" if renamed else "orchestrator")
    finally:
        conn.close()


def test_down_from_2_0_refuses_flow_types_1_9_cannot_hold(tmp_path: Path) -> None:
    root = tmp_path / "root"
    canonical = {**FLOWS[2], "id": 40, "flow_type": "canonical"}
    path = build(root, latest_shape("2.0"), "2.0", flows=[*FLOWS, canonical])
    before = path.read_bytes()
    result = cli(root, "down", *yes_flag())
    assert result.returncode == 1, result.stdout + result.stderr
    assert "directive_flow.flow_type, row id 40" in result.stdout + result.stderr
    assert path.read_bytes() == before


# --- a property: any published shape, any rows allowed along the way ------------------------


@settings(
    settings.get_profile("ci"),
    max_examples=6,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    shape_index=st.integers(0, len(SHAPES) - 1),
    directive_ids=st.sets(
        st.sampled_from([d["id"] for d in DIRECTIVES if d["id"] <= 10]), max_size=10
    ),
    helper_ids=st.sets(st.sampled_from([h["id"] for h in HELPERS]), max_size=len(HELPERS)),
)
def test_any_shape_with_any_allowed_rows_goes_up_keeping_them(
    shape_index: int,
    directive_ids: set[int],
    helper_ids: set[int],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # Flows and mappings point at directives 11-17 and at helpers: keep those, vary the rest.
    directives = [d for d in DIRECTIVES if d["id"] > 10 or d["id"] in directive_ids]
    helpers = [h for h in HELPERS if h["id"] in helper_ids or h["id"] in (4, 8, 9)]
    helpers = carried(facts(SHAPES[shape_index]), helpers)
    root = tmp_path_factory.mktemp("prop") / "root"
    shape_path = SHAPES[shape_index]
    path = build(root, shape_path, directives=directives, helpers=helpers)
    result = cli(root, "up", *yes_flag())
    assert result.returncode == 0, result.stdout + result.stderr
    conn = read(path)
    try:
        assert facts_of(conn) == LATEST
        assert {r[0] for r in conn.execute("SELECT id FROM directives")} == {
            d["id"] for d in directives
        }
        assert set(conn.execute("SELECT id, target_database FROM helper_functions")) == {
            (h["id"], h["new"]) for h in helpers
        }
        words = set(
            conn.execute(
                "SELECT l.directive_id, k.keyword FROM directives_intent_keywords l "
                "JOIN intent_keywords k ON k.id = l.keyword_id"
            )
        )
        assert words == {(d["id"], w) for d in directives for w in d["intent_keywords"]}
        assert conn.execute("SELECT count(*) FROM directives_fts").fetchone()[0] == len(directives)
    finally:
        conn.close()


def test_fixture_rows_are_distinct_copies() -> None:
    """The row lists are shared by every test: building must not change them."""
    snapshot = copy.deepcopy((DIRECTIVES, HELPERS, FLOWS))
    conn = sqlite3.connect(":memory:", isolation_level=None)
    conn.executescript(schema_script(LATEST, "2.2"))
    populate(conn, LATEST)
    conn.close()
    assert snapshot == (DIRECTIVES, HELPERS, FLOWS)


WILDCARD_FLOW = {
    # directive_flow_user_preferences.json, flow 5: from any directive ('*'), valid at 1.9
    "id": 50,
    "from_directive": "*",
    "to_directive": "user_preferences_update",
    "flow_type": "conditional",
    "condition_key": "user_correction_detected",
    "condition_value": "true",
    "condition_description": "AI detects user corrected output and learning is enabled",
    "priority": 60,
    "description": "AI detects correction pattern and offers to learn preference",
    "category": "user_preferences",
}


def test_aifp_wildcard_flows_are_carried(tmp_path: Path) -> None:
    """AIFP's '*' (any directive) flows break directive_flow's REFERENCES directives(name)
    already before the run: they are carried as they are, and the run says so."""
    root = tmp_path / "root"
    path = build(root, _shape("1.9"), flows=[*FLOWS, WILDCARD_FLOW])
    result = cli(root, "up", *yes_flag())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "already broke their foreign keys before the migration" in result.stdout
    conn = read(path)
    try:
        row = conn.execute("SELECT flow_category FROM directive_flow WHERE id = 50").fetchone()
        assert row == ("user_preferences",)
    finally:
        conn.close()


def test_a_1_4_database_the_size_aifp_shipped_goes_up_whole(tmp_path: Path) -> None:
    """AIFP's 1.4 aifp_core.db held 125 directives and 49 helpers: as many, modelled on its."""
    real = [d for d in DIRECTIVES if d["id"] <= 10]
    directives = list(DIRECTIVES)
    while len(directives) < 125:
        base = real[len(directives) % len(real)]
        n = len(directives) + 1
        words = [f"{w} {n}" for w in base["intent_keywords"]] + base["intent_keywords"][:1]
        directives.append(
            {**base, "id": n, "name": f"{base['name']}_{n}", "intent_keywords": words}
        )
    helpers = [h for h in HELPERS if not h.get("needs_stored_target")]
    bases = [h for h in helpers if h["old"] != "orchestrator"]  # AIFP named its orchestrators
    while len(helpers) < 49:
        base = bases[len(helpers) % len(bases)]
        n = len(helpers) + 100
        helpers.append({**base, "id": n, "name": f"{base['name']}_{n}"})
    root = tmp_path / "root"
    path = build(root, _shape("1.4"), directives=directives, helpers=helpers)
    result = cli(root, "up", *yes_flag())
    assert result.returncode == 0, result.stdout + result.stderr
    conn = read(path)
    try:
        assert facts_of(conn) == LATEST
        assert conn.execute("SELECT count(*) FROM directives").fetchone()[0] == 125
        assert conn.execute("SELECT count(*) FROM directives_fts").fetchone()[0] == 125
        assert set(conn.execute("SELECT id, target_database FROM helper_functions")) == {
            (h["id"], h["new"]) for h in helpers
        }
        links = set(
            conn.execute(
                "SELECT l.directive_id, k.keyword FROM directives_intent_keywords AS l "
                "JOIN intent_keywords AS k ON k.id = l.keyword_id"
            )
        )
        assert links == {(d["id"], w) for d in directives for w in d["intent_keywords"]}
    finally:
        conn.close()
