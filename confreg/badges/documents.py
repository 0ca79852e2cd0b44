"""Visa invitation letters and certificates of attendance, as A4 PDFs on the event's
letterhead, in the delegate's language."""

import io
import re
import secrets
from dataclasses import dataclass
from datetime import date

from flask_babel import format_date, gettext
from flask_babel import lazy_gettext as _l
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from confreg.badges import text
from confreg.badges.qr import pdf_operators, qr_drawing

#: What an organiser's letter text may name in braces, with what each holds.
LETTER_PLACEHOLDERS = {
    "passport_name": _l("the name as written in the passport"),
    "nationality": _l("the nationality"),
    "passport_number": _l("the passport number"),
    "date_of_birth": _l("the date of birth"),
    "organisation": _l("the delegate's organisation"),
    "event": _l("the event's name"),
    "dates": _l("the event's dates"),
    "venue": _l("the venue"),
    "city": _l("the host city"),
    "country": _l("the host country"),
    "reference": _l("the letter's reference number"),
}
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # nothing read as another
REFERENCE = re.compile(f"VL(-[{_REFERENCE_ALPHABET}]{{4}}){{3}}")


def new_reference() -> str:
    groups = ("".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(4)) for _ in range(3))
    return "VL-" + "-".join(groups)


def default_letter_text() -> str:
    # TRANSLATORS: keep every {placeholder} in braces exactly as it is.
    return gettext(
        "This letter confirms that {passport_name}, born on {date_of_birth}, a national of "
        "{nationality}, holder of passport number {passport_number}, is registered as a "
        "delegate of {organisation} to {event}, which takes place at {venue}, {city}, "
        "{country}, on {dates}.\n\n"
        "We kindly ask the competent authorities to grant {passport_name} the visa needed "
        "to attend. This invitation does not commit the organisers to any travel, "
        "accommodation or other costs.\n\n"
        "The authenticity of this letter can be confirmed with its reference number "
        "{reference} at the address printed below."
    )


@dataclass(frozen=True)
class Letterhead:
    event_name: str
    lines: list[str]
    colour: str = "#1b4f72"


@dataclass(frozen=True)
class LetterContent:
    letterhead: Letterhead
    #: Whether the letter's language is written right to left.
    rtl: bool
    issued_on: str
    reference: str
    heading: str
    salutation: str
    body: str
    signatory: str
    signatory_title: str
    verify_label: str
    verify_url: str


@dataclass(frozen=True)
class CertificateContent:
    letterhead: Letterhead
    rtl: bool
    heading: str
    certifies: str
    name: str
    latin_name: str
    organisation: str
    place: str
    attended: str
    signatory: str
    signatory_title: str


def _paragraph(canvas, value: str, left: float, right: float, top: float, size: float,
               rtl: bool) -> float:  # fmt: skip
    """Wrapped lines from the side the language starts on; returns the last baseline."""
    y = top
    for line in text.wrap(value, right - left, size, rtl=rtl):
        y -= size * 1.45
        text.draw_aligned(canvas, line, left, right, y, size, rtl=rtl)
    return y


def _centred_lines(canvas, value: str, centre: float, max_width: float, top: float,
                   size: float, rtl: bool, bold: bool = False) -> float:  # fmt: skip
    y = top
    for line in text.wrap(value, max_width, size, bold, rtl):
        y -= size * 1.45
        text.draw_centred(canvas, line, centre, y, size, bold, rtl)
    return y


