"""A camera for Chromium to read from: a printed page filmed head-on, written as a
YUV4MPEG2 video that `--use-file-for-fake-video-capture` plays in a loop."""

from pathlib import Path

import pypdfium2
from PIL import Image


def pdf_page_image(pdf: bytes, height: int) -> Image.Image:
    """The PDF's first page rendered `height` pixels tall, as a printer would print it."""
    page = pypdfium2.PdfDocument(pdf)[0]
    _width, page_height = page.get_size()
    return page.render(scale=height / page_height).to_pil().convert("RGB")


def write_y4m(
    picture: Image.Image,
    path: Path,
    size: tuple[int, int] = (640, 480),
    seconds: float = 3,
    fps: int = 10,
) -> Path:
    """A still video of `picture` centred on white: 4:2:0 planes (Y full size, Cb and
    Cr halved each way) in the studio range of BT.601, which is what Chromium assumes."""
    frame = Image.new("RGB", size, "white")
    frame.paste(picture, ((size[0] - picture.width) // 2, (size[1] - picture.height) // 2))
    luma, blue, red = frame.convert("YCbCr").split()
    half = (size[0] // 2, size[1] // 2)
    planes = luma.point(lambda value: 16 + value * 219 // 255).tobytes() + b"".join(
        plane.resize(half, Image.Resampling.BOX)
        .point(lambda value: 128 + (value - 128) * 224 // 255)
        .tobytes()
        for plane in (blue, red)
    )
    header = f"YUV4MPEG2 W{size[0]} H{size[1]} F{fps}:1 Ip A1:1 C420\n".encode("ascii")
    with path.open("wb") as video:
        video.write(header)
        for _frame in range(round(seconds * fps)):
            video.write(b"FRAME\n" + planes)
    return path
