"""Who exists: users (unionIds), groups (openConversationIds) and organisations (corpIds).

A directory file is JSON::

    {
      "corps":  [{"corpId": "ding-acme", "name": "Acme"}],
      "users":  [{"unionId": "alice", "name": "Alice", "corpIds": ["ding-acme"]}],
      "groups": [{"openConversationId": "cid-eng", "name": "Engineering", "members": ["alice"]}]
    }

Every user's corpIds and every group's members must name entries of the same file.
"""

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from attrs import field, frozen


class DirectoryError(ValueError):
    """A directory file or mapping that cannot be used; the message says where and why."""


@frozen
class Corp:
    """An organisation."""

    corp_id: str
    name: str = ""


@frozen
class User:
    """A user, with the organisations they belong to."""

    union_id: str
    name: str = ""
    corp_ids: frozenset[str] = frozenset()


@frozen
class Group:
    """A group chat and its members."""

    open_conversation_id: str
    name: str = ""
    members: frozenset[str] = frozenset()


@frozen
class Directory:
    """An immutable directory; safe to share between threads and emulators."""

    corps: Mapping[str, Corp] = field(factory=dict)
    users: Mapping[str, User] = field(factory=dict)
    groups: Mapping[str, Group] = field(factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> "Directory":
        """Read a directory file; a broken file raises DirectoryError naming the file and the fault."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise DirectoryError(f"directory file {path}: cannot read it ({exc.strerror or exc})") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DirectoryError(
                f"directory file {path}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from exc
        try:
            return cls.from_dict(data)
        except DirectoryError as exc:
            raise DirectoryError(f"directory file {path}: {exc}") from exc

    @classmethod
    def from_dict(cls, data: Any) -> "Directory":
        """Build a directory from the file's JSON structure (see the module docstring)."""
        if not isinstance(data, dict):
            raise DirectoryError("the top level must be a JSON object with corps, users and groups")
        unknown = set(data) - {"corps", "users", "groups"}
        if unknown:
            raise DirectoryError(f"unknown top-level keys {sorted(unknown)}; expected corps, users and groups")
        corps: dict[str, Corp] = {}
        for where, entry in _entries(data, "corps"):
            corp_id = _text(entry, "corpId", where)
            _unique(corps, corp_id, where)
            corps[corp_id] = Corp(corp_id, _text(entry, "name", where, required=False))
        users: dict[str, User] = {}
        for where, entry in _entries(data, "users"):
            union_id = _text(entry, "unionId", where)
            _unique(users, union_id, where)
            corp_ids = _texts(entry, "corpIds", where)
            for corp_id in corp_ids:
                if corp_id not in corps:
                    raise DirectoryError(f"{where}.corpIds: unknown corp {corp_id!r} (add it to corps)")
            users[union_id] = User(union_id, _text(entry, "name", where, required=False), frozenset(corp_ids))
        groups: dict[str, Group] = {}
        for where, entry in _entries(data, "groups"):
            conversation_id = _text(entry, "openConversationId", where)
            _unique(groups, conversation_id, where)
            members = _texts(entry, "members", where)
            for member in members:
                if member not in users:
                    raise DirectoryError(f"{where}.members: unknown user {member!r} (add it to users)")
            groups[conversation_id] = Group(
                conversation_id, _text(entry, "name", where, required=False), frozenset(members)
            )
        return cls(corps=corps, users=users, groups=groups)

    @classmethod
    def default(cls) -> "Directory":
        """The built-in demo directory: two organisations, six users, two groups (see DEFAULT_DIRECTORY)."""
        return cls.from_dict(DEFAULT_DIRECTORY)

    def to_dict(self) -> dict[str, Any]:
        """The file form of this directory (what ``from_dict`` reads)."""
        return {
            "corps": [{"corpId": c.corp_id, "name": c.name} for c in self.corps.values()],
            "users": [
                {"unionId": u.union_id, "name": u.name, "corpIds": sorted(u.corp_ids)} for u in self.users.values()
            ],
            "groups": [
                {"openConversationId": g.open_conversation_id, "name": g.name, "members": sorted(g.members)}
                for g in self.groups.values()
            ],
        }

    def corps_of(self, union_id: str) -> frozenset[str]:
        """corpIds of the organisations ``union_id`` belongs to (none for an unknown user)."""
        user = self.users.get(union_id)
        return user.corp_ids if user else frozenset()

    def in_scope(
        self, union_id: str, union_ids: Iterable[str], conversation_ids: Iterable[str], corp_ids: Iterable[str]
    ) -> bool:
        """Whether the user falls within a scope: named directly, a member of a group, or of an organisation."""
        if union_id in union_ids:
            return True
        for conversation_id in conversation_ids:
            group = self.groups.get(conversation_id)
            if group is not None and union_id in group.members:
                return True
        return not self.corps_of(union_id).isdisjoint(corp_ids)


def _entries(data: Mapping[str, Any], key: str) -> Iterable[tuple[str, Mapping[str, Any]]]:
    entries = data.get(key, [])
    if not isinstance(entries, list):
        raise DirectoryError(f"{key} must be a list of objects")
    for index, entry in enumerate(entries):
        where = f"{key}[{index}]"
        if not isinstance(entry, dict):
            raise DirectoryError(f"{where} must be an object")
        yield where, entry


def _text(entry: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str:
    value = entry.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise DirectoryError(f"{where}.{key} must be a non-empty string, got {value!r}")
    return value


def _texts(entry: Mapping[str, Any], key: str, where: str) -> list[str]:
    values = entry.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise DirectoryError(f"{where}.{key} must be a list of strings, got {values!r}")
    return values


def _unique(seen: Mapping[str, object], key: str, where: str) -> None:
    if key in seen:
        raise DirectoryError(f"{where}: duplicate id {key!r}")


DEFAULT_DIRECTORY: dict[str, Any] = {
    "corps": [
        {"corpId": "ding-acme", "name": "Acme Corporation"},
        {"corpId": "ding-globex", "name": "Globex"},
    ],
    "users": [
        {"unionId": "alice", "name": "Alice (Acme)", "corpIds": ["ding-acme"]},
        {"unionId": "bob", "name": "Bob (Acme)", "corpIds": ["ding-acme"]},
        {"unionId": "carol", "name": "Carol (Acme and Globex)", "corpIds": ["ding-acme", "ding-globex"]},
        {"unionId": "dave", "name": "Dave (Globex)", "corpIds": ["ding-globex"]},
        {"unionId": "erin", "name": "Erin (Globex)", "corpIds": ["ding-globex"]},
        {"unionId": "frank", "name": "Frank (no organisation)", "corpIds": []},
    ],
    "groups": [
        {"openConversationId": "cid-engineering", "name": "Engineering", "members": ["alice", "bob", "dave"]},
        {"openConversationId": "cid-book-club", "name": "Book club", "members": ["erin", "frank"]},
    ],
}
"""The demo directory: Acme (alice, bob, carol), Globex (carol, dave, erin), frank in no organisation;
the Engineering group spans both organisations, the Book club holds erin and frank."""