def _draw_letterhead(canvas, head: Letterhead, width: float, height: float, rtl: bool) -> float:
    red, green, blue = (int(head.colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    canvas.setFillColorRGB(red, green, blue)
    canvas.rect(0, height - 9 * mm, width, 9 * mm, stroke=0, fill=1)
    y = _centred_lines(canvas, head.event_name, width / 2, width - 50 * mm, height - 16 * mm,
                       17, rtl, bold=True)  # fmt: skip
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    y -= 4
    for line in head.lines:
        y -= 13
        text.draw_centred(canvas, line, width / 2, y, 9.5, rtl=rtl)
    canvas.setStrokeColorRGB(red, green, blue)
    canvas.setLineWidth(1.2)
    canvas.line(20 * mm, y - 8, width - 20 * mm, y - 8)
    canvas.setFillColorRGB(0, 0, 0)
    return y - 8


def _signature(canvas, name: str, title: str, left: float, right: float, y: float, rtl: bool):
    """A signature flourish over the signatory's name and title."""
    x = right - 60 * mm if rtl else left
    canvas.setStrokeColorRGB(0.1, 0.2, 0.45)
    canvas.setLineWidth(1.1)
    path = canvas.beginPath()
    path.moveTo(x, y - 14 * mm)
    path.curveTo(x + 12 * mm, y - 2 * mm, x + 14 * mm, y - 22 * mm, x + 26 * mm, y - 10 * mm)
    path.curveTo(x + 34 * mm, y - 3 * mm, x + 38 * mm, y - 18 * mm, x + 52 * mm, y - 9 * mm)
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.setStrokeColorRGB(0.4, 0.4, 0.4)
    canvas.setLineWidth(0.5)
    canvas.line(x, y - 17 * mm, x + 60 * mm, y - 17 * mm)
    y -= 22 * mm
    text.draw_aligned(canvas, name, left, right, y, 11, bold=True, rtl=rtl)
    text.draw_aligned(canvas, title, left, right, y - 14, 10, rtl=rtl)


def _verification_footer(canvas, letter: LetterContent, width: float) -> None:
    size = 22 * mm
    code_x = 20 * mm if letter.rtl else width - 20 * mm - size
    canvas.addLiteral(pdf_operators(qr_drawing(letter.verify_url), code_x, 12 * mm, size))
    left, right = (48 * mm, width - 20 * mm) if letter.rtl else (20 * mm, width - 48 * mm)
    canvas.setFillColorRGB(0.3, 0.3, 0.3)
    _paragraph(canvas, letter.verify_label, left, right, 32 * mm, 9, letter.rtl)
    text.draw_aligned(canvas, letter.verify_url, left, right, 14 * mm, 8, rtl=letter.rtl)
    canvas.setFillColorRGB(0, 0, 0)


def render_letter(letter: LetterContent) -> bytes:
    out = io.BytesIO()
    width, height = A4
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(letter.heading)
    canvas.setCreator("confreg")
    left, right, rtl = 25 * mm, width - 25 * mm, letter.rtl
    y = _draw_letterhead(canvas, letter.letterhead, width, height, rtl) - 14 * mm
    text.draw_aligned(canvas, letter.issued_on, left, right, y, 10, rtl=rtl)
    text.draw_aligned(canvas, letter.reference, left, right, y - 14, 10, bold=True, rtl=rtl)
    y -= 40
    text.draw_aligned(canvas, letter.heading, left, right, y, 14, bold=True, rtl=rtl)
    y = _paragraph(canvas, letter.salutation, left, right, y - 12, 11, rtl) - 6
    for paragraph in letter.body.split("\n"):
        y = _paragraph(canvas, paragraph, left, right, y, 11, rtl) if paragraph else y - 8
    _signature(canvas, letter.signatory, letter.signatory_title, left, right, y - 10, rtl)
    _verification_footer(canvas, letter, width)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def render_certificate(certificate: CertificateContent) -> bytes:
    out = io.BytesIO()
    width, height = landscape(A4)
    canvas = Canvas(out, pagesize=(width, height))
    canvas.setTitle(certificate.heading)
    canvas.setCreator("confreg")
    rtl = certificate.rtl
    y = _draw_letterhead(canvas, certificate.letterhead, width, height, rtl) - 22 * mm
    centre = width / 2
    text.draw_centred(canvas, certificate.heading, centre, y, 26, bold=True, rtl=rtl)
    y -= 30
    text.draw_centred(canvas, certificate.certifies, centre, y, 12, rtl=rtl)
    size = text.fit_size(certificate.name, width - 60 * mm, 30, 14, bold=True)
    y -= size + 14
    text.draw_centred(canvas, certificate.name, centre, y, size, bold=True)
    y -= 8
    for line in (certificate.latin_name, certificate.organisation, certificate.place):
        if line:
            y -= 18
            text.draw_centred(canvas, line, centre, y, 12)
    y = _centred_lines(canvas, certificate.attended, centre, width - 70 * mm, y - 10, 12, rtl)
    _signature(canvas, certificate.signatory, certificate.signatory_title,
               centre - 30 * mm, centre + 30 * mm, y - 6, rtl)  # fmt: skip
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def format_day(day: date | None) -> str:
    return format_date(day, "long") if day else ""
