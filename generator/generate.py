"""Turn openapi.yaml into the low-level package in generated/.

    python generator/generate.py            rewrite generated/ from openapi.yaml
    python generator/generate.py --check    regenerate elsewhere; fail with a diff on any difference
    ... --target DIR                        work on DIR instead of generated/ (for tests)

Three steps, all deterministic: openapi-python-client renders the client, the models and one
module per operation (with our templates from generator/templates where its own fall short);
our jinja2 templates in generator/package_templates render the data the stock generator has
no place for (error tables, field rules, enums); ruff formats everything with the project's
own settings, so the bytes do not depend on where the output is written.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import jinja2
import yaml

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi.yaml"
CONFIG = Path(__file__).resolve().parent / "config.yaml"
OVERRIDES = Path(__file__).resolve().parent / "templates"
PACKAGE_TEMPLATES = Path(__file__).resolve().parent / "package_templates"
PACKAGE = "dingtalk_calendar_api"
TARGET = ROOT / "generated"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")


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


def _rule(name: str, raw: dict[str, Any], required: bool, spec: dict[str, Any]) -> dict[str, Any]:
    schema = _resolve(spec, raw)
    return {
        "name": name,
        "python_name": snake_case(name),
        "required": required,
        "type": schema.get("type", "object"),
        "min_length": schema.get("minLength"),
        "max_length": schema.get("maxLength"),
        "pattern": schema.get("pattern"),
        "schema": raw["$ref"].rsplit("/", 1)[-1] if "$ref" in raw else None,
    }


def _error(raw: dict[str, Any]) -> dict[str, Any]:
    return {
        "status": int(raw["status"]),
        "code": raw["code"],
        "message": raw.get("message"),
        "message_zh": raw.get("message_zh"),
        "description": raw["description"],
        "unverified": bool(raw.get("unverified", False)),
    }


def build_context(spec: dict[str, Any]) -> dict[str, Any]:
    """Everything our package templates need, read from the spec."""
    schemas = []
    for name, schema in sorted(spec["components"]["schemas"].items()):
        required = set(schema.get("required", []))
        properties = schema.get("properties", {})
        fields = [_rule(prop, sub, prop in required, spec) for prop, sub in properties.items()]
        at_least_one_of = schema.get("x-dingtalk-at-least-one-of", [])
        schemas.append({"name": name, "fields": fields, "at_least_one_of": at_least_one_of})

    operations = []
    for path, item in spec["paths"].items():
        shared_params = item.get("parameters", [])
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = item[method]
            params = [_resolve(spec, p) for p in shared_params + op.get("parameters", [])]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
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
                    "path_parameters": [_rule(p["name"], p["schema"], True, spec) for p in params if p["in"] == "path"],
                    "body_schema": body["$ref"].rsplit("/", 1)[-1] if body and "$ref" in body else None,
                    "errors": [_error(e) for e in op.get("x-dingtalk-errors", [])],
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
        "access_token_header": scheme["name"],
        "default_base_url": spec["servers"][0]["url"],
        "global_errors": global_errors,
        "schemas": schemas,
        "operations": operations,
        **_enum_members(global_errors, operations),
    }


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


def _pyrepr(value: Any) -> str:
    return repr(value)


def _error_literal(e: dict[str, Any]) -> str:
    extra = f", message_zh={e['message_zh']!r}" if e["message_zh"] else ""
    extra += ", unverified=True" if e["unverified"] else ""
    return (
        f"DocumentedError(status={e['status']!r}, code={e['code']!r}, message={e['message']!r}, "
        f"description={e['description']!r}{extra})"
    )


def _rule_literal(f: dict[str, Any]) -> str:
    args = [f"{k}={f[k]!r}" for k in ("name", "python_name", "required", "type")]
    args += [f"{k}={f[k]!r}" for k in ("min_length", "max_length", "pattern", "schema") if f[k] is not None]
    return f"FieldRule({', '.join(args)})"


def _pytuple(values: list[str]) -> str:
    return repr(tuple(values))


def render_package_templates(package_dir: Path, context: dict[str, Any]) -> None:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(PACKAGE_TEMPLATES),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - renders Python source, not HTML
    )
    env.filters.update(pyrepr=_pyrepr, error_literal=_error_literal, rule_literal=_rule_literal, pytuple=_pytuple)
    for template in sorted(PACKAGE_TEMPLATES.glob("*.jinja")):
        (package_dir / template.name.removesuffix(".jinja")).write_text(
            env.get_template(template.name).render(context), encoding="utf-8"
        )


def _run(*args: str | Path) -> None:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{result.stdout}{result.stderr}")


def generate_into(workdir: Path) -> Path:
    """Generate the package below ``workdir``; returns the package's folder."""
    package_dir = workdir / PACKAGE
    bindir = Path(sys.executable).parent
    _run(
        bindir / "openapi-python-client",
        "generate",
        "--path",
        SPEC,
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
    render_package_templates(package_dir, build_context(load_spec()))
    ruff_config = ROOT / "pyproject.toml"
    _run(sys.executable, "-m", "ruff", "check", "--config", ruff_config, "--fix-only", "--quiet", package_dir)
    _run(sys.executable, "-m", "ruff", "format", "--config", ruff_config, "--quiet", package_dir)
    return package_dir


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def check(target: Path = TARGET) -> int:
    """0 when ``target`` holds what the spec produces; else print a diff and return 1."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = _tree(generate_into(Path(tmp)))
    current = _tree(target / PACKAGE) if (target / PACKAGE).is_dir() else {}
    diff: list[str] = []
    for name in sorted(fresh.keys() | current.keys()):
        old = current.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = fresh.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        if old != new:
            diff += difflib.unified_diff(old, new, f"generated/{PACKAGE}/{name}", f"fresh/{PACKAGE}/{name}")
    if diff:
        sys.stdout.writelines(diff)
        print("\ngenerated/ is out of date with openapi.yaml or generator/: run 'make generate'.", file=sys.stderr)
        return 1
    print("generated/ is in sync with openapi.yaml.")
    return 0


def generate(target: Path = TARGET) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        package_dir = generate_into(Path(tmp))
        target.mkdir(exist_ok=True)
        shutil.rmtree(target / PACKAGE, ignore_errors=True)
        shutil.copytree(package_dir, target / PACKAGE, ignore=shutil.ignore_patterns("__pycache__"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail with a diff when generated/ is out of date")
    parser.add_argument("--target", type=Path, default=TARGET, help="the folder that holds the package")
    args = parser.parse_args()
    if args.check:
        return check(args.target)
    generate(args.target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
