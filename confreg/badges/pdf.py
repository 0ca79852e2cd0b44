"""Badge PDFs: one badge per page in the usual badge sizes, or several to an A4 sheet
with cut marks. Drawing takes plain values (BadgeContent), so that it can be measured
and tested without the app."""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import inch, mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from confreg.badges import text
from confreg.badges.qr import pdf_operators


@dataclass(frozen=True)
class Layout:
    label: object
    #: Size of one badge, in points.
    badge: tuple[float, float]
    #: Badges across and down a page; a sheet has cut marks and a margin.
    across: int = 1
    down: int = 1

    @property
    def page(self) -> tuple[float, float]:
        if self.across * self.down == 1:
            return self.badge
        return A4


LAYOUTS = {
    "a6": Layout(_l("A6 portrait (105 × 148 mm), one per page"), A6),
    "4x3in": Layout(_l("4 × 3 inch landscape, one per page"), (4 * inch, 3 * inch)),
    "card": Layout(_l("Card, 86 × 54 mm, one per page"), (86 * mm, 54 * mm)),
    "a4x4": Layout(_l("A4 sheet, four A6 badges with cut marks"), (95 * mm, 138 * mm), 2, 2),
    "a4x8": Layout(
        _l("A4 sheet, eight 4 × 3 inch badges with cut marks"), (86 * mm, 64 * mm), 2, 4
    ),
}
DEFAULT_COLOUR = "#5b6770"
#: Band colours until the organisers choose their own: far apart, white text readable.
CATEGORY_COLOURS = {
    "mayor": "#8e1b1b",
    "deputy_mayor": "#b5452b",
    "city_official": "#1b4f72",
    "expert_speaker": "#6c3483",
    "international_organisation": "#117a65",
    "ngo": "#1e8449",
    "private_sector": "#7d6608",
    "press": "#212f3d",
    "unesco_staff": "#2471a3",
}


@dataclass(frozen=True)
class BadgeContent:
    event_name: str
    given_name: str
    family_name: str
    #: The Latin-letter form, empty when the name is written in Latin letters already.
    latin_name: str
    organisation: str
    place: str
    category: str
    colour: str
    #: The QR code as badges.qr.qr_drawing made it.
    qr: str
    photo: bytes | None = None


def _rgb(colour: str) -> tuple[float, float, float]:
    value = colour.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))


def _text_colour_on(colour: str) -> tuple[float, float, float]:
    red, green, blue = _rgb(colour)
    return (0, 0, 0) if 0.2126 * red + 0.7152 * green + 0.0722 * blue > 0.6 else (1, 1, 1)


def _draw_lines(canvas, value: str, centre: float, top: float, max_width: float, size: float,
                smallest: float, bold: bool = False, max_lines: int = 2) -> float:  # fmt: skip
    """Draw `value` centred under `top`, shrunk towards `smallest` and wrapped onto up to
    `max_lines` lines, then shrunk further rather than cut. Returns the next free y."""
    if not value:
        return top
    size = text.fit_size(value, max_width, size, smallest, bold)
    lines = text.wrap(value, max_width, size, bold)
    if len(lines) > max_lines:
        lines = [
            " ".join(lines[: len(lines) - max_lines + 1]),
            *lines[len(lines) - max_lines + 1 :],
        ]
    size = min(size, *(text.fit_size(line, max_width, size, 1, bold) for line in lines))
    if text.is_right_to_left(value):
        lines.reverse()  # wrapped in visual order: the first words stand on the right
    y = top
    for line in lines:
        y -= size * 1.05
        text.draw_centred(canvas, line, centre, y, size, bold)
    return y - size * 0.3


