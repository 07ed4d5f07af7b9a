"""The Python data classes against the JSON Schema of the Rust types
(``schema/medsched.schema.json``, written by ``cargo run -p medsched-schema``), field by field.

Every data class names its Rust type (``_serde``, and ``_tag`` for one variant of a tagged
enum); its schema is that type's ``$defs`` entry, or the variant's. For each class:

- the JSON names of its fields are the schema's properties (the tag aside);
- a field without a default is exactly a ``required`` property;
- a field with a default has the schema's ``default``, verbatim: what the core fills when the
  host leaves the field out (``None`` for an ``Option``). Python always writes every field, so
  a different default would silently send a different value (docs/SCHEMA.md). A required
  field may have a default only when the Rust type implements ``Default`` (the ``default``
  of the type's own entry) and it is that value: ``DoctorHistory()`` is the Rust
  ``DoctorHistory::default()``;
- its type is the property's JSON type (string, integer, number, boolean, array, object,
  null), a record field names the property's ``$defs`` entry, and an enum has the schema's
  values.

A Rust enum of tagged variants that Python mirrors as one class (``Unavailable``,
``Notification``) has the properties of all its variants; those only some variants carry are
optional, and default to ``None``.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import pathlib
import typing
from datetime import date, datetime, time
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple, Union

import pytest
from zoneinfo import ZoneInfo

import medsched
from medsched._codec import Record, encode

ROOT = pathlib.Path(__file__).resolve().parents[3]
SCHEMA = json.loads((ROOT / "schema" / "medsched.schema.json").read_text())
DEFS: Dict[str, Any] = SCHEMA["$defs"]

Schema = Dict[str, Any]


def records() -> List[Any]:
    """Every data class of the package that mirrors a Rust type."""
    found: List[Any] = []
    todo = list(Record.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("medsched") and str(getattr(cls, "_serde", "")):
            found.append(cls)
    return sorted(found, key=lambda c: (c.__module__, c.__name__))


def enums() -> List[type]:
    """Every enum of the package (the values of record fields)."""
    found = set()
    for module in vars(medsched).values():
        if isinstance(module, type(medsched)) and module.__name__.startswith("medsched."):
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, enum.Enum)
                    and value.__module__.startswith("medsched")
                ):
                    found.add(value)
    return sorted(found, key=lambda c: c.__name__)


RECORDS = records()


def deref(schema: Schema) -> Schema:
    """The schema a ``$ref`` names (its own description aside)."""
    while "$ref" in schema:
        schema = DEFS[schema["$ref"].split("/")[-1]]
    return schema


def ref_name(schema: Schema) -> Optional[str]:
    """The ``$defs`` entry a property names, through ``Option`` (``anyOf`` with null)."""
    if "$ref" in schema:
        return str(schema["$ref"].split("/")[-1])
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1 and len(schema["anyOf"]) == 2:
        return ref_name(options[0])
    return None


def variants(schema: Schema) -> List[Schema]:
    return [deref(v) for v in schema.get("oneOf", []) + schema.get("anyOf", [])]


def class_schema(cls: Any) -> Schema:
    """The schema of a data class: its Rust type's entry, or its variant's."""
    assert cls._serde in DEFS, f"{cls.__name__}: no $defs entry {cls._serde}"
    schema: Schema = DEFS[cls._serde]
    if cls._tag is None:
        return schema
    key, value = cls._tag
    if schema.get("properties", {}).get(key, {}).get("const") == value:
        return schema
    matches = [
        v for v in variants(schema) if v.get("properties", {}).get(key, {}).get("const") == value
    ]
    assert len(matches) == 1, (
        f"{cls.__name__}: {len(matches)} variants of {cls._serde} are {key}={value!r}"
    )
    return matches[0]


def view(schema: Schema) -> Tuple[Dict[str, Schema], Set[str], Set[str]]:
    """An object schema's properties, its required ones, and the properties only some of its
    variants carry (for an enum Python mirrors as one class)."""
    properties: Dict[str, Schema] = dict(schema.get("properties", {}))
    required = set(schema.get("required", []))
    partial: Set[str] = set()
    alternatives = [v for v in variants(schema) if "properties" in v]
    if alternatives:
        every = set.intersection(*(set(v["properties"]) for v in alternatives))
        required |= set.intersection(*(set(v.get("required", [])) for v in alternatives))
        for alternative in alternatives:
            for name, prop in alternative["properties"].items():
                if "const" in prop and name in properties:  # the tag: every variant's value
                    merged = properties[name]
                    properties[name] = {"enum": [*merged.get("enum", [merged.get("const")])]}
                    properties[name]["enum"].append(prop["const"])
                    continue
                properties.setdefault(name, prop)
                if name not in every:
                    partial.add(name)
    return properties, required, partial


def json_kinds(schema: Schema) -> Set[str]:
    """The JSON types a schema takes (an empty set: any)."""
    schema = deref(schema)
    if "type" in schema:
        kinds = schema["type"]
        return {kinds} if isinstance(kinds, str) else set(kinds)
    if "const" in schema:
        return {_kind_of(schema["const"])}
    if "enum" in schema:
        return {_kind_of(v) for v in schema["enum"]}
    options = schema.get("oneOf", []) + schema.get("anyOf", [])
    if options:
        return set().union(*(json_kinds(o) for o in options))
    return set()


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    kinds: Dict[type, str] = {str: "string", list: "array", dict: "object"}
    return kinds[type(value)]


def python_kinds(annotation: Any) -> Set[str]:
    """The JSON types a Python annotation is written as."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return python_kinds(typing.get_args(annotation)[0])
    if origin is Union:
        return set().union(*(python_kinds(a) for a in typing.get_args(annotation)))
    if origin in (list, List):
        return {"array"}
    if origin in (dict, Dict):
        return {"object"}
    if annotation is type(None):
        return {"null"}
    if isinstance(annotation, type):
        if issubclass(annotation, Record):
            return {"object"}
        if issubclass(annotation, enum.Enum):
            return {_kind_of(m.value) for m in annotation}
        if issubclass(annotation, bool):
            return {"boolean"}
        if issubclass(annotation, int):
            return {"integer"}
        if issubclass(annotation, float):
            return {"number"}
        if issubclass(annotation, (str, date, time, ZoneInfo)):  # datetime is a date
            return {"string"}
    raise AssertionError(f"no JSON type for {annotation!r}")


