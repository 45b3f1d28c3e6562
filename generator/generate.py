"""Turn openapi.yaml into the low-level package in generated/.

    python generator/generate.py            rewrite generated/ from openapi.yaml
    python generator/generate.py --check    regenerate elsewhere; fail with a diff on any difference
    ... --target DIR                        work on DIR instead of generated/ (for tests)
    ... --spec FILE                         read FILE instead of openapi.yaml (for tests)

Three steps, all deterministic: openapi-python-client renders the client, the models and one
module per operation (with our templates from generator/templates where its own fall short);
our jinja2 templates in generator/package_templates render the data the stock generator has
no place for (error tables, field rules, enums); ruff formats everything with the project's
own settings, so the bytes do not depend on where the output is written.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import importlib.metadata
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

if __package__ in (None, ""):  # run as a script (python generator/generate.py): generator/ is a package of ROOT
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from generator.sdk import python_templates, render_sdk

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONFIG = Path(__file__).resolve().parent / "config.yaml"
OVERRIDES = Path(__file__).resolve().parent / "templates"
PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "package_templates"
PACKAGE = "dingtalk_calendar_api"
TARGET = ROOT / "generated"
SDK_TARGET = ROOT / "overlays" / "dingtalk_calendar" / "_generated"
"""The SDK's generated layer (generator/sdk.py): methods, call preparation, results, CLI commands."""
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
# How openapi-python-client's templates learn that the spec deprecates an operation or a field
# (its parsed Endpoint and Property drop `deprecated`): the copy of the spec it reads opens
# their descriptions with this, and our endpoint template decorates what so opens.
DEPRECATED_MARK = "Deprecated: "


def _stock_templates() -> Path:
    import openapi_python_client

    return Path(openapi_python_client.__file__).parent / "templates"


# Each override in generator/templates/ starts with this line, naming the stock template it
# was forked from: openapi-python-client's changelog says custom templates may break on any
# release, so a changed stock template must be merged into the fork by a person.
_FORK_LINE = re.compile(r"^\{#- fork of openapi-python-client (?P<version>\S+) sha256:(?P<digest>[0-9a-f]{64}) -#\}$")


def fork_line(stock: Path) -> str:
    """The first line an override of the stock template ``stock`` must carry."""
    version = importlib.metadata.version("openapi-python-client")
    return f"{{#- fork of openapi-python-client {version} sha256:{hashlib.sha256(stock.read_bytes()).hexdigest()} -#}}"


