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


def test_no_name_of_the_package_is_unused():
    from herd.book import deadcode

    dead = deadcode.unused(ROOT)
    assert not dead, "\n".join(dead)


def test_the_dead_code_check_counts_chapters_as_users_and_tests_as_not(tmp_path):
    from herd.book import deadcode

    (tmp_path / "src" / "herd").mkdir(parents=True)
    (tmp_path / "src" / "herd" / "tool.py").write_text(
        "def used_by_a_chapter():\n    return 1\n\n\ndef used_only_by_a_test():\n    return 2\n\n\n"
        "def handle_data(data):\n    return data\n"
    )
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "chapter.md").write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\n"
        "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n"
        "# A chapter\n\n```{code-cell} ipython3\nfrom herd import tool\ntool.used_by_a_chapter()\n```\n"
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_tool.py").write_text("from herd import tool\n\nassert tool.used_only_by_a_test()\n")
    dead = deadcode.unused(tmp_path)
    assert dead == ["src/herd/tool.py:5: unused function 'used_only_by_a_test'"]  # handle_data: called by convention
    with pytest.raises(deadcode.DeadCodeError, match="1 unused name"):
        deadcode.check(tmp_path)