def plain(annotation: Any) -> Any:
    """An annotation without ``Optional`` and ``Annotated``."""
    if typing.get_origin(annotation) is typing.Annotated:
        return plain(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) is Union:
        real = [a for a in typing.get_args(annotation) if a is not type(None)]
        return plain(real[0]) if len(real) == 1 else annotation
    return annotation


def schema_values(schema: Schema) -> Set[Any]:
    """The values an enum's schema takes: its ``enum``, or its variants' ``const`` (a unit
    variant), or the tag of each tagged variant."""
    schema = deref(schema)
    if "enum" in schema:
        return set(schema["enum"])
    if "const" in schema:
        return {schema["const"]}
    values: Set[Any] = set()
    for option in schema.get("oneOf", []) + schema.get("anyOf", []):
        option = deref(option)
        if option.get("type") == "null":
            continue
        if "properties" in option:
            consts = [p["const"] for p in option["properties"].values() if "const" in p]
            assert len(consts) == 1, f"a variant without one tag: {option}"
            values |= set(consts)
        else:
            values |= schema_values(option)
    return values


def default_of(f: dataclasses.Field[Any]) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return dataclasses.MISSING


CHECKED_ENUMS: Set[type] = set()


def field_problems(cls: Any) -> Iterator[str]:
    """Every way the data class differs from its schema."""
    schema = class_schema(cls)
    properties, required, partial = view(schema)
    if cls._tag is not None:
        key, value = cls._tag
        assert properties.pop(key)["const"] == value
        required.discard(key)
    hints = typing.get_type_hints(cls, include_extras=True)
    fields = dataclasses.fields(cls)
    flattened = [f for f in fields if f.metadata.get("flatten")]
    if bool(flattened) != bool(schema.get("allOf")):
        yield f"flattened fields {[f.name for f in flattened]}, schema allOf {schema.get('allOf')}"
    names = {str(f.metadata.get("json", f.name)): f for f in fields if f not in flattened}
    for name in sorted(set(properties) - set(names)):
        yield f"no field for the property {name!r}"
    for name in sorted(set(names) - set(properties)):
        yield f"the field {name!r} is not in the schema"
    own_default = schema.get("default") if cls._tag is None else None
    for name in sorted(set(names) & set(properties)):
        f, prop = names[name], properties[name]
        default = default_of(f)
        if name in required and default is not dataclasses.MISSING:
            if own_default is None:
                yield f"{name!r} is required by the core, but has the default {default!r}"
            elif encode(default) != own_default[name]:
                yield (
                    f"{name!r} defaults to {encode(default)!r}, the Rust type's Default has "
                    f"{own_default[name]!r}"
                )
        if name not in required:
            if default is dataclasses.MISSING:
                yield f"{name!r} may be left out (the core fills it), but has no default"
            else:
                expected = prop["default"] if "default" in prop else None
                assert "default" in prop or name in partial, f"{name!r}: no default in the schema"
                if encode(default) != expected:
                    yield (
                        f"{name!r} defaults to {encode(default)!r}, the core fills "
                        f"{expected!r}"
                    )
        if name in partial:  # absent from some variants: None there
            prop = {"anyOf": [prop, {"type": "null"}]}
        yield from type_problems(name, hints[f.name], prop)