def check_forks(overrides: Path = OVERRIDES, stock: Path | None = None) -> None:
    """Refuse to generate when a stock template has changed since our override was forked from it."""
    stock = stock or _stock_templates()
    installed = importlib.metadata.version("openapi-python-client")
    for override in sorted(overrides.glob("*.jinja")):
        first = override.read_text(encoding="utf-8").split("\n", 1)[0]
        match = _FORK_LINE.match(first)
        name = f"generator/templates/{override.name}"
        if match is None:
            raise SystemExit(
                f"{name}: its first line must record the stock template it forks: {fork_line(stock / override.name)}"
            )
        original = stock / override.name
        if not original.is_file():
            raise SystemExit(
                f"{name}: openapi-python-client {installed} has no such template any more: re-merge the fork"
            )
        if hashlib.sha256(original.read_bytes()).hexdigest() != match["digest"]:
            raise SystemExit(
                f"{name} was forked from openapi-python-client {match['version']}'s template, and the installed "
                f"{installed}'s differs: re-merge its changes into the fork, then make the first line read\n"
                f"{fork_line(original)}"
            )


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses duplicate keys, which PyYAML would silently overwrite."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_spec(path: Path = SPEC) -> dict[str, Any]:
    """The spec as plain data; duplicate keys are an error."""
    with path.open(encoding="utf-8") as f:
        spec: dict[str, Any] = yaml.load(f, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    return spec


def snake_case(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def constant_name(text: str, *, split_camel: bool) -> str:
    """An UPPER_SNAKE enum member name for a code or message."""
    if split_camel:
        text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text)
    name = re.sub(r"[^0-9A-Za-z]+", "_", text).strip("_").upper()
    return name if not name[:1].isdigit() else f"_{name}"


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        *_, kind, name = node["$ref"].split("/")
        node = spec["components"][kind][name]
    return node


RULES = (
    "required",
    "type",
    "unicode",
    "minLength",
    "pattern",
    "maxLength",
    "enum",
    "minimum",
    "maximum",
    "atLeastOneOf",
    "minProperties",
)
"""The rules the generated checker (package_templates/checks.py.jinja) applies, in its order.

``unicode`` is every string's: text that cannot be encoded as UTF-8 (a lone surrogate) can
be neither put in a URL nor sent as JSON. ``atLeastOneOf`` is ``x-dingtalk-at-least-one-of``;
``minProperties`` is JSON Schema's (an update must change something).
"""


def _schema_name(raw: dict[str, Any]) -> str | None:
    return raw["$ref"].rsplit("/", 1)[-1] if "$ref" in raw else None


def _rule(name: str, raw: dict[str, Any], required: bool, spec: dict[str, Any], sdk_name: str | None) -> dict[str, Any]:
    schema = _resolve(spec, raw)
    items = _resolve(spec, schema["items"]) if "items" in schema else {}
    return {
        "name": name,
        "python_name": snake_case(name),
        "required": required,
        "type": schema.get("type", "object"),
        "min_length": schema.get("minLength"),
        "max_length": schema.get("maxLength"),
        "pattern": schema.get("pattern"),
        "minimum": schema.get("minimum"),
        "maximum": schema.get("maximum"),
        "schema": _schema_name(raw),
        "items_type": items.get("type") if items else None,
        "items_schema": _schema_name(schema["items"]) if "items" in schema else None,
        "enum": tuple(schema["enum"]) if "enum" in schema else None,
        "sdk_name": sdk_name,
        # The warning to give when the field is sent, or None.
        "deprecated": deprecation_message(name, raw) if raw.get("deprecated") or schema.get("deprecated") else None,
    }


def _error(raw: dict[str, Any]) -> dict[str, Any]:
    rules = raw.get("rule", ())
    return {
        "status": int(raw["status"]),
        "code": raw["code"],
        "message": raw.get("message"),
        "message_zh": raw.get("message_zh"),
        "description": raw["description"],
        "unverified": bool(raw.get("unverified", False)),
        "field": raw.get("field"),
        "rules": (rules,) if isinstance(rules, str) else tuple(rules),
    }


class UnsupportedSpecError(SystemExit):
    """The spec uses something our endpoint template would silently drop."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(
            f"openapi.yaml: {where} uses {what}, which generator/templates/endpoint_module.py.jinja "
            "does not handle (it would be dropped without a word): extend the template first"
        )


def _refuse_what_the_fork_drops(where: str, op: dict[str, Any]) -> None:
    content = op.get("requestBody", {}).get("content", {})
    if len(content) > 1:
        raise UnsupportedSpecError(where, f"several request bodies ({', '.join(sorted(content))})")
    for media_type in content:
        if media_type != "application/json":
            raise UnsupportedSpecError(where, f"a {media_type} request body (only application/json is handled)")
    if "default" in op.get("responses", {}):
        raise UnsupportedSpecError(where, "a 'default' response")


def _field_paths(spec: dict[str, Any], schema_name: str | None, prefix: str = "") -> set[str]:
    if schema_name is None:
        return set()
    paths: set[str] = set()
    for prop, raw in spec["components"]["schemas"][schema_name].get("properties", {}).items():
        paths.add(prefix + prop)
        paths |= _field_paths(spec, _schema_name(raw), f"{prefix}{prop}.")
    return paths


def _check_error_tags(where: str, errors: list[dict[str, Any]], fields: set[str]) -> None:
    for e in errors:
        if e["rules"] and e["field"] is None:
            raise SystemExit(f"openapi.yaml: {where}: the error {e['message'] or e['code']!r} has a rule but no field")
        if e["field"] is not None and e["field"] not in fields:
            known = ", ".join(sorted(fields)) or "none"
            raise SystemExit(f"openapi.yaml: {where}: error field {e['field']!r} is not a field of it (known: {known})")
        for rule in e["rules"]:
            if rule not in RULES:
                raise SystemExit(f"openapi.yaml: {where}: error rule {rule!r} is not one of {', '.join(RULES)}")


def _response_schema(op: dict[str, Any]) -> str | None:
    for status in ("200", "201"):
        content = op.get("responses", {}).get(status, {}).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema is not None:
            return _schema_name(schema)
    return None


def _written_as_json(spec: dict[str, Any]) -> set[str]:
    """The schemas callers give as JSON mappings: nested in another (a field or a list's items), no SDK class."""
    schemas = spec["components"]["schemas"]
    nested: set[str] = set()
    for schema in schemas.values():
        for raw in schema.get("properties", {}).values():
            resolved = _resolve(spec, raw)
            for ref in (raw, resolved.get("items", {})):
                name = _schema_name(ref)
                if name is not None and "properties" in schemas[name]:
                    nested.add(name)
    return {name for name in nested if "x-dingtalk-sdk-class" not in schemas[name]}


def build_context(spec: dict[str, Any]) -> dict[str, Any]:
    """Everything our package templates need, read from the spec."""
    schemas = []
    written_as_json = _written_as_json(spec)
    for name, schema in sorted(spec["components"]["schemas"].items()):
        required = set(schema.get("required", []))
        properties = schema.get("properties", {})
        sdk_names = schema.get("x-dingtalk-sdk-names", {})
        fields = [_rule(prop, sub, prop in required, spec, sdk_names.get(prop)) for prop, sub in properties.items()]
        at_least_one_of = schema.get("x-dingtalk-at-least-one-of", [])
        schemas.append(
            {
                "name": name,
                "fields": fields,
                "at_least_one_of": at_least_one_of,
                "min_properties": schema.get("minProperties", 0),
                "written_as_json": name in written_as_json,
            }
        )

    operations = []
    for path, item in spec["paths"].items():
        shared_params = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = item[method]
            where = f"{method.upper()} {path}"
            _refuse_what_the_fork_drops(where, op)
            params = [_resolve(spec, p) for p in shared_params + op.get("parameters", [])]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            path_parameters = [
                _rule(p["name"], p["schema"], True, spec, p.get("x-dingtalk-sdk-name"))
                for p in params
                if p["in"] == "path"
            ]
            query_parameters = [
                _rule(p["name"], p["schema"], bool(p.get("required")), spec, p.get("x-dingtalk-sdk-name"))
                for p in params
                if p["in"] == "query"
            ]
            body_schema = _schema_name(body) if body else None
            errors = [_error(e) for e in op.get("x-dingtalk-errors", [])]
            named = {p["name"] for p in path_parameters + query_parameters}
            _check_error_tags(where, errors, named | _field_paths(spec, body_schema))
            operations.append(
                {
                    "operation_id": op["operationId"],
                    "python_name": snake_case(op["operationId"]),
                    "tag": op["tags"][0],
                    "method": method.upper(),
                    "path": path,
                    "summary": op["summary"],
                    "idempotent": bool(op.get("x-dingtalk-idempotent", method in ("get", "put", "delete"))),
                    "requires_token": op.get("security", spec.get("security", [])) != [],
                    "permission": op.get("x-dingtalk-permission"),
                    "path_parameters": path_parameters,
                    "query_parameters": query_parameters,
                    "body_schema": body_schema,
                    "response_schema": _response_schema(op),
                    "errors": errors,
                    "deprecated": deprecation_message(op["operationId"], op) if op.get("deprecated") else None,
                    "client_token": op.get("x-dingtalk-client-token"),
                    "daily_limit": _daily_limit(where, op, errors),
                }
            )
    operations.sort(key=lambda o: o["operation_id"])
    for op in operations:
        parts = op["python_name"].split("_")
        if parts[0] + "".join(p.capitalize() for p in parts[1:]) != op["operation_id"]:
            raise SystemExit(f"openapi.yaml: operationId {op['operation_id']!r} must be camelCase of plain words")

    global_errors = [_error(e) for e in spec.get("x-dingtalk-global-errors", [])]
    scheme = next(iter(spec["components"]["securitySchemes"].values()))
    return {
        "rules": list(RULES),
        "operation_id_members": [
            {"name": constant_name(op["operation_id"], split_camel=True), "value": op["operation_id"]}
            for op in operations
        ],
        "access_token_header": scheme["name"],
        "default_base_url": spec["servers"][0]["url"],
        "global_errors": global_errors,
        "schemas": schemas,
        "operations": operations,
        "secret_fields": _secret_fields(spec),
        **_enum_members(global_errors, operations),
    }


def _daily_limit(where: str, op: dict[str, Any], errors: list[dict[str, Any]]) -> dict[str, Any] | None:
    """``x-dingtalk-daily-limit``: its count, and an error code the operation documents."""
    limit = op.get("x-dingtalk-daily-limit")
    if limit is None:
        return None
    if not isinstance(limit.get("count"), int) or limit["count"] < 1:
        raise SystemExit(f"openapi.yaml: {where}: x-dingtalk-daily-limit needs a positive whole count")
    if limit.get("error") not in {e["code"] for e in errors}:
        raise SystemExit(f"openapi.yaml: {where}: x-dingtalk-daily-limit names an error the operation does not list")
    return {"count": limit["count"], "error": limit["error"]}


def _secret_fields(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Per object schema, the wire names of the fields the spec marks secret (``format: password``)."""
    marked = []
    for name, schema in sorted(spec["components"]["schemas"].items()):
        fields = sorted(
            prop
            for prop, sub in schema.get("properties", {}).items()
            if _resolve(spec, sub).get("format") == "password" or _resolve(spec, sub).get("x-dingtalk-secret")
        )
        if fields:
            marked.append({"schema": name, "fields": fields})
    return marked


def _enum_members(global_errors: list[dict[str, Any]], operations: list[dict[str, Any]]) -> dict[str, Any]:
    """Members of ErrorCode and ErrorReason: every documented code and message, first meaning kept."""
    codes: dict[str, dict[str, str]] = {e["code"]: {"value": e["code"], "doc": e["description"]} for e in global_errors}
    answered_by: dict[str, set[str]] = {}
    reasons: dict[str, dict[str, str]] = {}
    aliases: dict[str, str] = {}
    for op in operations:
        for e in op["errors"]:
            answered_by.setdefault(e["code"], set()).add(f"{op['operation_id']} (HTTP {e['status']})")
            if e["message"]:
                doc = f"{e['description']} Code {e['code']}."
                reasons.setdefault(e["message"], {"value": e["message"], "doc": doc})
                if e["message_zh"]:
                    # The China site's pages give some messages in Chinese: the same reason.
                    aliases[e["message_zh"]] = e["message"]
    for e in global_errors:
        if e["message"]:
            reasons.setdefault(e["message"], {"value": e["message"], "doc": f"{e['description']} Code {e['code']}."})
    for code, where in answered_by.items():
        codes.setdefault(code, {"value": code, "doc": "Documented for " + ", ".join(sorted(where)) + "."})
    members: dict[str, Any] = {}
    for kind, table, split in (("codes", codes, True), ("reasons", reasons, False)):
        named: dict[str, dict[str, str]] = {}
        for value, member in sorted(table.items()):
            name = constant_name(value, split_camel=split)
            if name in named and split:
                # "system.busy" and "systemBusy" are two codes: the camelCase one stays one word.
                name = constant_name(value, split_camel=False)
            if name in named:
                raise SystemExit(f"openapi.yaml: {kind} {named[name]['value']!r} and {value!r} both name {name}")
            named[name] = {**member, "name": name}
        members[kind] = list(named.values())
    members["reason_aliases"] = sorted(aliases.items())
    members["example_reason"] = constant_name("calendar name cannot be blank", split_camel=False)
    return members


def _error_literal(e: dict[str, Any]) -> str:
    extra = f", message_zh={e['message_zh']!r}" if e["message_zh"] else ""
    extra += ", unverified=True" if e["unverified"] else ""
    if e["field"] is not None:
        extra += f", field={e['field']!r}"
    if e["rules"]:
        extra += f", rules={e['rules']!r}"
    return (
        f"DocumentedError(status={e['status']!r}, code={e['code']!r}, message={e['message']!r}, "
        f"description={e['description']!r}{extra})"
    )


def _rule_literal(f: dict[str, Any]) -> str:
    args = [f"{k}={f[k]!r}" for k in ("name", "python_name", "required", "type")]
    optional = [
        "min_length",
        "max_length",
        "pattern",
        "minimum",
        "maximum",
        "schema",
        "items_type",
        "items_schema",
        "enum",
        "sdk_name",
    ]
    args += [f"{k}={f[k]!r}" for k in optional if f[k] is not None]
    args += [f"deprecated={f['deprecated']!r}"] if f.get("deprecated") else []
    return f"FieldRule({', '.join(args)})"


def render_package_templates(package_dir: Path, context: dict[str, Any]) -> None:
    env = python_templates(PACKAGE_TEMPLATES)
    env.filters.update(error_literal=_error_literal, rule_literal=_rule_literal)
    for template in sorted(PACKAGE_TEMPLATES.glob("*.jinja")):
        (package_dir / template.name.removesuffix(".jinja")).write_text(
            env.get_template(template.name).render(context), encoding="utf-8"
        )


def _run(*args: str | Path) -> None:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{result.stdout}{result.stderr}")


def deprecation_message(what: str, raw: dict[str, Any]) -> str:
    """The warning for a deprecated operation or field: the spec's ``x-dingtalk-deprecation`` says what instead."""
    reason = raw.get("x-dingtalk-deprecation")
    return f"{what} is deprecated" + (f": {reason}" if reason else " (openapi.yaml marks it so)")


def spec_for_generator(spec: dict[str, Any]) -> dict[str, Any] | None:
    """A copy of the spec whose deprecated operations and fields say so first in their descriptions.

    None when nothing is deprecated: openapi-python-client then reads openapi.yaml itself.
    """
    copy: dict[str, Any] = json.loads(json.dumps(spec))
    marked = False
    for item in copy["paths"].values():
        for method in HTTP_METHODS:
            op = item.get(method)
            if op and op.get("deprecated"):
                note = DEPRECATED_MARK + deprecation_message(op["operationId"], op)
                op["description"] = f"{note}\n\n{op.get('description', '')}".rstrip()
                marked = True
    for name, schema in copy["components"]["schemas"].items():
        for prop, sub in schema.get("properties", {}).items():
            if sub.get("deprecated"):
                note = DEPRECATED_MARK + deprecation_message(f"{name}.{prop}", sub)
                sub["description"] = f"{note}\n\n{sub.get('description', '')}".rstrip()
                marked = True
    return copy if marked else None


def generate_into(workdir: Path, spec_path: Path = SPEC) -> Path:
    """Generate the package below ``workdir`` from ``spec_path``; returns the package's folder."""
    check_forks()
    spec = load_spec(spec_path)
    context = build_context(spec)  # refuses what the templates cannot handle, before the stock generator runs
    package_dir = workdir / PACKAGE
    bindir = Path(sys.executable).parent
    marked = spec_for_generator(spec)
    if marked is not None:
        spec_path = workdir / "openapi.for-generator.json"
        spec_path.write_text(json.dumps(marked, ensure_ascii=False, indent=1), encoding="utf-8")
    _run(
        bindir / "openapi-python-client",
        "generate",
        "--path",
        spec_path,
        "--config",
        CONFIG,
        "--custom-template-path",
        OVERRIDES,
        "--meta",
        "none",
        "--output-path",
        package_dir,
        "--overwrite",
    )
    render_package_templates(package_dir, context)
    sdk_dir = workdir / SDK_TARGET.name
    render_sdk(spec, sdk_dir)
    ruff_config = ROOT / "pyproject.toml"
    for folder in (package_dir, sdk_dir):
        _run(sys.executable, "-m", "ruff", "check", "--config", ruff_config, "--fix-only", "--quiet", folder)
        _run(sys.executable, "-m", "ruff", "format", "--config", ruff_config, "--quiet", folder)
    return package_dir


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def check(target: Path = TARGET, spec: Path = SPEC, sdk_target: Path = SDK_TARGET) -> int:
    """0 when ``target`` and ``sdk_target`` hold what the spec produces; else print a diff and return 1."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = _tree(generate_into(Path(tmp), spec))
        fresh_sdk = _tree(Path(tmp) / SDK_TARGET.name)
    return compare(fresh, target) | _compare_tree(fresh_sdk, sdk_target, "overlays/dingtalk_calendar/_generated")


def compare(fresh: dict[str, bytes], target: Path) -> int:
    """0 when the package in ``target`` is ``fresh``; else print a diff and return 1."""
    return _compare_tree(fresh, target / PACKAGE, f"generated/{PACKAGE}")


def _compare_tree(fresh: dict[str, bytes], folder: Path, label: str) -> int:
    current = _tree(folder) if folder.is_dir() else {}
    diff: list[str] = []
    for name in sorted(fresh.keys() | current.keys()):
        old = current.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = fresh.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        if old != new:
            diff += difflib.unified_diff(old, new, f"{label}/{name}", f"fresh/{label}/{name}")
    if diff:
        sys.stdout.writelines(diff)
        print(f"\n{label} is out of date with openapi.yaml or generator/: run 'make generate'.", file=sys.stderr)
        return 1
    print(f"{label} is in sync with openapi.yaml.")
    return 0


def generate(target: Path = TARGET, spec: Path = SPEC, sdk_target: Path = SDK_TARGET) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        package_dir = generate_into(Path(tmp), spec)
        target.mkdir(exist_ok=True)
        for fresh, folder in ((package_dir, target / PACKAGE), (Path(tmp) / SDK_TARGET.name, sdk_target)):
            shutil.rmtree(folder, ignore_errors=True)
            shutil.copytree(fresh, folder, ignore=shutil.ignore_patterns("__pycache__"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail with a diff when generated/ is out of date")
    parser.add_argument("--target", type=Path, default=TARGET, help="the folder that holds the package")
    parser.add_argument("--spec", type=Path, default=SPEC, help="the OpenAPI file to read")
    parser.add_argument(
        "--sdk-target",
        type=Path,
        help="the folder of the SDK's generated layer (default: overlays/dingtalk_calendar/_generated, "
        "or TARGET/_generated when --target is given, so that a test never writes into the repository)",
    )
    args = parser.parse_args()
    sdk_target = args.sdk_target or (SDK_TARGET if args.target == TARGET else args.target / SDK_TARGET.name)
    if args.check:
        return check(args.target, args.spec, sdk_target)
    generate(args.target, args.spec, sdk_target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
