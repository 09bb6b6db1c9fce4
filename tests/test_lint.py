"""The code meets the house rules: ruff's lint rules and formatting, and mypy (configured in
pyproject.toml; `make lint` runs the same commands, `make format` fixes what it can)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PATHS = ["src", "tests", "bench", "_ext"]
pytestmark = pytest.mark.lint


def _run(*command):
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


@pytest.mark.parametrize(
    "command", [["ruff", "check", *PATHS], ["ruff", "format", "--check", *PATHS]], ids=["ruff-check", "ruff-format"]
)
def test_ruff(command):
    result = _run(str(BIN / command[0]), *command[1:])
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_mypy():
    result = _run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
