"""Packaging: a built wheel gives a working ``aifp-migrate`` that finds its shipped migration set.

The wheel is built offline from a copy of the source tree (``pip wheel
--no-build-isolation`` with the setuptools and wheel of the test extras),
installed into a fresh virtual environment without its dependencies (those
are borrowed from this environment through a ``.pth`` file, after the
wheel's own site-packages), and run from a folder unrelated to the source.
``pipx install .`` does the same install with the dependencies fetched.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.aifp_data import LATEST, STEPS_TO_LATEST, build_installation
from tests.conftest import REPO, run_cli

pytestmark = pytest.mark.e2e

DATABASES = ("aifp_core", "project", "user_preferences", "user_directives")


def _can_build_offline() -> str | None:
    if importlib.util.find_spec("wheel") is None:
        return "the 'wheel' package is missing (pip install '.[test]')"
    import setuptools

    if int(setuptools.__version__.split(".")[0]) < 69:
        return f"setuptools {setuptools.__version__} < 69 (pip install '.[test]')"
    return None


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    reason = _can_build_offline()
    if reason is not None:
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    shutil.copytree(
        REPO,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "out", "*.egg-info", "__pycache__", ".*_cache"
        ),
    )
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "--disable-pip-version-check",
            "-w",
            str(base / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (found,) = (base / "dist").glob("aifp_migrate-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return the ``bin`` folder of a fresh venv holding only the wheel (deps borrowed)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--disable-pip-version-check",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(site, "zz_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin"


def test_wheel_holds_the_three_packages_and_the_migration_set(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    top = {name.split("/")[0] for name in names}
    assert {t for t in top if not t.endswith(".dist-info")} == {
        "aifp_fp",
        "aifp_shell",
        "aifp_migrations",
    }
    for database in DATABASES:
        shipped = sorted(p.name for p in (REPO / "migrations" / database).glob("*.sql"))
        assert shipped and all(f"aifp_migrations/{database}/{n}" in names for n in shipped)
    rollbacks = [p.name for p in (REPO / "migrations" / "project" / "rollback").glob("*.sql")]
    assert rollbacks and all(f"aifp_migrations/project/rollback/{n}" in names for n in rollbacks)
    assert "aifp_fp/py.typed" in names and "aifp_shell/py.typed" in names
    for package, folder in (
        ("aifp_fp", REPO / "aifp_fp"),
        ("aifp_shell", REPO / "shell" / "aifp_shell"),
    ):
        modules = [p.relative_to(folder).as_posix() for p in folder.rglob("*.py")]
        missing = [m for m in modules if f"{package}/{m}" not in names]
        assert not missing, (
            f"modules missing from the wheel (a subpackage not in pyproject?): {missing}"
        )


def test_installed_wheel_checks_with_its_shipped_set_from_any_folder(
    installed: Path, tmp_path: Path
) -> None:
    installation = build_installation(tmp_path / "inst", rows=1)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run(
        [
            str(installed / "aifp-migrate"),
            "check",
            "--json",
            "--aifp-root",
            str(installation.root),
            "--project-dir",
            str(installation.project),
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert {db["name"]: db["latest"] for db in document["databases"]} == LATEST
    pending = document["databases"][1]["pending"]
    assert [step["file"] for step in pending] == [
        f"migrations/project/{name}" for name in STEPS_TO_LATEST["project"]
    ]
    where = subprocess.run(
        [
            str(installed / "python"),
            "-c",
            "import aifp_shell, aifp_migrations as m; "
            "print(aifp_shell.__file__); print(m.__file__)",
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert all(path.startswith(str(installed.parent)) for path in where), where
    version = subprocess.run(
        [str(installed / "aifp-migrate"), "--version"], capture_output=True, text=True, check=False
    )
    assert version.returncode == 0 and version.stdout.strip() == "aifp-migrate 0.1.0"


def test_version_option(tmp_path: Path) -> None:
    done = run_cli("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.startswith("aifp-migrate ") and done.stdout.strip().split()[1][0].isdigit()


def test_shell_completion_script(tmp_path: Path) -> None:
    # Typer asks shellingham for the calling shell before it reads the value given; under a
    # test runner there is no shell to find, so tell Typer to take the value as given.
    env = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    done = run_cli("--show-completion", "bash", cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert "complete" in done.stdout and "_AIFP_MIGRATE_COMPLETE" in done.stdout
