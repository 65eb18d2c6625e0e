"""Every API operation, read from the OpenAPI schema, with its path filled from real rows.

Shared by the malformed-input tests and the schemathesis probe: an endpoint added to the URL
conf appears in the schema and so in both without any test change.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

BODY_METHODS = ("post", "put", "patch")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str  # /api/v1/matters/{number}/forward/
    operation_id: str
    body_fields: tuple[str, ...] = ()
    string_fields: tuple[str, ...] = ()
    query_params: tuple[str, ...] = ()
    path_params: tuple[str, ...] = field(default=())

    @property
    def has_body(self) -> bool:
        return self.method in BODY_METHODS

    def url(self, values: dict) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), self.path)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


@functools.cache
def schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(spec: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = spec["components"]["schemas"][name]
    if "allOf" in node and len(node["allOf"]) == 1:
        return _resolve(spec, node["allOf"][0])
    return node


@functools.cache
def operations() -> tuple[Operation, ...]:
    spec = schema()
    out = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            body = {}
            content = (op.get("requestBody") or {}).get("content", {})
            if "application/json" in content:
                body = _resolve(spec, content["application/json"]["schema"])
            props = body.get("properties", {})
            strings = tuple(name for name, prop in props.items()
                            if _resolve(spec, prop).get("type") == "string" and not _resolve(spec, prop).get("enum"))
            params = op.get("parameters", []) + item.get("parameters", [])
            out.append(Operation(
                method=method, path=path, operation_id=op["operationId"], body_fields=tuple(props),
                string_fields=strings,
                query_params=tuple(p["name"] for p in params if p["in"] == "query"),
                path_params=tuple(p["name"] for p in params if p["in"] == "path"),
            ))
    return tuple(out)


def body_operations() -> list[Operation]:
    return [op for op in operations() if op.has_body]
