"""The Python examples of the README and of the docs/ pages, each run on its own, so none can rot
or lean on another.

Every ```python block of README.md and docs/*.md is written to a file of its own and

- run in a fresh interpreter (``python block.py``, in a folder of its own, nothing of the
  clone on the import path), or with pytest when it defines ``test_`` functions (the
  emulator's plugin gives them their fixtures), against a fresh emulator; a block of the
  clone's own tools (``generator``) is run as the README says, ``python -`` in the clone;
- type-checked with ``mypy --strict``, alone, as a user's own module would be.

The environment holds an internal app's credentials and the emulator's URL, plus whichever
other ``DINGTALK_*`` variables the block itself names, so ``from_env()`` always sees exactly
one kind of credentials. A failure names the block by number, line and section, and says why.

The README's table of contents is checked here too (one entry per ``##`` section, in order),
and every link between the pages (file and anchor) resolves.
"""

import ast
import importlib.metadata
import importlib.util
import inspect
import os
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from attrs import frozen
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from dingtalk_calendar_emulator import Emulator

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# docs/benchmark.md is written by make bench: figures, no examples.
PAGES = [README, *sorted(p for p in (ROOT / "docs").glob("*.md") if p.name != "benchmark.md")]
VARIABLE = re.compile(r"DINGTALK_[A-Z_]+")
# A block is bounded in time by the number of calls it makes, not by the machine's speed; this
# only stops a hung block from hanging the suite.
HUNG = 300


@frozen
class Block:
    page: Path
    number: int
    line: int
    section: str
    code: str

    @property
    def name(self) -> str:
        """A module name for the block: ``readme_block_03``, ``docs_retries_block_01``."""
        stem = "readme" if self.page == README else f"docs_{self.page.stem.replace('-', '_')}"
        return f"{stem}_block_{self.number:02d}"

    def describe(self) -> str:
        where = self.page.relative_to(ROOT)
        return f"{where} python block {self.number} (line {self.line}, under {self.section!r})"


# Pages whose examples need more than an emulator run by tests of their own (which also
# type-check them): docs/fleet.md's need Redis and a Celery worker (tests/test_fleet_docs.py).
RUN_ELSEWHERE = {"fleet.md"}


def _blocks() -> list[Block]:
    return [block for page in PAGES if page.name not in RUN_ELSEWHERE for block in _blocks_of(page)]


def _blocks_of(page: Path) -> list[Block]:
    found: list[Block] = []
    section = "(top)"
    lines = page.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("#") and not line.startswith("#!"):
            section = line.lstrip("#").strip()
        if line.startswith("```"):
            fence_language = line[3:].strip()
            start = index + 1
            index = start
            while not lines[index].startswith("```"):
                index += 1
            if fence_language == "python":
                code = "\n".join(lines[start:index]) + "\n"
                found.append(Block(page, len(found) + 1, start + 1, section, code))
        index += 1
    return found


BLOCKS = _blocks()


def _variables(emu: Emulator, code: str) -> dict[str, str]:
    enterprise = emu.enterprise_app
    personal = emu.personal_app
    named = set(VARIABLE.findall(code))
    extra: dict[str, Callable[[], str]] = {
        "DINGTALK_SUITE_KEY": lambda: enterprise.suite_key,
        "DINGTALK_SUITE_SECRET": lambda: enterprise.suite_secret,
        "DINGTALK_AUTH_CORP_ID": lambda: "ding-acme",
        "DINGTALK_SUITE_TICKET": lambda: enterprise.suite_ticket,
        "DINGTALK_CLIENT_ID": lambda: personal.client_id,
        "DINGTALK_CLIENT_SECRET": lambda: personal.client_secret,
        "DINGTALK_AUTH_CODE": lambda: emu.issue_auth_code(personal, "alice"),
        "DINGTALK_ACCESS_TOKEN": lambda: emu.issue_token(emu.internal_app),
    }
    env = {name: value for name, value in os.environ.items() if not name.startswith("DINGTALK_")}
    env.update(
        {
            "DINGTALK_APP_KEY": emu.internal_app.app_key,
            "DINGTALK_APP_SECRET": emu.internal_app.app_secret,
            "DINGTALK_BASE_URL": emu.url,
        }
    )
    env.update({name: make() for name, make in extra.items() if name in named})
    env.pop("PYTHONPATH", None)  # nothing of the clone is importable unless the block is run in it
    return env


