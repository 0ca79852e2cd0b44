"""Text in any script on a PDF canvas: a font per run of text by glyph coverage,
Arabic and Persian letters joined, right-to-left runs in visual order.

reportlab draws glyphs one after the other and knows neither shaping nor direction, so
Arabic-script text is reshaped (arabic-reshaper) and reordered (python-bidi) before
it is drawn. Fonts come from the pretix-fontpack-free package (static TrueType Noto
and DejaVu; reportlab draws only the default weight of a variable font).
"""

import importlib.util
import unicodedata
from functools import cache, lru_cache
from pathlib import Path

import arabic_reshaper
from bidi import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

_FONT_PACK = "pretix_fontpackfree"
#: Faces in the order they are tried for a character; CJK faces are reordered by the
#: text's own hints (kana: Japanese, hangul: Korean), since Han characters are in all.
_FACES = {
    "latin": ("Noto-Sans_v42_regular.ttf", "Noto-Sans_v42_bold.ttf"),
    "arabic": ("Noto-Sans-Arabic_v33_regular.ttf", "Noto-Sans-Arabic_v33_bold.ttf"),
    "hebrew": ("Noto-Sans-Hebrew_v50_regular.ttf", "Noto-Sans-Hebrew_v50_bold.ttf"),
    "thai": ("Noto-Sans-Thai_v29_regular.ttf", "Noto-Sans-Thai_v29_bold.ttf"),
    "sc": ("Noto-Sans-SC_v40_regular.ttf", "Noto-Sans-SC_v40_bold.ttf"),
    "jp": ("Noto-Sans-JP_v56_regular.ttf", "Noto-Sans-JP_v56_bold.ttf"),
    "kr": ("Noto-Sans-KR_v39_regular.ttf", "Noto-Sans-KR_v39_bold.ttf"),
    "tc": ("Noto-Sans-TC_v39_regular.ttf", "Noto-Sans-TC_v39_bold.ttf"),
    "fallback": ("DejaVuSans-webfont.ttf", "DejaVuSans-Bold-webfont.ttf"),
}
_CJK = ("sc", "jp", "kr", "tc")
#: A run of text in one font: (reportlab font name, text, width at 1 pt).
Run = tuple[str, str, float]
# Shaping controls that have done their work once the letters are joined.
_JOINERS = dict.fromkeys(map(ord, "\u200c\u200d\u200e\u200f"))


class FontsMissing(RuntimeError):
    """The font package is not installed (pip install pretix-fontpack-free)."""


@cache
def _font_directory() -> Path:
    # Read by path: the package is a pretix plug-in and is not meant to be imported.
    spec = importlib.util.find_spec(_FONT_PACK)
    if spec is None or not spec.submodule_search_locations:
        raise FontsMissing(_FONT_PACK)
    return Path(next(iter(spec.submodule_search_locations))) / "static" / _FONT_PACK


@cache
def font(face: str, bold: bool = False) -> str:
    """The reportlab name of a face, registered on first use."""
    name = f"confreg-{face}{'-bold' if bold else ''}"
    pdfmetrics.registerFont(TTFont(name, str(_font_directory() / _FACES[face][bold])))
    return name


@cache
def _coverage(face: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font(face)).face.charToGlyph)


def _face_order(text: str) -> tuple[str, ...]:
    cjk = list(_CJK)
    if any("\u3040" <= char <= "\u30ff" for char in text):
        cjk.remove("jp"), cjk.insert(0, "jp")
    elif any("\uac00" <= char <= "\ud7af" or "\u1100" <= char <= "\u11ff" for char in text):
        cjk.remove("kr"), cjk.insert(0, "kr")
    return ("latin", "arabic", "hebrew", "thai", *cjk, "fallback")


def is_right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def visual_order(text: str, rtl: bool | None = None) -> str:
    """Text as it is drawn from left to right: right-to-left runs joined and reversed,
    Latin words and digits inside them kept readable. `rtl` is the paragraph's
    direction (a Persian letter's sentence that starts with a Latin name is still right
    to left); None takes it from the first letter, as for a name on its own."""
    if not is_right_to_left(text):
        return text
    base = None if rtl is None else ("R" if rtl else "L")
    return get_display(arabic_reshaper.reshape(text), base_dir=base).translate(_JOINERS)


def _face_for(char: str, order: tuple[str, ...], previous: str | None) -> str:
    code = ord(char)
    # Spaces, digits and punctuation stay in the run they are in when it has them.
    if previous and unicodedata.category(char)[0] in "ZNP" and code in _coverage(previous):
        return previous
    return next((face for face in order if code in _coverage(face)), "fallback")


@lru_cache(maxsize=16384)
def runs(
    text: str, bold: bool = False, rtl: bool | None = None
) -> tuple[tuple[str, str, float], ...]:
    """(reportlab font, text, width at 1 pt) for each run of `text` in visual order."""
    drawn = visual_order(text, rtl)
    order = _face_order(drawn)
    result: list[list] = []
    face = None
    for char in drawn:
        face = _face_for(char, order, face)
        if result and result[-1][0] == face:
            result[-1][1] += char
        else:
            result.append([face, char])
    return tuple(
        (font(face, bold), run, pdfmetrics.stringWidth(run, font(face, bold), 1))
        for face, run in result
    )


def missing_glyphs(text: str) -> str:
    """The characters no bundled font can draw (they would show as empty boxes)."""
    drawn = visual_order(text)
    return "".join(
        char
        for char in drawn
        if not unicodedata.category(char).startswith("Z")
        and not any(ord(char) in _coverage(face) for face in _FACES)
    )


def width(text: str, size: float, bold: bool = False, rtl: bool | None = None) -> float:
    return size * sum(run_width for _font, _run, run_width in runs(text, bold, rtl))


def draw(canvas, text: str, x: float, y: float, size: float, bold=False, rtl=None) -> None:
    """Draw `text` starting at x on the baseline y."""
    for name, run, run_width in runs(text, bold, rtl):
        canvas.setFont(name, size)
        canvas.drawString(x, y, run)
        x += run_width * size


def draw_centred(canvas, text: str, centre: float, y: float, size: float, bold=False, rtl=None):
    draw(canvas, text, centre - width(text, size, bold, rtl) / 2, y, size, bold, rtl)


def draw_aligned(canvas, text: str, left: float, right: float, y: float, size: float,
                 bold: bool = False, rtl: bool = False) -> None:  # fmt: skip
    """Draw `text` from the side where its paragraph direction starts."""
    x = right - width(text, size, bold, rtl) if rtl else left
    draw(canvas, text, x, y, size, bold, rtl)


def fit_size(text: str, max_width: float, largest: float, smallest: float, bold=False) -> float:
    """The largest size from `largest` down to `smallest` at which `text` fits."""
    unit = width(text, 1, bold)
    if unit == 0:
        return largest
    return max(smallest, min(largest, max_width / unit))


def wrap(text: str, max_width: float, size: float, bold=False, rtl=None) -> list[str]:
    """Lines of whole words that fit `max_width` at `size`; a word longer than a line
    stands alone on its line (the caller shrinks it)."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and width(candidate, size, bold, rtl) <= max_width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines
