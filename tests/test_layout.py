"""The Layout tree (docs/layout.md) against the folders: every entry exists, every SDK sub-package is listed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SDK = Path("overlays/dingtalk_calendar")
START = "<!-- layout tree: tests/test_layout.py holds it against the folders -->"
END = "<!-- end of layout tree -->"
# A top entry is a path from the root; a child is "├── name/" or "└── name/" under the entry above it.
ENTRY = re.compile(r"^(?P<connector>[├└]── )?(?P<path>\S+)(?:\s{2,}(?P<what>\S.*))?$")


def tree_entries(readme: str) -> list[tuple[str, str]]:
    """(path from the root, description) for each line of a page's Layout tree."""
    block = readme[readme.index(START) : readme.index(END)]
    lines = block.split("```")[1].splitlines()[1:]  # the fence's language word opens the block
    entries: list[tuple[str, str]] = []
    parent = ""
    for line in lines:
        match = ENTRY.match(line)
        assert match, f"a Layout tree line that is neither 'path  what' nor '├── name/  what': {line!r}"
        if match["connector"]:
            assert parent.endswith("/"), f"{line!r} hangs under {parent!r}, which is no folder"
            path = parent + match["path"]
        else:
            path = parent = match["path"]
        entries.append((path, match["what"] or ""))
    return entries


@pytest.fixture(scope="module")
def entries() -> list[tuple[str, str]]:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    (page,) = [page for page in pages if START in page.read_text(encoding="utf-8")]
    return tree_entries(page.read_text(encoding="utf-8"))


def test_every_entry_of_the_tree_exists_and_says_what_it_holds(entries: list[tuple[str, str]]) -> None:
    assert entries
    for path, what in entries:
        target = ROOT / path
        assert target.is_dir() if path.endswith("/") else target.is_file(), f"the Layout tree lists {path}: not there"
        assert what, f"the Layout tree: {path} says nothing about what it holds"


def test_every_sub_package_of_the_sdk_is_in_the_tree(entries: list[tuple[str, str]]) -> None:
    listed = {path for path, _ in entries}
    packages = {
        f"{init.parent.relative_to(ROOT).as_posix()}/"
        for init in (ROOT / SDK).rglob("__init__.py")
        if init.parent != ROOT / SDK and "__pycache__" not in init.parts
    }
    assert packages, "no sub-package found: the test looks in the wrong place"
    assert sorted(packages - listed) == [], "sub-packages of the SDK missing from the Layout tree"


def test_the_tree_reader_places_a_child_under_its_folder() -> None:
    readme = f"{START}\n```text\n{SDK.as_posix()}/  the SDK\n└── _nowhere/  nothing\n```\n{END}\n"
    (path, _), (child, _) = tree_entries(readme)
    assert path == f"{SDK.as_posix()}/"
    assert child == f"{SDK.as_posix()}/_nowhere/"
    assert not (ROOT / child).exists()
