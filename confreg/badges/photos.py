"""Delegates' photos: decoded and re-encoded here, never stored or served as uploaded."""

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: More pixels than any camera gives a passport photo: a decompression bomb, refused
#: before it is decoded.
MAX_PIXELS = 40_000_000
MIN_SIDE = 150
#: Stored size: enough for a badge printed at 300 dpi.
STORED_SIZE = (450, 600)


class PhotoRejected(Exception):
    """`code`: "not_image", "too_large", "too_many_pixels" or "too_small"."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def normalise_photo(data: bytes) -> tuple[bytes, int, int]:
    """A JPEG or PNG upload as a fresh 3:4 JPEG without metadata: (bytes, width, height)."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRejected("too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=("JPEG", "PNG"))
            if image.width * image.height > MAX_PIXELS:
                raise PhotoRejected("too_many_pixels")
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise PhotoRejected("not_image") from error
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as error:
        raise PhotoRejected("too_many_pixels") from error
    if min(image.size) < MIN_SIDE:
        raise PhotoRejected("too_small")
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.getchannel("A"))
        image = background
    image = ImageOps.fit(image.convert("RGB"), STORED_SIZE, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue(), image.width, image.height
