"""Reading what the app's PDFs really hold: their text, their fonts and their QR codes."""

import io

import pypdf
import pypdfium2
import zxingcpp


def pages(body: bytes) -> list[pypdf.PageObject]:
    assert body.startswith(b"%PDF-")
    return pypdf.PdfReader(io.BytesIO(body)).pages


def page_text(body: bytes, number: int = 0) -> str:
    return pages(body)[number].extract_text()


def page_fonts(body: bytes, number: int = 0) -> set[str]:
    fonts = pages(body)[number]["/Resources"]["/Font"]
    return {str(fonts[name].get_object()["/BaseFont"]).split("+")[-1] for name in fonts}


def qr_codes(body: bytes, number: int = 0, dpi: int = 200) -> list[str]:
    """The QR codes a scanner finds on the page, rendered as a printer would."""
    document = pypdfium2.PdfDocument(body)
    image = document[number].render(scale=dpi / 72).to_pil()
    return [found.text for found in zxingcpp.read_barcodes(image) if found.format.name == "QRCode"]
