"""``aifp-migrate scan``: a generated tree of projects at mixed versions, bad ones among them."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from aifp_shell import migrate
from aifp_shell.commands import scan as scan_module
from aifp_shell.commands.forked import IN_HAND
from aifp_shell.commands.scan import KnownSet, ProjectScan, find_projects
from aifp_shell.schema.attached_catalog import AttachedCatalogs
from tests.aifp_data import (
    LATEST,
    PROJECT_DATABASES,
    Installation,
    build_installation,
    damage_leaf_page,
    version_of,
)
from tests.conftest import installed_cli, run_cli

pytestmark = pytest.mark.e2e


def _copy_project(template: Installation, to: Path) -> Path:
    shutil.copytree(template.project / ".aifp-project", to / ".aifp-project")
    return to


def _backups(project: Path) -> list[Path]:
    return sorted((project / ".aifp-project").glob("project.db.backup_*"))


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class Tree:
    """The generated tree: where each kind of project is."""

    def __init__(self, base: Path) -> None:
        template = build_installation(base / "template", rows=2)
        self.root_dir = template.root
        self.tree = base / "tree"
        self.tree.mkdir()
        t = self.tree
        self.v10 = _copy_project(template, t / "team" / "alpha")
        self.v11 = _copy_project(template, t / "team" / "beta")
        migrate(
            databases=["project"],
            target="1.1",
            accept_losses=True,
            project_dir=self.v11,
            aifp_root=self.root_dir,
        )
        self.current = _copy_project(template, t / "gamma")  # every database at its latest
        migrate(
            databases=list(PROJECT_DATABASES),
            accept_losses=True,
            project_dir=self.current,
            aifp_root=self.root_dir,
        )
        self.nested = _copy_project(template, self.current / "vendor" / "delta")
        self.no_user_db = _copy_project(template, t / "epsilon")
        (self.no_user_db / ".aifp-project" / "user_directives.db").unlink()
        self.corrupt = _copy_project(template, t / "broken" / "corrupt")
        damage_leaf_page(self.corrupt / ".aifp-project" / "project.db")
        self.not_db = _copy_project(template, t / "broken" / "garbage")
        (self.not_db / ".aifp-project" / "user_preferences.db").write_bytes(b"garbage\n" * 600)
        self.drifted = _copy_project(template, t / "drifted")
        conn = sqlite3.connect(self.drifted / ".aifp-project" / "project.db")
        conn.execute("CREATE TABLE extra_by_hand (id INTEGER PRIMARY KEY)")
        conn.commit()
        conn.close()
        self.unversioned = _copy_project(template, t / "zeta")
        (self.unversioned / ".aifp-project" / "user_preferences.db").write_bytes(b"")
        # never entered, never reported
        for hidden in (".git/x", "node_modules/pkg", ".venv/lib"):
            _copy_project(template, t / hidden)
        # link loops: back to the root and to the parent
        (t / "team" / "loop").symlink_to(t, target_is_directory=True)
        (self.v10 / "up").symlink_to(self.v10.parent, target_is_directory=True)
        self.healthy = (self.v10, self.v11, self.current, self.nested, self.no_user_db)
        self.bad = (self.corrupt, self.not_db, self.drifted, self.unversioned)

    def env(self) -> dict[str, str]:
        return {"AIFP_ROOT": str(self.root_dir)}

    def files(self, project: Path) -> dict[str, str]:
        folder = project / ".aifp-project"
        return {p.name: _hash(p) for p in sorted(folder.iterdir())}


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    return Tree(tmp_path)


def _by_path(document: dict[str, object]) -> dict[str, dict[str, object]]:
    projects = document["projects"]
    assert isinstance(projects, list)
    return {project["path"]: project for project in projects}


def _statuses(project: dict[str, object]) -> dict[str, str]:
    databases = project["databases"]
    assert isinstance(databases, list)
    return {db["name"]: db["status"] for db in databases}


def test_walk_finds_projects_skips_hidden_folders_and_survives_link_loops(tree: Tree) -> None:
    walk = find_projects(tree.tree)
    assert set(walk.projects) == set(tree.healthy) | set(tree.bad)
    assert len(walk.projects) == len(set(walk.projects))
    assert walk.skipped == ()


def test_scan_reports_every_project_and_names_the_bad_ones(tree: Tree) -> None:
    before = {project: tree.files(project) for project in (*tree.healthy, *tree.bad)}
    result = run_cli("scan", tree.tree, "--json", "--jobs", "3", cwd=tree.tree, env=tree.env())
    assert result.returncode == 1, result.stderr  # corrupt ones failed
    document = json.loads(result.stdout)
    found = _by_path(document)
    assert set(found) == {str(p) for p in (*tree.healthy, *tree.bad)}
    assert _statuses(found[str(tree.v10)])["project"] == "pending"
    assert _statuses(found[str(tree.v11)])["project"] == "pending"
    assert _statuses(found[str(tree.current)]) == dict.fromkeys(PROJECT_DATABASES, "up_to_date")
    assert found[str(tree.current)]["outcome"] == "up_to_date"
    assert _statuses(found[str(tree.no_user_db)])["user_directives"] == "missing"
    assert found[str(tree.no_user_db)]["outcome"] == "pending"
    corrupt = next(db for db in found[str(tree.corrupt)]["databases"] if db["name"] == "project")
    assert corrupt["status"] == "corrupt" and "quick_check" in corrupt["error"]["message"]
    assert str(tree.corrupt) in corrupt["error"]["message"]
    garbage = _statuses(found[str(tree.not_db)])
    assert garbage["user_preferences"] == "corrupt"
    assert _statuses(found[str(tree.drifted)])["project"] == "drift"
    assert found[str(tree.drifted)]["outcome"] == "drift"
    assert _statuses(found[str(tree.unversioned)])["user_preferences"] == "unversioned"
    assert document["core"]["databases"][0]["status"] == "pending"
    summary = document["summary"]
    assert summary["projects"] == 9 and summary["failed"] == 3 and summary["drift"] == 1, summary
    assert summary["pending"] == 4 and summary["up_to_date"] == 1, summary
    assert {project: tree.files(project) for project in before} == before  # read-only


def test_scan_table_has_one_row_per_database(tree: Tree) -> None:
    result = run_cli("scan", tree.tree, cwd=tree.tree, env=tree.env())
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["project", "database", "version", "latest", "status"]
    rows = [line.split() for line in lines[1:] if line.startswith("/") and len(line.split()) == 5]
    assert len(rows) == 1 + 9 * 3
    latest = LATEST["project"]
    for name in PROJECT_DATABASES:
        assert [str(tree.current), name, LATEST[name], LATEST[name], "up_to_date"] in rows
    assert [str(tree.v10), "project", "1.0", latest, "pending"] in rows
    assert [str(tree.corrupt), "project", "-", latest, "corrupt"] in rows
    assert lines[-1].startswith("summary: 9 projects")
    assert "Traceback" not in result.stderr


def test_scan_migrate_updates_healthy_projects_and_leaves_bad_ones_untouched(tree: Tree) -> None:
    bad_before = {project: tree.files(project) for project in tree.bad}
    backups_before = {p: _backups(p) for p in tree.healthy}
    result = run_cli("scan", tree.tree, "--migrate", "--json", cwd=tree.tree, env=tree.env())
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    found = _by_path(document)
    for project in tree.healthy:
        for name in PROJECT_DATABASES:
            assert version_of(project / ".aifp-project" / f"{name}.db") == LATEST[name]
    assert version_of(tree.root_dir / "aifp_core.db") == LATEST["aifp_core"]
    assert len(list(tree.root_dir.glob("aifp_core.db.backup_*"))) == 1  # the core once
    for project in (tree.v10, tree.v11, tree.nested):
        assert found[str(project)]["outcome"] == "migrated"
        assert len(_backups(project)) == len(backups_before[project]) + 1
    assert found[str(tree.current)]["outcome"] == "up_to_date"
    assert {project: tree.files(project) for project in tree.bad} == bad_before
    again = run_cli("scan", tree.tree, "--json", cwd=tree.tree, env=tree.env())
    summary = json.loads(again.stdout)["summary"]
    assert (
        summary["up_to_date"] == 5 and summary["pending"] == 0 and summary["core"] == "up_to_date"
    )


def test_scan_migrate_goes_on_past_a_locked_project(tree: Tree) -> None:
    for project in tree.bad:
        shutil.rmtree(project)
    locked = tree.v11 / ".aifp-project" / "project.db"
    before = _hash(locked)
    holder = sqlite3.connect(locked, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run_cli(
            "scan",
            tree.tree,
            "--migrate",
            cwd=tree.tree,
            env={**tree.env(), "AIFP_MIGRATE_BUSY_TIMEOUT": "0.3"},
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 1, result.stdout
    assert "locked" in result.stderr and str(locked) in result.stderr
    assert _hash(locked) == before
    assert version_of(tree.v10 / ".aifp-project" / "project.db") == LATEST["project"]
    rows = [line.split() for line in result.stdout.splitlines()]
    assert [str(tree.v11), "project", "1.1", LATEST["project"], "failed"] in rows


def test_scan_exits_3_when_only_drift_is_found(tree: Tree) -> None:
    for project in (tree.corrupt, tree.not_db, tree.unversioned):
        shutil.rmtree(project)
    result = run_cli("scan", tree.tree, cwd=tree.tree, env=tree.env())
    assert result.returncode == 3, result.stdout + result.stderr
    assert f"{tree.drifted}: project: drift:" in result.stdout


def test_scan_of_a_tree_with_only_current_projects_exits_0(tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=1)
    run = migrate(accept_losses=True, project_dir=installation.project, aifp_root=installation.root)
    assert run.problem is None
    result = run_cli("scan", tmp_path, cwd=tmp_path, env=installation.env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "summary: 1 projects, 1 up to date" in result.stdout
    missing = run_cli("scan", tmp_path / "nope", cwd=tmp_path, env=installation.env())
    assert missing.returncode == 2 and "not a folder" in missing.stderr


def _can_drop_privileges() -> bool:
    if shutil.which("setpriv") is None or os.geteuid() != 0:
        return False
    # The unprivileged user must also reach the installed tool: a clone under a
    # root-only folder (mktemp -d is 0700) makes its .venv unreadable to nobody.
    probe = subprocess.run(
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            str(installed_cli()),
            "--version",
        ],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.fixture
def world_readable_base() -> Iterator[Path]:
    """A folder that an unprivileged user can read (pytest's tmp_path is root-only)."""
    base = Path(tempfile.mkdtemp(prefix="aifp-scan-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.skipif(
    not _can_drop_privileges(),
    reason="needs root, setpriv, and an install the unprivileged user can run",
)
def test_scan_as_an_unprivileged_user_skips_an_unreadable_folder(
    world_readable_base: Path,
) -> None:
    template = build_installation(world_readable_base / "template", rows=1)
    tree = world_readable_base / "tree"
    visible = _copy_project(template, tree / "visible")
    hidden = _copy_project(template, tree / "private" / "hidden")
    for path in [world_readable_base, *world_readable_base.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    (tree / "private").chmod(0o000)
    cache = world_readable_base / "cache"
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)
    done = subprocess.run(
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            str(installed_cli()),
            "scan",
            str(tree),
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=world_readable_base,
        env={
            **os.environ,
            "AIFP_ROOT": str(template.root),
            "HOME": str(cache),
            "AIFP_MIGRATE_CACHE_DIR": str(cache),
        },
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert [p["path"] for p in document["projects"]] == [str(visible)]
    assert document["skipped"] == [{"path": str(tree / "private"), "reason": "Permission denied"}]
    assert str(hidden) not in done.stdout
    (tree / "private").chmod(0o755)


def test_scan_is_the_same_code_path_for_python_callers(tree: Tree) -> None:
    from aifp_shell.commands.scan import scan

    report = scan(
        tree.tree,
        aifp_root=tree.root_dir,
        migrations_dir=Path(__file__).resolve().parents[1] / "migrations",
        jobs=1,
    )
    assert len(report.projects) == 9 and report.exit_code() == 1
    assert {".git", "node_modules", ".venv"} <= sys.modules[
        "aifp_shell.commands.scan"
    ].SKIPPED_NAMES


def _more_projects(tree: Tree, count: int) -> None:
    """Add copies of the v1.0 project, so a scan has enough projects to use worker processes."""
    for index in range(count):
        _copy_project(Installation(tree.root_dir, tree.v10), tree.tree / "many" / f"p{index:03}")


ORIGINAL_CHECK_CHUNK = scan_module._check_chunk


def _chunk_recording_its_process(
    projects: tuple[str, ...], sets: dict[str, KnownSet]
) -> tuple[ProjectScan, ...]:
    marks = Path(os.environ["SCAN_TEST_MARKS"])
    (marks / f"{os.getpid()}-{len(list(marks.iterdir()))}").write_text("\n".join(projects))
    return ORIGINAL_CHECK_CHUNK(projects, sets)


def _chunk_that_kills_its_process(
    projects: tuple[str, ...], sets: dict[str, KnownSet]
) -> tuple[ProjectScan, ...]:
    if any(project.endswith("p007") for project in projects):
        os._exit(9)
    return ORIGINAL_CHECK_CHUNK(projects, sets)


def _scan_here(root: Path, aifp_root: Path) -> scan_module.ScanReport:
    """Scan ``root`` in this process, one project after another (jobs=1)."""
    migrations = Path(__file__).resolve().parents[1] / "migrations"
    return scan_module.scan(root, aifp_root=aifp_root, migrations_dir=migrations, jobs=1)


def _counting_classifications(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Return the list the version text of each database scan classifies is appended to."""
    classified: list[str | None] = []
    real = scan_module._classified

    def counting(text: str | None, *args: object) -> object:
        classified.append(text)
        return real(text, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "_classified", counting)
    return classified


def _scan(tree: Tree, jobs: int) -> scan_module.ScanReport:
    return scan_module.scan(
        tree.tree,
        aifp_root=tree.root_dir,
        migrations_dir=Path(__file__).resolve().parents[1] / "migrations",
        jobs=jobs,
    )


@pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux only")
def test_worker_processes_report_exactly_what_one_process_reports(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _more_projects(tree, 2 * scan_module.IN_PROCESS_BELOW)
    alone = _scan(tree, jobs=1)
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv("SCAN_TEST_MARKS", str(marks))
    monkeypatch.setattr(scan_module, "_check_chunk", _chunk_recording_its_process)
    shared = _scan(tree, jobs=2)
    assert shared == alone
    assert len(alone.projects) == 9 + 2 * scan_module.IN_PROCESS_BELOW
    workers = {mark.name.split("-")[0] for mark in marks.iterdir()}
    assert str(os.getpid()) not in workers and 1 <= len(workers) <= 2
    checked = [line for mark in marks.iterdir() for line in mark.read_text().splitlines()]
    assert sorted(checked) == sorted(project.path for project in alone.projects)


def test_databases_that_read_as_any_one_classified_before_take_its_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Projects at two versions, interleaved: each kind of database is classified once per
    version met, not each time the version changes from one project to the next."""
    template = build_installation(tmp_path / "template", rows=2)
    for index in range(6):
        project = _copy_project(template, tmp_path / "tree" / f"p{index}")
        if index % 2:
            migrate(
                databases=list(PROJECT_DATABASES),
                accept_losses=True,
                project_dir=project,
                aifp_root=template.root,
            )
    classified = _counting_classifications(monkeypatch)
    report = _scan_here(tmp_path / "tree", template.root)
    outcomes = [project.outcome for project in report.projects]
    assert outcomes == ["pending", "up_to_date"] * 3
    # aifp_core, then each of the three project databases at 1.0 and at its latest
    assert len(classified) == 1 + 3 * 2


def test_versions_that_python_finds_equal_but_read_apart_are_reported_as_they_are(
    tmp_path: Path,
) -> None:
    """A schema_version whose version column has no type may hold the integer 1 in one file
    and the real 1.0 (or -0.0 and 0.0) in the next, with the same catalog: each is reported
    with its own text."""
    template = build_installation(tmp_path / "template", rows=2)
    for name, value in (("a", 1), ("b", 1.0), ("c", 1), ("d", -0.0), ("e", 0.0)):
        project = _copy_project(template, tmp_path / "tree" / name)
        with sqlite3.connect(project / ".aifp-project" / "user_preferences.db") as conn:
            conn.execute("ALTER TABLE schema_version RENAME TO old_version")
            conn.execute("CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version)")
            conn.execute("INSERT INTO schema_version VALUES (1, ?)", (value,))
            conn.execute("DROP TABLE old_version")
        conn.close()
    report = _scan_here(tmp_path / "tree", template.root)
    found = {
        Path(p.path).name: next(db for db in p.found if db.name == "user_preferences")
        for p in report.projects
    }
    assert [found[name].version for name in "abcde"] == ["1", "1.0", "1", "-0.0", "0.0"]


def test_remembered_reads_answer_each_thread_for_its_own_read() -> None:
    """Threads (the check of a few projects, the re-checks after --migrate) share the sets:
    a lookup never answers with what another thread's read noted meanwhile."""
    sets = scan_module._known_sets(Path(__file__).resolve().parents[1] / "migrations")
    assert isinstance(sets, dict)
    known = sets["project"]
    reads = {
        "a": ([("table", "a", "a", "CREATE TABLE a(x)")] * 30, "1.0"),
        "b": ([("table", "b", "b", "CREATE TABLE b(x)")] * 30, "1.1"),
    }
    answers = {name: (name, "9.9", (), "ahead", (), None) for name in reads}
    for name, read in reads.items():
        known.note_read((list(read[0]), read[1]), answers[name])  # type: ignore[arg-type]
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as Python can
    wrong: list[str] = []

    def look(name: str) -> None:
        for _ in range(50_000):
            if known.as_read_before((list(reads[name][0]), reads[name][1])) != answers[name]:
                wrong.append(name)

    try:
        threads = [threading.Thread(target=look, args=(name,)) for name in reads]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
    assert not wrong


def test_one_connection_for_all_files_reports_exactly_what_a_connection_per_file_reports(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Most of a scan reads files attached to one connection (``AttachedCatalogs``): every kind
    of database in the tree (healthy, at 1.0 or 1.1, at the latest, drifted, damaged, not a
    database, empty, missing) is reported as reading each on its own connection reports it,
    and the one connection did read most of them."""
    projects = [str(project) for project in find_projects(tree.tree).projects] * 2
    migrations = Path(__file__).resolve().parents[1] / "migrations"
    read_there: list[str] = []
    real_read = AttachedCatalogs.read

    def recording(self: AttachedCatalogs, path: str) -> object:
        found = real_read(self, path)
        if found is not None:
            read_there.append(path)
        return found

    monkeypatch.setattr(AttachedCatalogs, "read", recording)

    def statuses(catalogs: AttachedCatalogs | None) -> list[object]:
        sets = scan_module._known_sets(migrations)
        assert isinstance(sets, dict)
        return [scan_module.check_project(p, sets, catalogs).found for p in projects]

    catalogs = AttachedCatalogs()
    try:
        assert statuses(catalogs) == statuses(None)
    finally:
        catalogs.close()
    databases = sum(1 for p in projects for name in PROJECT_DATABASES if _exists(p, name))
    assert len(read_there) > databases // 2
    odd = {
        str(tree.corrupt / ".aifp-project" / "project.db"),
        str(tree.not_db / ".aifp-project" / "user_preferences.db"),
        str(tree.unversioned / ".aifp-project" / "user_preferences.db"),
    }
    assert odd.isdisjoint(read_there)


def _exists(project: str, name: str) -> bool:
    return (Path(project) / ".aifp-project" / f"{name}.db").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux only")
def test_projects_of_a_worker_that_died_are_checked_again_here(
    tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    _more_projects(tree, 2 * scan_module.IN_PROCESS_BELOW)
    alone = _scan(tree, jobs=1)
    monkeypatch.setattr(scan_module, "_check_chunk", _chunk_that_kills_its_process)
    assert _scan(tree, jobs=2) == alone


@pytest.mark.skipif(sys.platform != "linux", reason="worker processes are forked on Linux only")
def test_the_other_worker_goes_on_before_a_dead_workers_projects_are_checked_here(
    tree: Tree, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _more_projects(tree, 2 * scan_module.IN_PROCESS_BELOW)
    marks = tmp_path / "marks"
    marks.mkdir()
    monkeypatch.setenv("SCAN_TEST_MARKS", str(marks))

    def recorded_or_killed(
        projects: tuple[str, ...], sets: dict[str, KnownSet]
    ) -> tuple[ProjectScan, ...]:
        if any(project.endswith("p007") for project in projects):
            os._exit(9)
        return _chunk_recording_its_process(projects, sets)

    checked_here: list[int] = []
    real = scan_module._checked_here

    def counting(projects: tuple[str, ...], sets: object) -> tuple[ProjectScan, ...]:
        checked_here.append(len(list(marks.iterdir())))  # chunks the workers had done by then
        return real(projects, sets)  # type: ignore[arg-type]

    monkeypatch.setattr(scan_module, "_check_chunk", recorded_or_killed)
    monkeypatch.setattr(scan_module, "_checked_here", counting)
    report = _scan(tree, jobs=2)
    chunks = -(-len(report.projects) // scan_module.CHUNK)
    assert checked_here and len(checked_here) <= IN_HAND
    assert checked_here[0] == chunks - len(checked_here)  # every other chunk was done first


@pytest.mark.parametrize(
    "schema",
    [
        "CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version TEXT);"
        " INSERT INTO schema_version VALUES (1, '1.0')",
        "CREATE TABLE schema_version (version TEXT); INSERT INTO schema_version VALUES ('1.1')",
        "CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version TEXT)",
        "CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version TEXT);"
        " INSERT INTO schema_version VALUES (1, NULL)",
        "CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version TEXT);"
        " INSERT INTO schema_version VALUES (2, '1.0')",
        "CREATE TABLE schema_version (id INTEGER PRIMARY KEY, version REAL);"
        " INSERT INTO schema_version VALUES (1, 1.5)",
        "CREATE TABLE v (id INTEGER, version TEXT); INSERT INTO v VALUES (1, '1.0');"
        " CREATE VIEW schema_version AS SELECT id, version FROM v",
        "CREATE TABLE notes (id INTEGER PRIMARY KEY)",
    ],
)
def test_scan_reads_the_version_of_every_shape_as_check_does(tmp_path: Path, schema: str) -> None:
    """Scan reads the catalog and the version in one statement when it can: whatever shape
    ``schema_version`` has (no ``id``, no row 1, a view), it reads what ``check`` reads."""
    from aifp_shell.sqlite.database import connect, read_version

    path = tmp_path / "user_preferences.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(schema)
    conn.close()
    sets = scan_module._known_sets(Path(__file__).resolve().parents[1] / "migrations")
    assert isinstance(sets, dict)
    found = scan_module.inspect_database(
        "user_preferences", str(path), sets["user_preferences"], creatable=True
    )
    reading = connect(path, write=False, trusted=False)
    try:
        assert found.version == read_version(reading).version
    finally:
        reading.close()
    assert found.status != "corrupt"


def test_a_database_read_as_the_last_one_reuses_its_answer_and_any_other_is_classified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Databases that read exactly as the one before (catalog and version) take its answer;
    one row or the version apart, the database is classified afresh and reported as it is."""
    template = build_installation(tmp_path / "template", rows=2)
    for name in "ab":
        _copy_project(template, tmp_path / "tree" / name)
    drifted = _copy_project(template, tmp_path / "tree" / "c")
    renumbered = _copy_project(template, tmp_path / "tree" / "d")
    with sqlite3.connect(drifted / ".aifp-project" / "project.db") as conn:
        conn.execute("CREATE INDEX by_hand ON notes(content)")
    conn.close()
    with sqlite3.connect(renumbered / ".aifp-project" / "project.db") as conn:
        conn.execute("UPDATE schema_version SET version = '9.9' WHERE id = 1")
    conn.close()
    classified = _counting_classifications(monkeypatch)
    report = _scan_here(tmp_path / "tree", template.root)
    project = {Path(p.path).name: p.found[0] for p in report.projects}
    assert [project[name].status for name in "abcd"] == ["pending", "pending", "drift", "ahead"]
    assert project["c"].differences and not project["a"].differences
    assert str(project["b"].path).endswith("b/.aifp-project/project.db")
    # classified: aifp_core; project.db of a, c and d; the user databases of a only (those
    # of b, c and d read exactly as a's, and b's project.db as a's)
    assert len(classified) == 6 and classified.count("9.9") == 1
