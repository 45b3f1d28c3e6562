"""Where pages come from: files, folders, http(s) URLs, or the pages the spec names.

``make docs-check`` reads the pages the spec names (``x-dingtalk-docs``) from the saved docs
folder when there is one (CI keeps DingTalk's pages beside the clone, in
``../shared/dingtalk-docs/``), and fetches their URLs otherwise. With the folder it also reads
every other page saved there: a page of an operation the spec lacks names no entry yet.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from generator.docs.facts import PageError
from generator.docs.html import html_to_markdown, looks_like_html
from generator.docs.spec_facts import SpecFacts

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DOCS_DIR = ROOT.parent / "shared" / "dingtalk-docs"
PAGE_SUFFIXES = (".md", ".txt", ".markdown", ".html", ".htm")
FETCH_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


@dataclass(frozen=True)
class RawPage:
    name: str  # the file path or URL, as the findings name it
    text: str


def docs_dir(explicit: str | None = None) -> Path:
    return Path(explicit or os.environ.get("DINGTALK_DOCS_DIR") or DEFAULT_DOCS_DIR)


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def fetch(url: str, client: httpx.Client) -> RawPage:
    try:
        response = client.get(url)
    except httpx.HTTPError as error:
        raise PageError(url, f"cannot be fetched: {type(error).__name__}: {error}") from error
    if response.status_code != 200:
        raise PageError(url, f"cannot be fetched: HTTP {response.status_code}")
    return _page(url, response.text)


def _page(name: str, text: str) -> RawPage:
    # A live site serves HTML; its hash is then the hash of the converted text.
    return RawPage(name, html_to_markdown(text) if looks_like_html(text) else text)


def read_file(path: Path, name: str | None = None) -> RawPage:
    label = name or str(path)
    try:
        return _page(label, path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise PageError(label, f"cannot be read: {error}") from error


def expand(location: str) -> list[str]:
    """A folder as the pages in it (sorted); anything else as itself."""
    if is_url(location):
        return [location]
    path = Path(location)
    if path.is_dir():
        return [str(p) for p in sorted(path.rglob("*")) if p.is_file() and p.suffix in PAGE_SUFFIXES]
    return [location]


def read_locations(locations: Iterable[str]) -> Iterator[RawPage | PageError]:
    with httpx.Client(timeout=FETCH_TIMEOUT, follow_redirects=True) as client:
        for location in locations:
            for item in expand(location):
                try:
                    yield fetch(item, client) if is_url(item) else read_file(Path(item))
                except PageError as error:
                    yield error


def default_locations(spec: SpecFacts, folder: Path) -> list[str]:
    """What ``make docs-check`` reads: the spec's pages, and the rest of the docs folder."""
    locations = spec_locations(spec, folder)
    if folder.is_dir():
        seen = {Path(location).resolve() for location in locations if not is_url(location)}
        for location in expand(str(folder)):
            if Path(location).resolve() not in seen:
                locations.append(min(location, os.path.relpath(location), key=len))
    return locations


def spec_locations(spec: SpecFacts, folder: Path) -> list[str]:
    """Each page the spec names: its saved copy when the docs folder has it, else its URL."""
    return list(named_locations(spec, folder))


def named_locations(spec: SpecFacts, folder: Path) -> dict[str, str]:
    """Each page the spec names, with whose page it is: an operationId, or the global page's kind."""
    locations: dict[str, str] = {}
    sources = [(op.operation_id, s) for op in spec.operations for s in op.sources]
    sources += [(s.kind or "?", s) for s in spec.sources]
    for owner, source in sources:
        saved = folder / source.file if source.file else None
        if saved is not None and folder.is_dir() and saved.is_file():
            location = min(str(saved), os.path.relpath(saved), key=len)  # ../shared/dingtalk-docs/...
        elif source.url:
            location = source.url
        else:
            location = str(saved) if saved else "?"
        locations.setdefault(location, owner)
    return locations
