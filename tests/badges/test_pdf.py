"""Badge PDFs as a printer gets them: every script drawn with a real glyph, names never
cut, a QR code that a scanner reads back."""

import unicodedata

import pytest

from confreg.badges import text
from confreg.badges.pdf import LAYOUTS, BadgeContent, render_badges
from confreg.badges.qr import qr_drawing
from tests.badges.pdf_reading import page_fonts, page_text, pages, qr_codes

TOKEN = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPIYTEMZUGU3DOOBZGAYTEMZUGU3DOOBZGAYTEMZUGU" \
        "3DOOBZGAYTEMZUGU3DOOBZGAYTEMZUGU3DOOBZGAYTEMZUGU3DOOBZGAYTEMZUG"  # fmt: skip
NAMES = {
    "persian": ("فاطمه", "کریمی", "Fatemeh Karimi", "NotoSansArabic-Bold"),
    "arabic": ("أحمد", "المنصوري", "Ahmed Al Mansouri", "NotoSansArabic-Bold"),
    "chinese": ("伟", "李", "Li Wei", "NotoSansSC-Bold"),
    "japanese": ("さくら", "田中", "Tanaka Sakura", "NotoSansJP-Bold"),
    "korean": ("민준", "김", "Kim Minjun", "NotoSansKR-Bold"),
    "greek": ("Αθανάσιος", "Καρπουχτσής", "Athanasios Karpouchtsis", "NotoSans-Bold"),
    "ukrainian": ("Олена", "Коваленко", "Olena Kovalenko", "NotoSans-Bold"),
    "turkish": ("İbrahim", "Öztürk", "", "NotoSans-Bold"),
    "slovenian": ("Špela", "Kovačič", "", "NotoSans-Bold"),
}


def badge(given: str, family: str = "", latin: str = "", **values) -> BadgeContent:
    fields = dict(
        event_name="2nd International Conference on Learning Cities",
        given_name=given,
        family_name=family,
        latin_name=latin,
        organisation="شهرداری کرمانشاه",
        place="Kermanshah, Iran",
        category="Mayor",
        colour="#8e1b1b",
        qr=qr_drawing(TOKEN),
    )
    return BadgeContent(**(fields | values))


def logical(extracted: str) -> str:
    """Text extracted from a drawn right-to-left run, back in reading order."""
    return unicodedata.normalize("NFKC", extracted)[::-1]


@pytest.mark.parametrize("script", NAMES)
def test_every_script_is_drawn_with_a_font_that_has_its_glyphs(script):
    given, family, latin, font = NAMES[script]
    assert text.missing_glyphs(given + family + latin) == ""
    body = render_badges([badge(given, family, latin)], LAYOUTS["a6"])
    assert font in page_fonts(body)
    # The PDF holds the joined letter forms; a reader that undoes the joining (NFKC)
    # finds the name as typed.
    extracted = unicodedata.normalize("NFKC", page_text(body))
    for name in (given, family, latin):
        assert name in extracted


def test_persian_is_joined_and_right_to_left():
    drawn = text.visual_order("شهرداری کرمانشاه")
    assert all("\ufb50" <= char <= "\ufeff" or char == " " for char in drawn)  # joined forms
    assert logical(drawn) == "شهرداری کرمانشاه"


def test_latin_digits_and_words_in_persian_keep_their_order():
    drawn = text.visual_order("سارا احمدی 2015 Ahmadi")
    assert drawn.startswith("Ahmadi 2015 ")


def test_each_page_carries_a_qr_code_that_scans_back_to_the_token():
    body = render_badges([badge("Laura"), badge("محمد")], LAYOUTS["a6"])
    assert len(pages(body)) == 2
    assert qr_codes(body, 0) == [TOKEN]
    assert qr_codes(body, 1) == [TOKEN]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_prints_scannable_badges(layout):
    body = render_badges([badge("Špela", "Kovačič")] * 9, LAYOUTS[layout])
    per_page = LAYOUTS[layout].across * LAYOUTS[layout].down
    assert len(pages(body)) == -(-9 // per_page)
    assert qr_codes(body, 0, dpi=300) == [TOKEN] * per_page
    assert "Kovačič" in page_text(body)


def test_a_long_name_is_shrunk_and_wrapped_but_never_cut():
    given = "Maria Fernanda Guadalupe Concepción"
    family = "Hernández García de la Santísima Trinidad"
    body = render_badges([badge(given, family)], LAYOUTS["card"])
    extracted = " ".join(page_text(body).split())
    for word in (given + " " + family).split():
        assert word in extracted


def test_a_short_name_is_printed_at_least_24_points():
    # Width at 1 pt times the size chosen: "Laura" fits an A6 badge at the 40 pt ceiling.
    assert text.fit_size("Laura", 280, 40, 24, bold=True) == 40
    assert text.fit_size("Maria Fernanda Guadalupe Concepción", 280, 40, 24, bold=True) == 24


def test_a_photo_is_printed_when_given(tmp_path):
    from tests.badges.test_views import jpeg_bytes

    body = render_badges([badge("Laura", photo=jpeg_bytes(450, 600))], LAYOUTS["a6"])
    assert "/XObject" in pages(body)[0]["/Resources"]
    assert qr_codes(body) == [TOKEN]
