"""What every published package has: a licence that matches its metadata, a version users can read,
a changelog for that version, install instructions that work, and a lean ``make demo``."""

import copy
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import dingtalk_calendar

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _shell_blocks() -> list[list[str]]:
    blocks = re.findall(r"^```sh\n(.*?)^```", README, re.S | re.M)
    return [[line.split("  #")[0].strip() for line in block.splitlines() if line.strip()] for block in blocks]


def test_the_licence_file_is_the_mit_licence_pyproject_names() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert "LICENSE" in project["license-files"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in text


def test_the_version_is_one_string_the_package_and_its_metadata_share() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", dingtalk_calendar.__version__)
    assert importlib.metadata.version("dingtalk-calendar") == dingtalk_calendar.__version__
    assert "__version__" in dingtalk_calendar.__all__


def test_the_changelog_has_a_section_for_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(dingtalk_calendar.__version__)}\b", changelog, re.M)


def test_the_readme_first_command_works_on_a_fresh_machine(tmp_path: Path) -> None:
    first = _shell_blocks()[0][0]
    assert first.startswith("python3 -m venv .venv"), "the README's first command is not the one tested here"
    done = subprocess.run(
        ["bash", "-c", f"{first} && python -c 'import sys; print(sys.prefix)'"],
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(tmp_path / ".venv")  # the activated virtualenv's python


def test_the_readme_names_the_wheel_this_version_builds() -> None:
    wheel = f"dingtalk_calendar-{dingtalk_calendar.__version__}-py3-none-any.whl"
    commands = [line for block in _shell_blocks() for line in block]
    assert any(line.startswith("pip wheel") and " ." in line for line in commands)
    assert any(wheel in line and line.startswith("pip install") for line in commands), wheel
    assert "pip install dingtalk-calendar\n" not in README  # an index install that cannot work


def test_the_readme_installs_every_extra_pyproject_offers() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    for extra in set(extras) - {"dev"}:
        assert f"pip install '.[{extra}]'" in README, extra


def _dry_run_demo(venv: Path) -> list[str]:
    done = subprocess.run(
        ["make", "--no-print-directory", "-n", "demo", f"DEMO_VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.splitlines()


def test_make_demo_installs_only_the_sdk_and_its_emulator_extra(tmp_path: Path) -> None:
    commands = _dry_run_demo(tmp_path / "venv")
    installs = [c for c in commands if "pip install" in c]
    assert installs, commands
    assert all("'.[emulator]'" in c and "dev" not in c for c in installs), installs
    assert commands[-1] == f"{tmp_path / 'venv'}/bin/python demo/walkthrough.py"


def test_make_demo_a_second_time_installs_nothing(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / ".installed-stamp").touch()  # what the first run leaves, newer than pyproject.toml
    newest = max(
        (ROOT / "pyproject.toml").stat().st_mtime, (ROOT / "overlays/dingtalk_calendar/_version.py").stat().st_mtime
    )
    os.utime(venv / ".installed-stamp", (newest + 10, newest + 10))
    assert _dry_run_demo(venv) == [f"{venv}/bin/python demo/walkthrough.py"]


@pytest.mark.parametrize("name", ["retry_table", "__version__"])
def test_what_the_readme_names_is_exported(name: str) -> None:
    assert f"{name}" in _documentation()
    assert hasattr(dingtalk_calendar, name)


def test_the_changelogs_spec_changes_are_what_openapi_yaml_gives() -> None:
    done = subprocess.run(
        [sys.executable, "generator/changelog.py", "--check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_changelog_derives_what_a_spec_change_means_for_users() -> None:
    from generator.changelog import changes, summary
    from generator.generate import load_spec

    spec = load_spec()
    before = summary(spec)
    changed = copy.deepcopy(spec)
    paths = changed["paths"]
    get_path = next(p for p, item in paths.items() if item.get("get", {}).get("operationId") == "getSubscribedCalendar")
    paths[get_path]["get"]["deprecated"] = True
    paths["/v1.0/calendar/users/{userId}/somethingNew/{calendarId}"] = {
        "parameters": copy.deepcopy(paths[get_path].get("parameters", [])),
        "post": {**copy.deepcopy(paths[get_path]["get"]), "operationId": "makeSomethingNew", "deprecated": False},
    }
    schema = changed["components"]["schemas"]["CreateSubscribedCalendarRequest"]["properties"]["name"]
    schema["maxLength"] = 256
    lines = changes(before, summary(changed))
    assert "New operation `makeSomethingNew` (`POST /v1.0/calendar/users/{userId}/somethingNew/{calendarId}`)." in lines
    assert any(line.startswith("`getSubscribedCalendar` is deprecated: calling it warns") for line in lines)
    assert "`CreateSubscribedCalendarRequest.name`: max length 128 → 256." in lines
    assert changes(before, before) == ["No change to the operations, errors or field rules."]


def test_the_changelog_names_a_new_field_by_where_it_goes() -> None:
    from generator.changelog import changes, summary
    from generator.generate import load_spec

    spec = load_spec()
    before = summary(spec)
    changed = copy.deepcopy(spec)
    schemas = changed["components"]["schemas"]
    schemas["GetSubscribedCalendarResponse"]["properties"]["colour"] = {"type": "string"}
    schemas["CreateSubscribedCalendarRequest"]["properties"]["colour"] = {"type": "string"}
    schemas["SubscribeScope"]["properties"]["labels"] = {"type": "array", "items": {"type": "string"}}
    del schemas["CreateSubscribedCalendarResponse"]["properties"]["calendarId"]
    lines = changes(before, summary(changed))
    assert "New response field `GetSubscribedCalendarResponse.colour`." in lines
    assert "New request field `CreateSubscribedCalendarRequest.colour`." in lines
    assert "New request and response field `SubscribeScope.labels`." in lines  # sent in create, answered in get
    assert "Response field `CreateSubscribedCalendarResponse.calendarId` removed." in lines


def _documentation() -> str:
    """The README and the docs/ pages: wherever a sentence about make demo may stand."""
    return "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted(ROOT.glob("docs/*.md"))])


def test_what_the_docs_say_make_demo_sets_up_is_the_makefiles_demo_virtualenv() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^DEMO_VENV\s*\?=\s*(\S+)$", makefile, re.M)
    assert match, "the Makefile no longer sets DEMO_VENV"
    demo_venv = match.group(1)
    text = re.sub(r"\s+", " ", re.sub(r"^```.*?^```", "", _documentation(), flags=re.S | re.M))
    sentences = [s for s in re.split(r"(?<=[.:;])\s", text) if "make demo" in s and ".venv" in s]
    assert sentences, "no sentence says where make demo installs"
    for sentence in sentences:
        named = set(re.findall(r"`(\.venv[\w.-]*)`", sentence))
        assert named == {demo_venv}, f"says make demo sets up {named}, the Makefile {demo_venv}: {sentence!r}"


def test_no_sentence_promises_make_demo_a_time_no_test_can_hold() -> None:
    # How long the first run takes is pip's download time on the reader's machine: no figure here can be true.
    text = re.sub(r"\s+", " ", re.sub(r"^```.*?^```", "", _documentation(), flags=re.S | re.M))
    for sentence in re.split(r"(?<=[.;])\s", text):
        if "make demo" in sentence and "first" in sentence:
            assert not re.search(r"\b\d+(\.\d+)? ?(s|seconds|minutes?)\b", sentence), sentence
