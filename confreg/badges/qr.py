"""QR codes for badges and letters, drawn as PDF vector paths.

A badge keeps its code as a *drawing*: the first line is the number of modules a side,
the rest the PDF path of the dark modules in module units, merged into one rectangle
per horizontal run. Choosing the QR mask and merging the runs is the slow part of
printing a badge, so it is done once per badge revision, not at every print.
"""

import re

import qrcode
from qrcode.constants import ERROR_CORRECT_M

#: Light modules around the code that scanners need, in modules (ISO/IEC 18004).
QUIET_ZONE = 4
_DARK_RUN = re.compile("1+")


def qr_drawing(data: str) -> str:
    """The code of `data` as a drawing. Upper-case base32 text is encoded in
    alphanumeric mode."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(data)
    code.make(fit=True)
    count = len(code.modules)
    runs = [
        f"{match.start()} {count - 1 - row} {match.end() - match.start()} 1 re"
        for row, modules in enumerate(code.modules)
        for match in _DARK_RUN.finditer("".join("1" if dark else "0" for dark in modules))
    ]
    return f"{count}\n{' '.join(runs)}"


def modules(drawing: str) -> int:
    return int(drawing.partition("\n")[0])


def qr_version(drawing: str) -> int:
    return (modules(drawing) - 17) // 4


def pdf_operators(drawing: str, x: float, y: float, size: float) -> str:
    """PDF content operators that draw the code with its quiet zone in a square of
    `size` points whose lower left corner is (x, y)."""
    count, _, path = drawing.partition("\n")
    scale = size / (int(count) + 2 * QUIET_ZONE)
    x, y = x + QUIET_ZONE * scale, y + QUIET_ZONE * scale
    return f"q 0 g {scale:.4f} 0 0 {scale:.4f} {x:.2f} {y:.2f} cm\n{path} f\nQ"