def _runs_in_the_clone(block: Block) -> bool:
    """A block of the clone's own tools (``generator``), which the README says to run in its top folder."""
    return re.search(r"^(?:from|import) generator\b", block.code, re.M) is not None


def _run(block: Block, directory: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    path = directory / f"{block.name}.py"
    path.write_text(block.code, encoding="utf-8")
    if _runs_in_the_clone(block):  # as the README says: `python - < check.py` in the clone's top folder
        with path.open(encoding="utf-8") as code:
            return subprocess.run(
                [sys.executable, "-"],
                stdin=code,
                cwd=README.parent,
                env=env,
                capture_output=True,
                text=True,
                timeout=HUNG,
                check=False,
            )
    if re.search(r"^def test_", block.code, re.M):
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(path)]
    else:
        command = [sys.executable, str(path)]
    return subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True, timeout=HUNG, check=False)


def test_the_readme_has_examples() -> None:
    assert len(BLOCKS) >= 8


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_each_readme_example_runs_alone(block: Block, dingtalk_emulator: Emulator, tmp_path: Path) -> None:
    done = _run(block, tmp_path, _variables(dingtalk_emulator, block.code))
    if done.returncode != 0:
        why = (done.stderr.strip() or done.stdout.strip()).splitlines()
        pytest.fail(
            f"{block.describe()} failed on its own (exit {done.returncode}): {why[-1] if why else 'no output'}\n"
            f"--- output ---\n{done.stdout}{done.stderr}\n--- the block ---\n{block.code}"
        )
    for expected in _EXPECTED_OUTPUT.get(block.name, ()):
        assert expected in done.stdout, f"{block.describe()} did not print {expected!r}; it printed:\n{done.stdout}"


@pytest.fixture(scope="module")
def mypy_errors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """``mypy --strict`` over every block at once, each as a module of its own; errors by module."""
    directory = tmp_path_factory.mktemp("readme_mypy")
    for block in BLOCKS:
        (directory / f"{block.name}.py").write_text(block.code, encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--follow-imports=silent",  # the SDK's own errors are `make typecheck`'s business
        "--no-error-summary",
        "--show-error-codes",
        "--cache-dir",  # kept between runs: the SDK and httpx are analysed once, not every time
        str(README.parent / ".mypy_cache" / "readme-blocks"),
        *sorted(str(directory / f"{block.name}.py") for block in BLOCKS),
    ]
    env = {**os.environ, "MYPYPATH": str(README.parent)}  # as from a clone, like the run above
    done = subprocess.run(command, cwd=directory, env=env, capture_output=True, text=True, timeout=HUNG, check=False)
    assert done.returncode in (0, 1), f"mypy did not run: {done.stderr}"
    errors: dict[str, list[str]] = {}
    for line in done.stdout.splitlines():
        module = Path(line.split(":", 1)[0]).stem
        errors.setdefault(module, []).append(line)
    return errors


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_each_readme_example_passes_mypy_strict_alone(block: Block, mypy_errors: dict[str, list[str]]) -> None:
    found = mypy_errors.get(block.name, [])
    assert not found, f"{block.describe()} fails mypy --strict on its own:\n" + "\n".join(found)


# What some blocks must print: the pages' comments promise it.
def _expected_output() -> dict[str, tuple[str, ...]]:
    wanted = {
        "print(calendar.name, calendar.scope.organisations": ("Public holidays",),
        "result.summary())  # 3 done": ("3 done, 0 already done, 1 failed, 0 not attempted",),
        "result.summary())  # 2 done": ("2 done, 0 already done, 0 failed, 1 not attempted; cancelled",),
        'name="x" * 129': ("must be at most 128 characters (got 129)",),
        "raise AcmeAccessError(": ("ask #calendar-admins for access (",),
        "print(error.code, error.reason, error.message)": (
            "invalidParameter None calendar not found: some-calendar-id",
        ),
    }
    found: dict[str, tuple[str, ...]] = {}
    for block in BLOCKS:
        for marker, expected in wanted.items():
            if marker in block.code:
                assert block.name not in found, f"{block.describe()} matches two output markers"
                found[block.name] = expected
    assert len(found) == len(wanted), "a block whose output this test checks has gone from the pages, or two match"
    return found


