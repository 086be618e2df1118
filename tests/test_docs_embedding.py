"""Every ```python block of docs/embedding.md runs as written, from a project folder."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.aifp_data import build_installation

DOC = Path(__file__).resolve().parents[1] / "docs" / "embedding.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```$", DOC.read_text(encoding="utf-8"), re.M | re.S)


def test_the_document_has_examples_of_both_layers() -> None:
    assert len(BLOCKS) >= 4
    assert any("ensure_current(" in block for block in BLOCKS)
    assert any("aifp_fp.plan_migration" in block for block in BLOCKS)


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_block_runs_as_written(index: int, tmp_path: Path) -> None:
    installation = build_installation(tmp_path, rows=2)
    done = subprocess.run(
        [sys.executable, "-c", BLOCKS[index]],
        cwd=installation.project,
        env={**os.environ, "AIFP_ROOT": str(installation.root)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"block {index}:\n{BLOCKS[index]}\n{done.stderr}"
    assert done.stdout.strip(), "every example shows something"
    assert "Traceback" not in done.stderr
