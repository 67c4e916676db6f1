"""The Chinese font of the printed forms: WenQuanYi Micro Hei (a TrueType collection in
``resources/fonts/``), registered once per process and embedded (subset) in every PDF, so a
form prints the same on a laptop without Chinese fonts.

Loading the 5 MB collection takes about a third of a second; it happens on the first form
(the window may call :func:`register` early, in a background task, to hide it).
"""
from __future__ import annotations

import threading

from app import config
from app.domain.errors import UserError

FONT = "WQYMicroHei"
_lock = threading.Lock()
_registered = False


def register() -> str:
    """Register the font with reportlab (once) and return its name."""
    global _registered
    if _registered:
        return FONT
    with _lock:
        if not _registered:
            from reportlab.pdfbase import pdfmetrics
            from reportlab.pdfbase.ttfonts import TTFont

            path = config.font_path()
            if not path.is_file():
                raise UserError(f"找不到打印用的中文字体文件：{path}（安装可能不完整）")
            pdfmetrics.registerFont(TTFont(FONT, str(path), subfontIndex=0))
            _registered = True
    return FONT
