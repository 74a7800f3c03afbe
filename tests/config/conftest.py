import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def manage():
    """Run `manage.py ARGS` in a fresh process with extra environment variables."""

    def manage(*args, **env):
        full_env = dict(os.environ)
        # Set while Playwright runs (tests/e2e); a subprocess must not inherit it.
        for name in ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"):
            full_env.pop(name, None)
        full_env.update(env)
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return manage