def draw_badge(canvas: Canvas, badge: BadgeContent, x: float, y: float, w: float, h: float):
    """One badge in the box whose lower left corner is (x, y)."""
    portrait = h >= w
    scale = min(w, h) / A6[0]  # sizes are designed for A6 and follow the badge's size
    margin = 8 * scale
    band = 26 * scale if portrait else 18 * scale

    # The category as a coloured band across the foot of the badge, with its name.
    canvas.setFillColorRGB(*_rgb(badge.colour))
    canvas.rect(x, y, w, band, stroke=0, fill=1)
    canvas.setFillColorRGB(*_text_colour_on(badge.colour))
    size = text.fit_size(badge.category, w - 2 * margin, 14 * scale, 6, bold=True)
    text.draw_centred(canvas, badge.category, x + w / 2, y + (band - size * 0.7) / 2, size, True)
    canvas.setFillColorRGB(0, 0, 0)

    # The QR code with its quiet zone: bottom centre on portrait, right on landscape.
    if portrait:
        qr_box = min(w * 0.62, h * 0.42)
        qr_x, qr_y = x + (w - qr_box) / 2, y + band + margin / 2
        column_x, column_w, column_bottom = x + margin, w - 2 * margin, qr_y + qr_box
    else:
        qr_box = min(w * 0.42, h - band - margin)
        qr_x, qr_y = x + w - qr_box - margin / 2, y + band + (h - band - qr_box) / 2
        column_x, column_w, column_bottom = x + margin, w - qr_box - 1.5 * margin, y + band
    canvas.addLiteral(pdf_operators(badge.qr, qr_x, qr_y, qr_box))

    centre = column_x + column_w / 2
    top = y + h - margin
    canvas.setFillColorRGB(0.35, 0.4, 0.44)
    top = _draw_lines(canvas, badge.event_name, centre, top, column_w, 11 * scale, 6)
    if badge.photo and portrait:
        photo_h = min(90 * scale, (top - column_bottom) * 0.35)
        photo_w = photo_h * 0.75
        canvas.drawImage(ImageReader(io.BytesIO(badge.photo)), centre - photo_w / 2,
                         top - photo_h, photo_w, photo_h)  # fmt: skip
        top -= photo_h + 4 * scale
    canvas.setFillColorRGB(0, 0, 0)
    # The name as the delegate writes it, large: at least 24 pt where the badge is big
    # enough to hold it, shrunk and wrapped rather than cut.
    given_size = max(24.0, 40 * scale) if portrait else 24 * scale
    top = _draw_lines(canvas, badge.given_name, centre, top, column_w, given_size,
                      min(24.0, given_size), bold=True)  # fmt: skip
    top = _draw_lines(canvas, badge.family_name, centre, top, column_w, given_size * 0.7,
                      min(16.0, given_size * 0.7), bold=True)  # fmt: skip
    canvas.setFillColorRGB(0.25, 0.25, 0.25)
    top = _draw_lines(canvas, badge.latin_name, centre, top, column_w, 13 * scale, 7, max_lines=1)
    canvas.setFillColorRGB(0, 0, 0)
    top = _draw_lines(canvas, badge.organisation, centre, top, column_w, 12 * scale, 6)
    _draw_lines(canvas, badge.place, centre, top, column_w, 11 * scale, 6, max_lines=1)


def _cut_marks(canvas: Canvas, x: float, y: float, w: float, h: float) -> None:
    canvas.setLineWidth(0.3)
    canvas.setStrokeColorRGB(0.5, 0.5, 0.5)
    length = 4 * mm
    for corner_x, dx in ((x, -1), (x + w, 1)):
        for corner_y, dy in ((y, -1), (y + h, 1)):
            canvas.line(
                corner_x + dx * 1 * mm, corner_y, corner_x + dx * (1 * mm + length), corner_y
            )
            canvas.line(
                corner_x, corner_y + dy * 1 * mm, corner_x, corner_y + dy * (1 * mm + length)
            )


def render_badges(badges: Iterable[BadgeContent], layout: Layout, title: str = "") -> bytes:
    """A PDF of the badges in the layout; an empty document has one blank page."""
    out = io.BytesIO()
    page_w, page_h = layout.page
    canvas = Canvas(out, pagesize=layout.page, pageCompression=1, invariant=False)
    canvas.setTitle(title)
    canvas.setCreator("confreg")
    per_page = layout.across * layout.down
    badge_w, badge_h = layout.badge
    left = (page_w - layout.across * badge_w) / 2
    bottom = (page_h - layout.down * badge_h) / 2
    slot = 0
    for badge in badges:
        if slot == per_page:
            canvas.showPage()
            slot = 0
        column, row = slot % layout.across, slot // layout.across
        x = left + column * badge_w
        y = page_h - bottom - (row + 1) * badge_h
        draw_badge(canvas, badge, x, y, badge_w, badge_h)
        if per_page > 1:
            _cut_marks(canvas, x, y, badge_w, badge_h)
        slot += 1
    canvas.showPage()
    canvas.save()
    return out.getvalue()
