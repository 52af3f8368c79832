"""A validator for the part of JSON Schema (draft 2020-12) the shipped schemas use:
type, const, enum, properties, required, additionalProperties, items, oneOf and local
$ref. The test extra carries no jsonschema package; this is small enough to trust."""

from __future__ import annotations

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
KNOWN = {"$schema", "$id", "$defs", "title", "description", "type", "const", "enum"}
KNOWN |= {"properties", "required", "additionalProperties", "items", "oneOf", "$ref"}


def errors(value, schema: dict, root: dict | None = None, path: str = "$") -> list[str]:
    """Every place where `value` breaks `schema`, as `path: what`; empty when it conforms."""
    root = root or schema
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError(f"{path}: keywords this validator does not know: {sorted(unknown)}")
    if "$ref" in schema:
        ref = schema["$ref"]
        assert ref.startswith("#/$defs/"), ref
        return errors(value, root["$defs"][ref.removeprefix("#/$defs/")], root, path)
    out: list[str] = []
    if "oneOf" in schema:
        fits = [s for s in schema["oneOf"] if not errors(value, s, root, path)]
        if len(fits) != 1:
            out.append(f"{path}: matches {len(fits)} of oneOf, not 1")
    if "const" in schema and value != schema["const"]:
        out.append(f"{path}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        out.append(f"{path}: {value!r} not one of {schema['enum']}")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](value) for t in types):
            return [*out, f"{path}: {type(value).__name__} is not {'|'.join(types)}"]
    if isinstance(value, dict):
        props = schema.get("properties", {})
        out += [f"{path}: missing {k!r}" for k in schema.get("required", []) if k not in value]
        extra = schema.get("additionalProperties", True)
        for k, v in value.items():
            if k in props:
                out += errors(v, props[k], root, f"{path}.{k}")
            elif extra is False:
                out.append(f"{path}: unexpected {k!r}")
            elif isinstance(extra, dict):
                out += errors(v, extra, root, f"{path}.{k}")
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, v in enumerate(value):
            out += errors(v, schema["items"], root, f"{path}[{i}]")
    return out
