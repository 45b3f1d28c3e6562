"""docs/ics-sync.md's Python blocks, each run on its own against a fresh emulator, as the README's are."""

import re
from pathlib import Path

import pytest

from dingtalk_calendar_emulator import Emulator
from tests.test_readme import Block, _run, _variables

DOC = Path(__file__).resolve().parent.parent / "docs" / "ics-sync.md"


def _blocks() -> list[Block]:
    text = DOC.read_text(encoding="utf-8")
    found: list[Block] = []
    for match in re.finditer(r"^```python\n(.*?)^```", text, re.M | re.S):
        line = text.count("\n", 0, match.start()) + 2
        found.append(Block(len(found) + 1, line, "docs/ics-sync.md", match.group(1)))
    return found


BLOCKS = _blocks()


def test_the_page_has_examples() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("block", BLOCKS, ids=[f"ics_doc_block_{b.number}" for b in BLOCKS])
def test_each_example_runs_alone(block: Block, dingtalk_emulator: Emulator, tmp_path: Path) -> None:
    done = _run(block, tmp_path, _variables(dingtalk_emulator, block.code))
    assert done.returncode == 0, (
        f"docs/ics-sync.md block {block.number} (line {block.line}):\n{done.stdout}{done.stderr}"
    )
