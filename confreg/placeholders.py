"""Texts organisers write with {placeholders} (visa letters, messages to delegates):
checked strictly when saved, filled in safely when used."""

import string
from collections.abc import Container

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError


class PlaceholderError(ValueError):
    """Braces that hold something other than a bare placeholder of the text's kind."""

    def __init__(self, written: str | None):
        super().__init__(written)
        #: What the braces hold, or None for a brace without its pair.
        self.written = written


def parse(text: str, allowed: Container[str]) -> list[tuple[str, str | None]]:
    """(literal text, placeholder or None) in order. PlaceholderError unless every pair
    of braces holds one of `allowed`, bare: no attribute, index, conversion or format,
    which str.format would act on ({{ and }} stand for a brace itself)."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as error:
        raise PlaceholderError(None) from error
    for _literal, name, spec, conversion in parts:
        if name is not None and (name not in allowed or spec or conversion):
            raise PlaceholderError(
                name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            )
    return [(literal, name) for literal, name, _spec, _conversion in parts]


def fill(pieces: list[tuple[str, str | None]], values: dict[str, str]) -> str:
    """The parsed text with each placeholder's value; values are inserted as they are,
    never read as placeholders themselves."""
    return "".join(literal + (values[name] if name is not None else "") for literal, name in pieces)


class PlaceholderText:
    """Form validator: braces only around the placeholders listed beside the field."""

    def __init__(self, allowed: Container[str]):
        self.allowed = allowed

    def __call__(self, form, field) -> None:
        try:
            parse(field.data or "", self.allowed)
        except PlaceholderError as error:
            if error.written is None:
                message = _l("Every { needs its }. Use braces only around placeholders.")
            else:
                message = _l(
                    "{%(name)s} is not one of the placeholders listed. Use only those.",
                    name=error.written,
                )
            raise ValidationError(message) from error
