"""What the printed forms share: A4 page, styles in the embedded Chinese font, page footer
("第 1 页 共 3 页"), a watermark for void copies, number and date formats."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from app.domain.money import format_yuan
from app.reports.fonts import register

PAGE_W, PAGE_H = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 18 * mm
MARGIN_BOTTOM = 20 * mm
BODY_W = PAGE_W - 2 * MARGIN_X
GRID = colors.HexColor("#333333")
SHADE = colors.HexColor("#EEEEEE")


# Chinese line-breaking rule (标点禁则): no line starts with a closing mark.  reportlab's
# list has the ASCII and Japanese ones but not the full-width comma, semicolon, colon …; its
# CJK wrappers read module globals, so the missing marks are added once here.
_CANNOT_START = "，；：？！、。）》〉】」』”’％"


def _chinese_line_breaking() -> None:
    from reportlab.lib import textsplit
    from reportlab.platypus import paragraph

    for module in (paragraph, textsplit):
        missing = "".join(ch for ch in _CANNOT_START if ch not in module.ALL_CANNOT_START)
        if missing:
            module.ALL_CANNOT_START += missing


def styles() -> dict[str, ParagraphStyle]:
    _chinese_line_breaking()
    font = register()
    base = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK",
                          alignment=TA_JUSTIFY, firstLineIndent=0)
    return {
        "title": ParagraphStyle("title", base, fontSize=22, leading=30, alignment=TA_CENTER, spaceAfter=2 * mm),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10, leading=14, alignment=TA_CENTER),
        "number": ParagraphStyle("number", base, fontSize=9.5, leading=13, alignment=TA_RIGHT),
        "heading": ParagraphStyle("heading", base, fontSize=11.5, leading=18, spaceBefore=2.5 * mm,
                                  spaceAfter=1 * mm),
        "body": base,
        "indent": ParagraphStyle("indent", base, firstLineIndent=21),
        "small": ParagraphStyle("small", base, fontSize=8.5, leading=12.5),
        "cell": ParagraphStyle("cell", base, fontSize=9, leading=12, alignment=TA_LEFT),
        "cell_c": ParagraphStyle("cell_c", base, fontSize=9, leading=12, alignment=TA_CENTER),
        "cell_r": ParagraphStyle("cell_r", base, fontSize=9, leading=12, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", base, fontSize=9, leading=12, alignment=TA_CENTER),
    }


def plain_style(*extra) -> TableStyle:
    """A table without lines, in the form's font (a cell without it falls back to Helvetica,
    which is not embedded)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), register()), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                       *extra])


def grid_style(*extra) -> TableStyle:
    """Thin black grid, grey header row, vertically centred cells."""
    return TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), register()),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("GRID", (0, 0), (-1, -1), 0.6, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        *extra,
    ])


def yuan(fen: int | None) -> str:
    return "—" if fen is None else format_yuan(fen)


BLANK_DATE = "　　　　年　　月　　日"


def cn_date(d: date | None, blank: str = BLANK_DATE) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else blank


def p(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (escaped for reportlab's mini-markup).  Paragraphs fold runs
    of spaces (full-width ones too) into one: text that needs its spaces, such as the blanks
    of "　　年　　月　　日", goes into a table cell as a plain string (see :func:`line`)."""
    return Paragraph(escape(text), style)


def fit(text: str, style: ParagraphStyle, width: float) -> str | Paragraph:
    """A table cell: the plain string when it fits on one line (drawn directly — several times
    faster than a Paragraph; the table's ALIGN places it), else a wrapping Paragraph."""
    if stringWidth(text, style.fontName, style.fontSize) <= width - 8:  # 4 pt padding each side
        return text
    return p(text, style)


def amount(text: str, style: ParagraphStyle, width: float, *, plain: bool = True) -> str | Paragraph:
    """A table cell holding a sum of money: always on one line (a figure broken after
    "1,234,567.8" could be misread), in a smaller type when the column is too narrow.
    ``plain``: a figure that fits may be a plain string (the table's ALIGN places it)."""
    room = width - 8  # 4 pt padding each side
    wide = stringWidth(text, style.fontName, style.fontSize)
    if wide <= room:
        return text if plain else p(text, style)
    size = max(4.0, style.fontSize * room / wide)
    return Paragraph(escape(text), ParagraphStyle(f"{style.name}_fit", parent=style, fontSize=size, leading=size * 1.2))


def pm(markup: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph with reportlab markup (``<br/>``, ``<font>``) written by the program."""
    return Paragraph(markup, style)


def escape(text: str) -> str:
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def line(cells: list[str], widths: list[float], *, size: float = 10.5, aligns: list[str] | None = None,
         height: float | None = None, underline: tuple[int, ...] = ()) -> Table:
    """One row of plain strings at fixed positions, spaces kept (signature and date lines);
    the cells in ``underline`` are blanks to write on."""
    t = Table([cells], colWidths=widths, rowHeights=[height] if height else None)
    cmds = [("FONTNAME", (0, 0), (-1, -1), register()), ("FONTSIZE", (0, 0), (-1, -1), size),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]
    for i, align in enumerate(aligns or []):
        cmds.append(("ALIGN", (i, 0), (i, 0), align))
    for i in underline:
        cmds.append(("LINEBELOW", (i, 0), (i, 0), 0.6, colors.black))
    t.setStyle(cmds)
    return t


def document(out: Path, title: str, *, top: float = MARGIN_TOP, bottom: float = MARGIN_BOTTOM) -> SimpleDocTemplate:
    out.parent.mkdir(parents=True, exist_ok=True)
    return SimpleDocTemplate(str(out), pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                             topMargin=top, bottomMargin=bottom, title=title, author="清收工作台",
                             creator="清收工作台 qingshou")


def numbered_canvas(footer: str, watermark: str | None = None, banner: str | None = None):
    """A canvas class that writes "footer  第 n 页 共 N 页" on every page; a void copy or a draft
    gets a large diagonal watermark and a line at the top saying why (``banner``)."""
    banner = banner or (f"【{watermark}，仅供存档，不作为还款依据】" if watermark else None)
    font = register()

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            if not kwargs.get("initialFontName"):  # else every page names Helvetica, which is not embedded
                kwargs["initialFontName"] = font
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            self.saveState()
            self.setFont(font, 8.5)
            self.setFillColor(colors.HexColor("#555555"))
            text = f"{footer}　　第 {self._pageNumber} 页 共 {total} 页" if footer else f"第 {self._pageNumber} 页 共 {total} 页"
            self.drawCentredString(PAGE_W / 2, 11 * mm, text)
            if watermark:
                self.setFillColor(colors.HexColor("#B22222"))
                self.setFont(font, 10)
                self.drawCentredString(PAGE_W / 2, PAGE_H - 10 * mm, banner)
                self.setFont(font, 72)
                self.setFillColor(colors.Color(0.8, 0.1, 0.1, alpha=0.18))
                self.translate(PAGE_W / 2, PAGE_H / 2)
                self.rotate(35)
                self.drawCentredString(0, -20, watermark)
            self.restoreState()

    return NumberedCanvas
