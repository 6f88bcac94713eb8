"""Drawing in pixels with Pillow: fonts by point size, text cut to a width, dashes, the PNG.

The progress card is drawn this way rather than on matplotlib's canvas: it is the picture
members ask for most, and matplotlib spent about 110-125 ms of CPU on one (most of it laying
out text), against about 10 ms here. The text is DejaVu Sans, the font matplotlib ships and
draws the other pictures in, so every picture reads alike.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import unicodedata
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.progress.canvas import DPI

Colour = tuple[int, int, int]
Font = ImageFont.FreeTypeFont
WHITE: Colour = (255, 255, 255)
ELLIPSIS = "…"


def _font_file(name: str) -> str:
    """A font shipped with matplotlib, found without importing it (that takes a while)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib is not installed: its fonts are needed for pictures")
    return str(Path(spec.submodule_search_locations[0], "mpl-data", "fonts", "ttf", name))


@functools.cache
def font(points: float, bold: bool = False) -> Font:
    """DejaVu Sans at `points` on a DPI picture, loaded once per size."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(_font_file(name), round(points * DPI / 72))


def rgb(colour: str) -> Colour:
    """`#rrggbb` as a triple."""
    value = int(colour.lstrip("#"), 16)
    return value >> 16, (value >> 8) & 0xFF, value & 0xFF


def tint(colour: str, alpha: float) -> Colour:
    """`colour` laid at `alpha` over white: the card's pale fills, without an alpha channel."""
    red, green, blue = (round(255 + (c - 255) * alpha) for c in rgb(colour))
    return red, green, blue


def one_line(text: str) -> str:
    """`text` with line breaks and other control characters as spaces: a name is one line,
    and the text shaper refuses some of them."""
    return "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)


def fitted(text: str, face: Font, width: float) -> str:
    """`text` on one line, cut (with an ellipsis) to fit `width` pixels: a long name never
    leaves the picture. Cut by halving, so a long text costs a few measures, not one a letter."""
    text = one_line(text)
    if face.getlength(text) <= width:
        return text
    low, high = 0, len(text)  # text[:low] + … fits; text[:high] + … does not, or is all
    while high - low > 1:
        middle = (low + high) // 2
        if face.getlength(text[:middle].rstrip() + ELLIPSIS) <= width:
            low = middle
        else:
            high = middle
    return text[:low].rstrip() + ELLIPSIS


def dashed(
    draw: ImageDraw.ImageDraw,
    start: tuple[float, float],
    end: tuple[float, float],
    colour: Colour,
    dash: int = 6,
    gap: int = 4,
) -> None:
    """A dashed line, horizontal or vertical (Pillow draws only solid lines)."""
    (x0, y0), (x1, y1) = start, end
    length = max(abs(x1 - x0), abs(y1 - y0))
    step_x, step_y = (x1 - x0) / length, (y1 - y0) / length
    at = 0.0
    while at < length:
        to = min(at + dash, length)
        draw.line((x0 + step_x * at, y0 + step_y * at, x0 + step_x * to, y0 + step_y * to), colour)
        at = to + gap


def dashed_box(
    draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], colour: Colour
) -> None:
    left, top, right, bottom = box
    for start, end in (
        ((left, top), (right, top)),
        ((right, top), (right, bottom)),
        ((left, bottom), (right, bottom)),
        ((left, top), (left, bottom)),
    ):
        dashed(draw, start, end, colour)


def upright(
    image: Image.Image, text: str, face: Font, colour: Colour, centre: tuple[int, int]
) -> None:
    """`text` turned a quarter to read upwards, centred at `centre` (an axis' title)."""
    left, top, right, bottom = (round(edge) for edge in face.getbbox(text))
    label = Image.new("RGB", (right - left + 2, bottom - top + 2), WHITE)
    ImageDraw.Draw(label).text((1 - left, 1 - top), text, font=face, fill=colour)
    turned = label.transpose(Image.Transpose.ROTATE_90)
    image.paste(turned, (centre[0] - turned.width // 2, centre[1] - turned.height // 2))


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    # zlib level 3, as for the other pictures: quicker to encode, a little larger.
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()
