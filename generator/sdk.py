"""Render the SDK's ergonomic layer from openapi.yaml into overlays/dingtalk_calendar/_generated/.

Called by generate.py (``make generate``; ``--check`` compares instead of writing). What it
writes, from the templates in generator/sdk_templates/:

* ``calls.py``: per operation, the function that checks the arguments (path, query and body,
  by the spec's rules) and prepares the request and the reading of its answer;
* ``async_resources.py`` and ``resources.py``: per tag, a class of methods (``client.calendars``),
  their docstrings from the spec's descriptions, each with the four per-call options; one
  template renders both, so the two cannot drift;
* ``results.py``: a typed result class per answer schema, unless the schema names a
  hand-written class (``x-dingtalk-sdk-class``); an operation whose success has no JSON body
  (no answer schema) gets ``Done``, its request id and HTTP answer only;
* ``cli.py``: the table of the CLI's one-call commands;
* ``__init__.py``: the names the package exports.

The spec's extensions read here: on a tag ``x-dingtalk-sdk-resource`` (the attribute's name) and
``x-dingtalk-sdk-flat`` (the methods are on the client too); on an operation
``x-dingtalk-sdk-method``, ``x-dingtalk-empty-answer-is-success``, ``x-dingtalk-pagination``
(the method returns ``Pages``, which follows the next-page token) and ``x-dingtalk-cli`` (``done``,
``quiet``); on a schema ``x-dingtalk-sdk-class``, ``x-dingtalk-sdk-result`` and
``x-dingtalk-sdk-truth``; and the standard ``minProperties``, ``default``, ``minimum``/``maximum``.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import jinja2

TEMPLATES = Path(__file__).resolve().parent / "sdk_templates"
SUBPACKAGE = "_generated"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
_SCALARS = {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}


def _snake(name: str) -> str:
    """A Python name: ``maxResults`` is ``max_results``, the header ``x-client-token`` is ``x_client_token``."""
    return re.sub(r"\W", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)).lower()


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = spec["components"][node["$ref"].split("/")[-2]][node["$ref"].split("/")[-1]]
    return node


def _ref_name(node: dict[str, Any]) -> str | None:
    return node["$ref"].rsplit("/", 1)[-1] if "$ref" in node else None


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    match = re.match(r"(.+?\.)(\s|$)", text)
    return match.group(1) if match else text


def _annotation(spec: dict[str, Any], raw: dict[str, Any]) -> tuple[str, str]:
    """(the SDK's type for a value of this schema, its kind: scalar, enum, list, class, object)."""
    schema = _resolve(spec, raw)
    name = _ref_name(raw)
    if name and "x-dingtalk-sdk-class" in schema:
        return schema["x-dingtalk-sdk-class"], "class"
    kind = schema.get("type", "object")
    if "enum" in schema:
        return "Literal[" + ", ".join(repr(v) for v in schema["enum"]) + "]", "enum"
    if kind == "array":
        item, _ = _annotation(spec, schema.get("items", {}))
        return f"Sequence[{item}]", "list"
    if kind == "object":
        return "Mapping[str, Any]", "object"
    return _SCALARS[kind], "scalar"


def _result_type(spec: dict[str, Any], raw: dict[str, Any]) -> str:
    """The type a generated result field holds (immutable: tuples for lists)."""
    schema = _resolve(spec, raw)
    kind = schema.get("type", "object")
    if kind == "array":
        return f"tuple[{_result_type(spec, schema.get('items', {}))}, ...]"
    if kind == "object":
        return "dict[str, Any]"
    return _SCALARS[kind]


def _parameter(spec: dict[str, Any], raw: dict[str, Any]) -> dict[str, Any]:
    param = _resolve(spec, raw)
    annotation, kind = _annotation(spec, param["schema"])
    wire = param["name"]
    return {
        "wire": wire,
        "in": param["in"],
        "item_class": None,  # query and header values are scalars or lists of them
        "python": param.get("x-dingtalk-sdk-name") or _snake(wire),
        "generated": _snake(wire),  # the generated endpoint function's argument
        "annotation": annotation,
        "kind": kind,
        "type": _resolve(spec, param["schema"]).get("type", "string"),
        "enum": _resolve(spec, param["schema"]).get("enum"),
        "required": bool(param.get("required")) or param["in"] == "path",
        "help": _first_sentence(param.get("description", "")),
        # The CLI's name for it: userId is USER (the positional) and `user` in messages.
        "cli": re.sub(r"Id$", "", wire),
    }


def _model_class(spec: dict[str, Any], parent: str, wire: str, raw: dict[str, Any]) -> str | None:
    """The generated attrs model of an object value: its schema's name, or openapi-python-client's
    name for an inline one (the parent's name and the field's, in PascalCase); None for a non-object."""
    if _resolve(spec, raw).get("type", "object") != "object" or "x-dingtalk-sdk-class" in _resolve(spec, raw):
        return None
    return _ref_name(raw) or parent + wire[:1].upper() + wire[1:]


def _body_fields(spec: dict[str, Any], schema_name: str) -> list[dict[str, Any]]:
    schema = spec["components"]["schemas"][schema_name]
    required = set(schema.get("required", []))
    sdk_names = schema.get("x-dingtalk-sdk-names", {})
    fields = []
    for wire, raw in schema.get("properties", {}).items():
        annotation, kind = _annotation(spec, raw)
        resolved = _resolve(spec, raw)
        python = sdk_names.get(wire) or _snake(wire)
        fields.append(
            {
                "wire": wire,
                "python": python,
                "model": _snake(wire),  # the generated attrs model's attribute
                "model_class": _model_class(spec, schema_name, wire, raw),
                "schema": _ref_name(raw),  # the checker's name for an object's schema (None: inline)
                "item_schema": _ref_name(resolved["items"]) if "items" in resolved else None,
                "item_class": _model_class(spec, schema_name, f"{wire}Item", resolved["items"])
                if kind == "list" and "items" in resolved
                else None,
                "annotation": annotation,
                "kind": kind,
                "type": resolved.get("type", "object"),
                "items_type": _resolve(spec, resolved["items"]).get("type") if "items" in resolved else None,
                "enum": resolved.get("enum"),
                "required": wire in required,
                "help": _first_sentence(resolved.get("description") or raw.get("description") or ""),
            }
        )
    # Required ones first: they come without a default.
    return sorted(fields, key=lambda f: not f["required"])


# The result of an operation whose success has no JSON body (DingTalk's empty 200): the request
# id and the HTTP answer only. One class serves every such operation.
BODILESS_RESULT = {
    "name": "Done",
    "hand_written": False,
    "schema": None,
    "description": "A success whose answer has no body (the spec gives it no JSON schema).",
    "fields": [],
    "truth": None,
}


def _result(spec: dict[str, Any], schema_name: str | None) -> dict[str, Any]:
    if schema_name is None:
        return BODILESS_RESULT
    schema = spec["components"]["schemas"][schema_name]
    if "x-dingtalk-sdk-class" in schema:
        return {"name": schema["x-dingtalk-sdk-class"], "hand_written": True, "schema": schema_name}
    required = set(schema.get("required", []))
    sdk_names = schema.get("x-dingtalk-sdk-names", {})
    fields = []
    for wire, raw in schema.get("properties", {}).items():
        resolved = _resolve(spec, raw)
        kind = resolved.get("type", "object")
        sdk_class = resolved.get("x-dingtalk-sdk-class")
        if wire in required:
            default = None
        elif "default" in resolved:
            default = repr(resolved["default"])
        elif sdk_class:
            default = f"field(factory={sdk_class})"
        else:
            default = "()" if kind == "array" else "None"
        annotation = sdk_class or _result_type(spec, raw)
        text = resolved.get("description") or ""
        if default == "None":
            annotation += " | None"
        fields.append(
            {
                "wire": wire,
                "python": sdk_names.get(wire) or _snake(wire),
                "annotation": annotation,
                "array": kind == "array",
                # A hand-written class's fields: (its name for each, the wire's, whether a list), by its schema.
                "sdk_class": sdk_class,
                "class_fields": [
                    (
                        resolved.get("x-dingtalk-sdk-names", {}).get(inner) or _snake(inner),
                        inner,
                        _resolve(spec, inner_raw).get("type") == "array",
                    )
                    for inner, inner_raw in resolved.get("properties", {}).items()
                ]
                if sdk_class
                else [],
                "default": default,
                # A class's schema describes the class: its first sentence is enough here.
                "help": _first_sentence(text) if sdk_class else " ".join(text.split()),
            }
        )
    return {
        "name": schema.get("x-dingtalk-sdk-result") or schema_name.removesuffix("Response"),
        "hand_written": False,
        "schema": schema_name,
        "description": " ".join((schema.get("description") or "").split()),
        "fields": sorted(fields, key=lambda f: f["default"] is not None),
        "truth": _snake(schema["x-dingtalk-sdk-truth"]) if "x-dingtalk-sdk-truth" in schema else None,
    }


def _pagination(spec: dict[str, Any], op: dict[str, Any], result: dict[str, Any], query: list[dict[str, Any]]) -> Any:
    """``x-dingtalk-pagination`` as the generated method reads it: the result's attributes of the
    items, the next-page token and the sync token, the query parameter that asks for the next page,
    and the type of one item."""
    names = op.get("x-dingtalk-pagination")
    if names is None:
        return None
    where = f"openapi.yaml: {op['operationId']}'s x-dingtalk-pagination"
    if result["hand_written"]:
        raise SystemExit(f"{where} needs a generated result, not {result['name']}")
    fields = {f["wire"]: f for f in result["fields"]}
    for key in ("items", "next", "sync"):
        if key in names and names[key] not in fields:
            raise SystemExit(f"{where}: {names[key]!r} is not a field of {result['schema']}")
    if "items" not in names or "next" not in names or not fields[names["items"]]["array"]:
        raise SystemExit(f"{where} needs `items` (an array field) and `next`")
    asks = [p for p in query if p["wire"] == names["next"]]
    if not asks:
        raise SystemExit(f"{where}: no query parameter {names['next']!r} asks for the next page")
    item = fields[names["items"]]["annotation"].removeprefix("tuple[").removesuffix(", ...]")
    return {
        "item_field": fields[names["items"]]["python"],
        "next": fields[names["next"]]["python"],
        "next_wire": names["next"],
        "sync": fields[names["sync"]]["python"] if "sync" in names else None,
        "sync_wire": names.get("sync"),
        "parameter": asks[0]["python"],
        "item": item,
    }


def _docstring(summary: str, description: str) -> str:
    body = textwrap.dedent(description).strip()
    return f"{summary}.\n\n{body}" if body else f"{summary}."


def _pylines(text: str) -> str:
    """A string literal of ``text`` written line by line, so long texts keep to the line length."""
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return repr(text)
    return "(\n" + "".join(f"    {line!r}\n" for line in lines) + ")"


def build_sdk_context(spec: dict[str, Any]) -> dict[str, Any]:
    """Resources, operations and results of the SDK's generated layer, read from the spec."""
    tags = {tag["name"]: tag for tag in spec.get("tags", [])}
    resources: dict[str, dict[str, Any]] = {}
    results: dict[str, dict[str, Any]] = {}
    for item in spec["paths"].values():
        shared = item.get("parameters", [])
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None or op.get("security", spec.get("security", [])) == []:
                continue  # the token endpoints are the token manager's, not a resource's
            tag = tags.get(op["tags"][0], {"name": op["tags"][0]})
            resource_name = tag.get("x-dingtalk-sdk-resource", tag["name"])
            resource = resources.setdefault(
                resource_name,
                {
                    "name": resource_name,
                    "class": "".join(part.capitalize() for part in re.split(r"[_\W]+", resource_name)),
                    "flat": bool(tag.get("x-dingtalk-sdk-flat")),
                    "description": " ".join(tag.get("description", "").split()),
                    "operations": [],
                },
            )
            params = [_parameter(spec, p) for p in shared + op.get("parameters", [])]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            body_schema = _ref_name(body) if body else None
            response_schema = None
            for status in ("200", "201"):
                schema = op.get("responses", {}).get(status, {}).get("content", {}).get("application/json", {})
                if "schema" in schema:
                    response_schema = _ref_name(schema["schema"])
                    break
            result = _result(spec, response_schema)
            if results.setdefault(result["name"], result).get("fields") != result.get("fields"):
                raise SystemExit(f"openapi.yaml: two answer schemas make the result class {result['name']}")
            sdk_method = op.get("x-dingtalk-sdk-method") or _snake(op["operationId"])
            cli = op.get("x-dingtalk-cli", {})
            body_minimum = spec["components"]["schemas"][body_schema].get("minProperties", 0) if body_schema else 0
            resource["operations"].append(
                {
                    "operation_id": op["operationId"],
                    "function": _snake(op["operationId"]),
                    "module": f"dingtalk_calendar_api.api.{_snake(op['tags'][0])}.{_snake(op['operationId'])}",
                    "method": sdk_method,
                    "docstring": _docstring(op["summary"], op.get("description", "")),
                    "summary": op["summary"],
                    "help": op["summary"][:1].lower() + op["summary"][1:],
                    "resource": resource_name,
                    "flat": bool(tag.get("x-dingtalk-sdk-flat")),
                    "path_parameters": [p for p in params if p["in"] == "path"],
                    "query_parameters": [p for p in params if p["in"] == "query"],
                    "header_parameters": [p for p in params if p["in"] == "header"],
                    "body_schema": body_schema,
                    "body_fields": _body_fields(spec, body_schema) if body_schema else [],
                    "body_minimum": body_minimum,
                    "result": result,
                    # No answer schema: an empty body is the success it documents.
                    "empty_is_success": bool(op.get("x-dingtalk-empty-answer-is-success")) or response_schema is None,
                    "pagination": _pagination(spec, op, result, [p for p in params if p["in"] == "query"]),
                    "command": (
                        sdk_method if tag.get("x-dingtalk-sdk-flat") else f"{resource_name}-{sdk_method}"
                    ).replace("_", "-"),
                    "done": cli.get("done"),
                    "quiet": cli.get("quiet"),
                }
            )
    for resource in resources.values():
        resource["operations"].sort(key=lambda o: o["operation_id"])
        methods = [o["method"] for o in resource["operations"]]
        if len(set(methods)) != len(methods):
            raise SystemExit(f"openapi.yaml: two operations of {resource['name']} share a method name: {methods}")
    ordered = [resources[name] for name in sorted(resources)]
    flat = [o["method"] for r in ordered if r["flat"] for o in r["operations"]]
    if len(set(flat)) != len(flat):
        raise SystemExit(f"openapi.yaml: the flat methods of the client collide: {flat}")
    operations = [o for r in ordered for o in r["operations"]]
    hand_written = sorted({o["result"]["name"] for o in operations if o["result"]["hand_written"]})
    hand_written += sorted(
        {f["annotation"] for o in operations for f in o["body_fields"] if f["kind"] == "class"} - set(hand_written)
    )
    return {
        "resources": ordered,
        "operations": operations,
        "results": [results[name] for name in sorted(results) if not results[name]["hand_written"]],
        "hand_written": hand_written,
    }


def python_templates(folder: Path) -> jinja2.Environment:
    """A jinja2 environment for templates of Python source in ``folder`` (generate.py's too)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # noqa: S701 - renders Python source, not HTML
    )
    env.filters.update(pyrepr=repr, pytuple=lambda values: repr(tuple(values)), pylines=_pylines)
    return env


def render_sdk(spec: dict[str, Any], target: Path) -> None:
    """Write the generated layer's modules into ``target`` (a folder made if missing)."""
    context = build_sdk_context(spec)
    env = python_templates(TEMPLATES)
    target.mkdir(parents=True, exist_ok=True)
    outputs = {
        "__init__.py": ("package_init.py.jinja", {}),
        "calls.py": ("calls.py.jinja", {}),
        "results.py": ("results.py.jinja", {}),
        "async_resources.py": ("resources.py.jinja", {"aio": True}),
        "resources.py": ("resources.py.jinja", {"aio": False}),
        "cli.py": ("cli.py.jinja", {}),
    }
    for name, (template, extra) in outputs.items():
        (target / name).write_text(env.get_template(template).render({**context, **extra}), encoding="utf-8")
