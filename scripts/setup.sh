#!/usr/bin/env bash
# Make .venv (if needed) and install the tool with its test tools into it.
# pip's output goes to .venv/setup.log and is shown only if the install fails.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
log=.venv/setup.log
if ! {
    .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip \
        && .venv/bin/python -m pip install --disable-pip-version-check -e ".[test]"
} >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup failed: see the pip output above (also in $log)" >&2
    exit 1
fi
# An editable install leaves our own modules uncompiled, and where PYTHONDONTWRITEBYTECODE is
# set (this CI image sets it) every process would compile them again: ~40 ms of CPU per run
# of the tool, in each of the suite's hundreds of CLI subprocesses. A wheel install compiles
# them; so does this. A .pyc older than its source is ignored, so edits still take effect.
.venv/bin/python -m compileall -q aifp_fp shell/aifp_shell migrations/migrate.py >>"$log"