def type_problems(name: str, annotation: Any, prop: Schema) -> Iterator[str]:
    schema_kinds = json_kinds(prop)
    kinds = python_kinds(annotation)
    if schema_kinds and kinds != schema_kinds:
        yield f"{name!r} is {sorted(kinds)} in Python, {sorted(schema_kinds)} in the schema"
    inner = plain(annotation)
    item_schema = prop
    if typing.get_origin(inner) in (list, List):
        inner = plain(typing.get_args(inner)[0])
        options = [o for o in prop.get("anyOf", [prop]) if o.get("type") != "null"]
        item_schema = options[0].get("items", {}) if options else {}
    if isinstance(inner, type) and issubclass(inner, Record) and inner._tag is None:
        if ref_name(item_schema) != inner._serde:
            yield f"{name!r} is a {inner._serde} in Python, {ref_name(item_schema)} in the schema"
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        CHECKED_ENUMS.add(inner)
        values = {m.value for m in inner}
        if values != schema_values(_without_null(item_schema)):
            yield (
                f"{name!r}: {inner.__name__} has {sorted(values)}, the schema "
                f"{sorted(schema_values(_without_null(item_schema)))}"
            )


def _without_null(schema: Schema) -> Schema:
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    if "anyOf" in schema and len(options) == 1 and len(schema["anyOf"]) == 2:
        return dict(options[0])
    return schema


@pytest.mark.parametrize("cls", RECORDS, ids=lambda c: c.__name__)
def test_data_class_matches_its_schema(cls: Any) -> None:
    problems = list(field_problems(cls))
    assert not problems, f"{cls.__name__} ({cls._serde}) differs from the schema:\n" + "\n".join(
        problems
    )


def test_every_data_class_is_checked() -> None:
    """The exported data classes are all checked, and cover the schema's records."""
    exported = {
        value
        for value in vars(medsched).values()
        if isinstance(value, type) and issubclass(value, Record) and value is not Record
    }
    assert exported <= set(RECORDS)
    assert len(RECORDS) >= 100
    mirrored = {c._serde for c in RECORDS}
    # Rust types no Python data class mirrors: an id is a `str`; the enums are Python enums
    # (checked through the fields that hold them); an error report is the exception's
    # attributes (test_errors.py); Place is flattened into Slot and UnavailableSlot; a
    # SlotSeries is read through the native series (``medsched.SlotSeries``).
    unmirrored = {
        "Id",
        "ErrorReport",
        "Place",
        "SlotSeries",
        "ActorKind",
        "Alignment",
        "AppointmentStatus",
        "ConsultationMode",
        "HoldStatus",
        "LeaveStatus",
        "NotificationKind",
        "OverrideKind",
        "QueueNotificationKind",
        "RuleKind",
        "Status",
        "TokenKind",
        "TokenState",
        "WalkInPlacement",
        "EmergencyOrder",
        "CheckKind",
        "KeyKind",
        "BookingLimitKind",
        "VisitType",
        # medsched.analytics: the report and the pictures' inputs cross as plain dicts in the
        # core's JSON form (the same records as every binding, checked against the shared
        # vector in test_analytics.py), not as data classes.
        "Observation",
        "ReportTable",
        "WeekPicture",
        "Span",
        "Report",
        "UtilisationRow",
        "DoctorRow",
        "HourRow",
        "LeadTimeRow",
        "TokenKindRow",
        "CalibrationRow",
        "ConversionRow",
    }
    assert set(DEFS) - mirrored == unmirrored


def test_every_enum_is_checked() -> None:
    for cls in RECORDS:
        list(field_problems(cls))
    assert set(enums()) - CHECKED_ENUMS == set()


def test_the_schema_is_the_core_json() -> None:
    """A data class written with its defaults is what the core writes back: the defaults
    the schema names are the core's."""
    calendar = medsched.DoctorCalendar(doctor_id="dr-a")
    assert calendar.to_dict()["settings"] == DEFS["DoctorCalendar"]["properties"]["settings"][
        "default"
    ]


def test_every_type_the_binding_reads_is_in_the_schema() -> None:
    """Every Rust type the native module reads by name (``canonical``) has its entry."""
    from medsched import _native

    assert set(_native.TYPE_NAMES) - set(DEFS) == set()