_EXPECTED_OUTPUT = _expected_output()


# -- the table of contents -----------------------------------------------------------------


def _anchor(title: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return text.replace(" ", "-")


def _sections() -> Iterator[str]:
    in_fence = False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith("## ") and line[3:].strip() != "Contents":
            yield line[3:].strip()


def test_the_table_of_contents_lists_every_section_in_order() -> None:
    text = README.read_text(encoding="utf-8")
    contents = re.search(r"^## Contents\n\n(.*?)\n\n", text, re.S | re.M)
    assert contents, "the README has no '## Contents' section"
    entries = re.findall(r"^- \[(.+?)\]\(#(.+?)\)$", contents.group(1), re.M)
    expected = [(title, _anchor(title)) for title in _sections()]
    wanted = "\n".join(f"- [{title}](#{anchor})" for title, anchor in expected)
    assert entries == expected, f"the README's Contents differ from its ## sections; it should read:\n\n{wanted}"


# -- the personal app against the command-line emulator ------------------------------------


def test_the_personal_app_example_runs_against_the_command_line_emulator(tmp_path: Path) -> None:
    """The README's steps for a user token: the emulator's announced credentials and its auth-code route."""
    (block,) = [b for b in BLOCKS if "UserCredentials(" in b.code and "DINGTALK_AUTH_CODE" in b.code]
    command = [sys.executable, "-m", "dingtalk_calendar_emulator", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as cli:
        try:
            assert cli.stdout is not None
            announced = [cli.stdout.readline() for _ in range(5)]
            url = announced[0].rsplit(" ", 1)[-1].strip()
            personal = dict(part.split("=", 1) for part in announced[3].split()[2:])
            # The announced line is the README's curl command; send the same request.
            assert "curl -X POST" in announced[4], announced[4]
            assert "/_emulator/auth-code" in announced[4], announced[4]
            answer = httpx.post(f"{url}/_emulator/auth-code", content=b'{"userId": "alice"}', timeout=10)
            assert answer.status_code == 200, answer.text
            env = {name: value for name, value in os.environ.items() if not name.startswith("DINGTALK_")}
            env |= {
                "DINGTALK_BASE_URL": url,
                "DINGTALK_CLIENT_ID": personal["clientId"],
                "DINGTALK_CLIENT_SECRET": personal["clientSecret"],
                "DINGTALK_AUTH_CODE": answer.json()["authCode"],
            }
            done = _run(block, tmp_path, env)
        finally:
            cli.terminate()
    assert done.returncode == 0, done.stdout + done.stderr
    readme = README.read_text(encoding="utf-8")
    assert f"DINGTALK_CLIENT_ID={personal['clientId']}" in readme
    assert f"DINGTALK_CLIENT_SECRET={personal['clientSecret']}" in readme
    assert '/_emulator/auth-code -d \'{"userId": "alice"}\'' in readme


# -- what the install lines bring ----------------------------------------------------------


def _install_requirements() -> list[Requirement]:
    """The packages the README's ``pip install`` lines name, as requirements (this SDK by its name)."""
    found: list[Requirement] = []
    text = "\n".join(page.read_text(encoding="utf-8") for page in PAGES)
    for line in re.findall(r"^(?:\S+/)?pip install (.+)$", text, re.M):
        for word in shlex.split(line, comments=True):
            if word.startswith("-"):
                continue
            extras = re.search(r"\[([\w,]+)\]", word)
            if word.startswith(".") or word.startswith("dingtalk-calendar"):
                word = f"dingtalk-calendar[{extras.group(1)}]" if extras else "dingtalk-calendar"
            found.append(Requirement(word))
    return found


def _installed_by(requirements: list[Requirement]) -> set[str]:
    """Every distribution those requirements install, dependencies included (as this machine has them)."""
    wanted = [(canonicalize_name(r.name), frozenset(r.extras)) for r in requirements]
    seen: set[str] = set()
    while wanted:
        name, extras = wanted.pop()
        first_visit = name not in seen
        seen.add(name)
        for text in importlib.metadata.requires(name) or []:
            requirement = Requirement(text)
            marker = requirement.marker
            applies = marker is None or any(marker.evaluate({"extra": extra}) for extra in {"", *extras})
            if not applies or (not first_visit and marker is None):
                continue
            wanted.append((canonicalize_name(requirement.name), frozenset(requirement.extras)))
    return seen


def _distribution_of(module: str, owners: dict[Path, str], sdk_packages: set[str]) -> str | None:
    """The distribution that installs ``module``; None for the standard library and the clone's own tools."""
    top = module.split(".")[0]
    if top in sys.stdlib_module_names:
        return None
    if top in sdk_packages:
        return "dingtalk-calendar"
    spec = importlib.util.find_spec(module)
    assert spec is not None, f"{module} is not installed in the development virtualenv"
    origin = Path(spec.origin or next(iter(spec.submodule_search_locations or [])))
    if origin.resolve().is_relative_to(README.parent / top):
        return None  # the clone's own tools (generator): the block says it runs in the clone
    owner = owners.get(origin.resolve())
    assert owner is not None, f"no installed distribution holds {origin}"
    return owner


def test_every_package_an_example_imports_is_installed_by_an_install_line() -> None:
    owners: dict[Path, str] = {}
    for distribution in importlib.metadata.distributions():
        for file in distribution.files or []:
            if file.suffix in (".py", ".so", ".pyd"):
                owners[Path(str(distribution.locate_file(file))).resolve()] = canonicalize_name(
                    distribution.metadata["Name"]
                )
    pyproject = tomllib.loads((README.parent / "pyproject.toml").read_text(encoding="utf-8"))
    sdk_packages = {Path(p).name for p in pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]}
    installed = _installed_by(_install_requirements())
    missing: list[str] = []
    for block in BLOCKS:
        for node in ast.walk(ast.parse(block.code)):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                owner = _distribution_of(module, owners, sdk_packages)
                if owner is not None and owner not in installed:
                    missing.append(f"{block.describe()} imports {module} ({owner}): no install line brings it")
    assert not missing, "\n".join(missing)


# -- the overlay hooks table ---------------------------------------------------------------


def test_the_overlay_hooks_table_is_the_class_and_is_current() -> None:
    from dingtalk_calendar import Overlay
    from generator import readme_tables

    table = readme_tables.overlay_hooks_table()
    hooks = [name for name in vars(Overlay) if name.startswith("on_")]
    assert len(hooks) >= 6
    for name in hooks:
        parameters = list(inspect.signature(getattr(Overlay, name)).parameters)[1:]
        assert f"| `{name}({', '.join(parameters)}" in re.sub(r": [^,)]+", "", table), f"{name} has no row"
    assert "`on_error(error: DingTalkError)" in table  # not (request, error), as on_call_end has
    for page in readme_tables.PAGES:
        text = page.read_text(encoding="utf-8")
        assert readme_tables.rewrite(text, page) == text, f"{page.name}'s generated tables are stale: 'make generate'"


# -- links between the pages ---------------------------------------------------------------

LINK = re.compile(r"\]\(([^)\s]+)\)")


def _anchors(page: Path) -> set[str]:
    in_fence = False
    found = set()
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        elif not in_fence and line.startswith("#"):
            found.add(_anchor(line.lstrip("#")))
    return found


def test_every_link_between_the_pages_resolves() -> None:
    broken = []
    for page in [*PAGES, ROOT / "docs" / "benchmark.md"]:
        text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
        for target in LINK.findall(text):
            if re.match(r"[a-z]+://", target):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such file)")
            elif anchor and linked.suffix == ".md" and anchor not in _anchors(linked):
                broken.append(f"{page.relative_to(ROOT)}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def test_every_docs_page_is_linked_from_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    for page in PAGES[1:]:
        assert f"(docs/{page.name})" in readme or f"(docs/{page.name}#" in readme, page.name
