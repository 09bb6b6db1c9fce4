"""The record of releases: every edition recorded in ``editions.yml`` (version, commit, date, summary), read and
checked line by line, and the optional tags made from it.

A release needs no tag: its entry names the commit it is built from, and the check makes sure the commit is in this
clone and carries the recorded version. Like the rest of the editions' machinery, this module knows nothing of the
analysis.
"""

from __future__ import annotations

import datetime
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

EDITIONS_FILE = "editions.yml"
TITLE = "Llama 3.1, Reproduced"
"""The book's title, as the changelog, the site's pages and each edition's PDF give it."""
VERSION = re.compile(r"^(\d+)\.(\d+)\.(\d+)$")
COMMIT = re.compile(r"^[0-9a-f]{40}$")
FIELDS = ("version", "commit", "date", "summary")
OPTIONAL = ("why",)
"""An edition's optional field: ``why``, a list of one-line reasons its verdicts and numbers moved (the changelog
lists them above the changes)."""


class EditionsError(RuntimeError):
    """A recorded edition or a step of building one failed; the message says which and why."""


@dataclass(frozen=True)
class Release:
    """One release recorded in ``editions.yml``: version, commit, date, summary, the line where its
    entry starts, and why its verdicts and numbers moved (:data:`OPTIONAL`)."""

    version: str
    commit: str
    date: str
    summary: str
    line: int = 0  # where the entry starts in editions.yml
    why: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The edition's name, ``v`` and the version (``v1.0.0``)."""
        return f"v{self.version}"


def git(root: Path, *args: str, check: bool = True, binary: bool = False) -> subprocess.CompletedProcess:
    """``git <args>`` in ``root``, its output kept (as bytes with ``binary``); with ``check``, a failure is an
    :class:`EditionsError` with git's message."""
    proc = subprocess.run(["git", *args], cwd=root, capture_output=True, text=not binary)
    if check and proc.returncode != 0:
        err = proc.stderr if not binary else proc.stderr.decode(errors="replace")
        raise EditionsError(f"git {' '.join(args)}: {err.strip()}")
    return proc


def tree_version(text: str) -> str | None:
    """``__version__`` as written in a ``src/herd/__init__.py``."""
    hit = re.search(r"^__version__\s*=\s*[\"']([^\"']+)[\"']", text, re.M)
    return hit.group(1) if hit else None


def load_releases(root: Path, check_git: bool = True) -> list[Release]:
    """The releases recorded in ``editions.yml``, oldest first, validated: each entry has exactly
    version (X.Y.Z, increasing), commit (full hash; with ``check_git``, present in this clone and
    carrying that version in its ``src/herd/__init__.py``), date (YYYY-MM-DD, not decreasing) and
    a one-line summary. Errors name the file and line."""
    path = root / EDITIONS_FILE
    where = EDITIONS_FILE
    if not path.exists():
        raise EditionsError(f"{where}: missing (it records the released editions; an empty list is `[]`)")
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        raise EditionsError(f"{where}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if node is None or (isinstance(node, yaml.SequenceNode) and not node.value):
        return []
    if not isinstance(node, yaml.SequenceNode):
        raise EditionsError(f"{where}, line {node.start_mark.line + 1}: expected a list of editions")
    releases: list[Release] = []
    for item in node.value:
        line = item.start_mark.line + 1
        at = f"{where}, line {line}"
        if not isinstance(item, yaml.MappingNode):
            raise EditionsError(f"{at}: each edition is a mapping with {', '.join(FIELDS)}")
        entry = {}
        why: tuple[str, ...] = ()
        for key_node, value_node in item.value:
            key = key_node.value
            if key == "why":
                why = _reasons(value_node, where)
                continue
            if key not in FIELDS:
                raise EditionsError(
                    f"{where}, line {key_node.start_mark.line + 1}: unknown field {key!r}; an edition has "
                    f"{', '.join(FIELDS)} and may have {', '.join(OPTIONAL)}"
                )
            if not isinstance(value_node, yaml.ScalarNode):
                raise EditionsError(f"{where}, line {value_node.start_mark.line + 1}: {key} must be a single value")
            entry[key] = (str(value_node.value).strip(), value_node.start_mark.line + 1)
        missing = [f for f in FIELDS if f not in entry]
        if missing:
            raise EditionsError(f"{at}: missing {', '.join(missing)}")
        (version, vline), (commit, cline), (date, dline), (summary, sline) = (entry[f] for f in FIELDS)
        if not VERSION.match(version):
            raise EditionsError(f"{where}, line {vline}: version {version!r} is not X.Y.Z (e.g. 1.1.0)")
        if releases and _key(version) <= _key(releases[-1].version):
            raise EditionsError(
                f"{where}, line {vline}: version {version} does not come "
                f"after {releases[-1].version} (list editions oldest first)"
            )
        if not COMMIT.match(commit):
            raise EditionsError(
                f"{where}, line {cline}: commit {commit!r} is not a full 40-character hash (git rev-parse <commit>)"
            )
        try:
            datetime.date.fromisoformat(date)
        except ValueError:
            raise EditionsError(f"{where}, line {dline}: date {date!r} is not YYYY-MM-DD") from None
        if releases and date < releases[-1].date:
            raise EditionsError(
                f"{where}, line {dline}: date {date} is before the previous edition's ({releases[-1].date})"
            )
        if not summary or "\n" in summary or len(summary) > 300:
            raise EditionsError(f"{where}, line {sline}: summary must be one line of at most 300 characters")
        if check_git:
            if git(root, "cat-file", "-e", f"{commit}^{{commit}}", check=False).returncode != 0:
                raise EditionsError(
                    f"{where}, line {cline}: commit {commit[:12]} is not in this clone (fetch the branch that holds it)"
                )
            init = git(root, "show", f"{commit}:src/herd/__init__.py", check=False)
            found = tree_version(init.stdout) if init.returncode == 0 else None
            if found != version:
                raise EditionsError(
                    f"{where}, line {vline}: commit {commit[:12]} carries version {found}, not {version} "
                    "(bump __version__ in src/herd/__init__.py and CITATION.cff before recording the release)"
                )
        releases.append(Release(version, commit, date, summary, line, why))
    return releases


def _reasons(node, where: str) -> tuple[str, ...]:
    """An edition's ``why``: a list of reasons, each one line of at most 300 characters; errors name the line."""
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise EditionsError(f"{where}, line {node.start_mark.line + 1}: why must be a list of one-line reasons")
    reasons = []
    for item in node.value:
        text = str(item.value).strip() if isinstance(item, yaml.ScalarNode) else ""
        if not text or "\n" in text or len(text) > 300:
            raise EditionsError(
                f"{where}, line {item.start_mark.line + 1}: "
                "each reason in why must be one line of at most 300 characters"
            )
        reasons.append(text)
    return tuple(reasons)


def _key(version: str) -> tuple[int, ...]:
    match = VERSION.match(version)
    if match is None:
        raise EditionsError(f"version {version!r} is not X.Y.Z")
    return tuple(int(x) for x in match.groups())


def create_tags(root: Path) -> list[str]:
    """Optional: a lightweight tag vX.Y.Z for each recorded release that has none."""
    made = []
    for r in load_releases(root):
        if git(root, "rev-parse", "-q", "--verify", f"refs/tags/{r.name}", check=False).returncode != 0:
            git(root, "tag", r.name, r.commit)
            made.append(r.name)
    return made
