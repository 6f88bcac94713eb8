"""Pydantic's validation errors in the pack's words: what was expected, what was found, and
the nearest field name when one is misspelt."""

from __future__ import annotations

import difflib
from datetime import date
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from bot.content.problems import Location, Problem


def problems_of(
    file: str, prefix: Location, model: type[BaseModel] | None, error: ValidationError
) -> list[Problem]:
    problems: list[Problem] = []
    for detail in error.errors(include_url=False):
        location = (*prefix, *detail["loc"])
        problems.append(Problem(file, location, _message(detail, model)))
    return problems


_KINDS: dict[str, str] = {
    "string_type": "text",
    "int_type": "a whole number",
    "list_type": "a list",
    "date_type": "a date like 2026-11-29, unquoted",
    "model_type": "a mapping of fields",
    "dict_type": "a mapping of fields",
    "bool_type": "true or false",
}


def describe(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{str(value).lower()} (quote it if you meant text)"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, date):
        return f"the date {value.isoformat()} (quote it if you meant text)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _message(detail: ErrorDetails, model: type[BaseModel] | None) -> str:
    kind = detail["type"]
    ctx: dict[str, Any] = dict(detail.get("ctx") or {})
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        return _unknown_field(detail["loc"], model)
    if kind == "too_short":
        return f"at least {ctx['min_length']} items (found {ctx['actual_length']})"
    if kind == "too_long":
        return f"at most {ctx['max_length']} items (found {ctx['actual_length']})"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long: at most {ctx['max_length']} characters"
    if kind == "string_pattern_mismatch":
        return "must use only lowercase letters, digits and hyphens"
    if kind == "literal_error":
        return f"must be one of {ctx['expected']}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']}"
    if kind == "value_error":
        return str(ctx["error"])
    if kind in _KINDS:
        return f"must be {_KINDS[kind]}, not {describe(detail['input'])}"
    message = detail["msg"]
    return message[:1].lower() + message[1:]


def _unknown_field(loc: tuple[int | str, ...], model: type[BaseModel] | None) -> str:
    allowed = _fields_at(model, loc[:-1])
    if not allowed:
        return "is not a known field"
    close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
    hint = f"did you mean `{close[0]}`? " if close else ""
    return f"is not a known field; {hint}fields here: {', '.join(allowed)}"


def _fields_at(model: type[BaseModel] | None, loc: tuple[int | str, ...]) -> list[str]:
    """The field names of the model found at `loc` inside `model`."""
    current = model
    for part in loc:
        if current is None:
            return []
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        current = None if field is None else _inner_model(field.annotation)
    return [] if current is None else list(current.model_fields)


def _inner_model(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) is None:
        return None
    for argument in get_args(annotation):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None
