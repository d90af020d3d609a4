"""The README's layout section matches the tree (issue 13.3): every folder and file it names exists where it says,
and every top-level folder of the repository and every package of the app and the operator tools is named."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

COLUMN = 31  # where the descriptions start in the layout block
NAMED_IN_TEXT = re.compile(r"(?<![\w.*/-])((?:[\w.-]+/)*[\w*.-]+\.(?:py|md|sh|spec)|(?:[\w.-]+/)+)(?![\w/-])")


def layout_block(readme: str) -> list[str]:
    section = readme.split("\n## Layout\n", 1)[1]
    return section.split("```", 2)[1].strip("\n").splitlines()


def named_paths(lines: list[str]) -> tuple[list[tuple[str, Path]], list[tuple[str, Path]]]:
    """(entries, mentions): the paths in the left column, resolved through the indentation (two spaces per level),
    and the paths the descriptions mention, each with the folder it is read against."""
    entries: list[tuple[str, Path]] = []
    mentions: list[tuple[str, Path]] = []
    parents: list[Path] = []
    here = REPO
    for line in lines:
        left, text = line[:COLUMN], line[COLUMN:]
        if left.strip():
            level = (len(left) - len(left.lstrip(" "))) // 2
            parents = parents[:level]
            base = parents[-1] if parents else REPO
            names = [n.strip() for n in left.split(",") if n.strip()]
            for name in names:
                entries.append((name, base / name))
            here = base / names[0] if names[0].endswith("/") else base
            if names[0].endswith("/"):
                parents.append(base / names[0])
        mentions += [(m, here) for m in NAMED_IN_TEXT.findall(text)]
    return entries, mentions


def _exists(name: str, folder: Path) -> bool:
    """A name in a description: a path from the folder, from the repository, or a file somewhere under the folder."""
    if "*" in name:
        return any(folder.rglob(name))
    candidates = [folder / name, REPO / name]
    if "/" not in name.rstrip("/"):
        candidates += list(folder.rglob(name.rstrip("/")))
    return any(c.exists() for c in candidates)


def test_every_path_the_layout_names_exists() -> None:
    entries, mentions = named_paths(layout_block((REPO / "README.md").read_text(encoding="utf-8")))
    assert len(entries) > 20 and len(mentions) > 20  # the block was found and read
    assert [name for name, path in entries if not path.exists()] == []
    absent = [f"{name} (under {folder.relative_to(REPO)})" for name, folder in mentions if not _exists(name, folder)]
    assert absent == []


def test_every_top_level_folder_and_package_is_named() -> None:
    try:
        tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout")
    lines = layout_block((REPO / "README.md").read_text(encoding="utf-8"))
    entries, mentions = named_paths(lines)
    named = {path.resolve() for _, path in entries} | {(folder / name).resolve() for name, folder in mentions}
    top = {line.split("/", 1)[0] for line in tracked.splitlines() if "/" in line and not line.startswith(".")}
    missing = sorted(t for t in top if (REPO / t).resolve() not in named and not any(
        p.is_relative_to((REPO / t).resolve()) for p in named))
    assert missing == []
    packages = [REPO / "desktop" / "exposurecheck", REPO / "desktop" / "exposurecheck" / "core",
                REPO / "server" / "exposurecheck_server"]
    unnamed = sorted(
        str(sub.relative_to(REPO))
        for package in packages
        for sub in package.iterdir()
        if (sub / "__init__.py").exists() and sub.resolve() not in named
    )
    assert unnamed == []


def test_the_layout_reader_finds_what_is_wrong() -> None:
    lines = [
        "desktop/exposurecheck/         the app",
        "  core/                        no Qt here; nowhere.py does it",
        "    sources/                   choice.py decides",
        "  nogui/                       a folder that is not there",
    ]
    entries, mentions = named_paths(lines)
    assert [name for name, path in entries if not path.exists()] == ["nogui/"]
    assert [name for name, folder in mentions if not _exists(name, folder)] == ["nowhere.py"]
    assert ("choice.py", REPO / "desktop" / "exposurecheck" / "core" / "sources") in mentions
