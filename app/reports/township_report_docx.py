"""The township report (情况汇报) as a Word document (.docx, python-docx) for the township to edit
in WPS or Word before it goes out: A4 with an official document's margins (GB/T 9704: top 37 mm,
bottom 35 mm, left 28 mm, right 26 mm), the title in 宋体, body text in 仿宋 三号 at a fixed 28 pt
line, headings 一、二、… as real headings (Word's 标题 1, so they show in the navigation pane) in
黑体, tables in 宋体 五号 with a repeated header row, page numbers “— 1 —” at the foot.

East Asian text takes its font from ``w:eastAsia`` of ``w:rFonts``; the template's theme fonts
(which would override it) are taken off every style this document uses.  Sections 三 and 四 of a
township report (difficulties and suggestions, next steps) are left for the township to write,
with a grey note in their place."""
from __future__ import annotations

from datetime import timezone
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from app.domain.township_report import TownshipReport
from app.reports import township_report_text as tt

LATIN = "Times New Roman"
BODY_FONT, HEADING_FONT, TITLE_FONT, LEAD_FONT, TABLE_FONT = "仿宋", "黑体", "宋体", "楷体", "宋体"
BODY_PT, TITLE_PT, TABLE_PT, NOTE_PT = 16, 22, 10.5, 12   # 三号, 二号, 五号, 小四
LINE_PT = 28
BLACK = RGBColor(0, 0, 0)
GREY = RGBColor(0x80, 0x80, 0x80)
TABLE_STYLE, NOTE_STYLE, BODY_STYLE = "汇报表格", "汇报附注", "汇报正文"
STYLE_IDS = {TABLE_STYLE: "QsTable", NOTE_STYLE: "QsNote", BODY_STYLE: "QsBody"}   # ASCII ids, Chinese names


def write_township_report_docx(r: TownshipReport, out: Path) -> Path:
    out = Path(out)
    doc = Document()
    _page(doc)
    _styles(doc)
    _footer(doc)
    doc.core_properties.title = r.title
    doc.core_properties.subject = tt.subtitle(r)
    doc.core_properties.author = doc.core_properties.last_modified_by = "清收工作台"
    made = r.made_at.astimezone(timezone.utc)   # local time (naive) to UTC, as the file stores it
    doc.core_properties.created = doc.core_properties.modified = made
    doc.core_properties.revision = 1
    doc.core_properties.comments = f"数字截至{tt.cn_date(r.as_of)}，由清收工作台生成；与同一天的清收进度（summary）一致。"

    body = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    body.text = r.title
    body.style = doc.styles["Title"]
    doc.add_paragraph(tt.subtitle(r), style="Subtitle")
    doc.add_paragraph(tt.opening(r), style=BODY_STYLE)

    doc.add_heading("一、完成情况", level=1)
    for text in tt.progress(r):
        doc.add_paragraph(text, style=BODY_STYLE)

    doc.add_heading("二、特殊不良贷款情况", level=1)
    doc.add_paragraph(tt.categories_intro(r), style=BODY_STYLE)
    for lead, sentence in tt.category_items(r):
        p = doc.add_paragraph(style=BODY_STYLE)
        run = p.add_run(lead)            # the lead in 楷体, as a second-level heading is
        _fonts(run._r, LEAD_FONT)
        run.bold = True
        p.add_run(sentence)
    _caption(doc, f"九类特殊不良贷款清收情况（{tt.UNIT_NOTE}）")
    rows = [tt.category_cells(label, c) for label, c, _sub in tt.category_rows(r)]
    subs = [sub for _label, _c, sub in tt.category_rows(r)]
    _table(doc, tt.CATEGORY_COLUMNS, rows, tt.CATEGORY_WIDTHS, left=(0,), indent=[i for i, s in enumerate(subs) if s])

    doc.add_heading("三、工作中存在的困难问题及意见建议", level=1)
    _to_write(doc, f"（请在此填写{tt.we(r)}清收工作中存在的困难、问题及意见建议。）")
    doc.add_heading("四、下一步工作打算", level=1)
    _to_write(doc, "（请在此填写下一步工作打算。）")
    _signature(doc, r)

    appendix = doc.add_heading(tt.VILLAGE_TITLE, level=1)
    appendix.paragraph_format.page_break_before = True
    _caption(doc, tt.UNIT_NOTE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _table(doc, tt.VILLAGE_COLUMNS, tt.village_table(r), tt.VILLAGE_WIDTHS, left=(1,), center=(0,), total_last=True)
    doc.add_paragraph(tt.VISIT_NOTE, style=NOTE_STYLE)

    appendix = doc.add_heading(tt.STAFF_TITLE, level=1)
    appendix.paragraph_format.page_break_before = True
    _caption(doc, tt.UNIT_NOTE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _table(doc, tt.STAFF_COLUMNS, tt.staff_table(r), tt.STAFF_WIDTHS, left=(1, 2), center=(0,))
    doc.add_paragraph(tt.STAFF_NOTE, style=NOTE_STYLE)
    doc.add_paragraph(tt.VISIT_NOTE, style=NOTE_STYLE)
    doc.save(str(out))
    return out


# -- page and styles ---------------------------------------------------------------------------
def _page(doc) -> None:
    s = doc.sections[0]
    s.orientation = WD_ORIENT.PORTRAIT
    s.page_width, s.page_height = Mm(210), Mm(297)
    s.top_margin, s.bottom_margin = Mm(37), Mm(35)
    s.left_margin, s.right_margin = Mm(28), Mm(26)
    s.header_distance, s.footer_distance = Mm(15), Mm(20)


def _fonts(element, east_asia: str, latin: str = LATIN):
    """Set the fonts of a style's or a run's ``w:rPr``: East Asian text in ``east_asia``, the
    rest in ``latin``; the theme fonts, which Word would take before these, are removed."""
    rpr = element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        rfonts.set(qn(attr), name)
    return element


def _style(doc, name: str, *, font: str, size: float, bold: bool = False, align=None, line: float | None = LINE_PT,
           before: float = 0, after: float = 0, indent_chars: int = 0, base: str | None = None):
    styles = doc.styles
    try:
        st = styles[name]
    except KeyError:
        st = styles.add_style(name, 1)   # WD_STYLE_TYPE.PARAGRAPH
        st.style_id = STYLE_IDS.get(name, st.style_id)
        st.base_style = styles[base or "Normal"]
        st.quick_style = True
    _fonts(st.element, font)
    st.font.size = Pt(size)
    st.font.bold = bold
    st.font.italic = False
    st.font.color.rgb = BLACK
    pf = st.paragraph_format
    pPr = st.element.get_or_add_pPr()
    for unwanted in ("w:pBdr", "w:numPr"):   # the template's rule under 标题, its 副标题's list level
        el = pPr.find(qn(unwanted))
        if el is not None:
            pPr.remove(el)
    if align is not None:
        pf.alignment = align
    if line:
        pf.line_spacing = Pt(line)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    else:
        pf.line_spacing = 1.0
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if indent_chars:
        pf.first_line_indent = Pt(size * indent_chars)
        ind = pPr.find(qn("w:ind"))
        ind.set(qn("w:firstLineChars"), str(indent_chars * 100))   # two characters, whatever the size
    return st


def _styles(doc) -> None:
    normal = _style(doc, "Normal", font=BODY_FONT, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    normal.font.kern = None
    _style(doc, BODY_STYLE, font=BODY_FONT, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent_chars=2)
    _style(doc, "Title", font=TITLE_FONT, size=TITLE_PT, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, line=36,
           before=12, after=0)
    _style(doc, "Subtitle", font=BODY_FONT, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.CENTER, after=LINE_PT)
    for level, font in ((1, HEADING_FONT), (2, LEAD_FONT)):
        h = _style(doc, f"Heading {level}", font=font, size=BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT, indent_chars=2)
        h.paragraph_format.keep_with_next = True
    _style(doc, TABLE_STYLE, font=TABLE_FONT, size=TABLE_PT, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)
    _style(doc, NOTE_STYLE, font=BODY_FONT, size=NOTE_PT, align=WD_ALIGN_PARAGRAPH.LEFT, line=20, before=4)
    _style(doc, "Footer", font=TITLE_FONT, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, line=None)


def _footer(doc) -> None:
    """“— 1 —” at the foot of every page: a PAGE field between two dashes."""
    p = doc.sections[0].footer.paragraphs[0]
    p.style = doc.styles["Footer"]
    p.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = p.add_run()
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
            run._r.append(el)
        elif text.strip() == "PAGE":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
            run._r.append(el)
        else:
            run.text = text
    p.add_run(" —")


# -- pieces ------------------------------------------------------------------------------------
def _caption(doc, text: str, *, align=WD_ALIGN_PARAGRAPH.CENTER) -> None:
    p = doc.add_paragraph(text, style=TABLE_STYLE)
    p.alignment = align
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.space_after = Pt(3)
    p.paragraph_format.keep_with_next = True


def _to_write(doc, text: str) -> None:
    p = doc.add_paragraph(style=BODY_STYLE)
    run = p.add_run(text)
    run.font.color.rgb = GREY


def _signature(doc, r: TownshipReport) -> None:
    doc.add_paragraph(style=BODY_STYLE)
    for text in (r.township, tt.cn_date(r.as_of)):
        p = doc.add_paragraph(text, style="Normal")
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.right_indent = Pt(BODY_PT * 2)   # 右空二字


def _table(doc, header, rows: list[list[str]], widths_mm, *, left=(), center=(), indent=(), total_last: bool = False):
    """A table in 宋体 五号 with a header row in 黑体 that repeats on every page; ``left``: columns of
    text (left aligned), ``center``: columns centred; other figures right aligned; ``indent``: rows
    (0-based, under the header) whose first cell is indented; ``total_last``: the last row in bold."""
    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for i, w in enumerate(widths_mm):
        table.columns[i].width = Mm(w)
    for r_index, values in enumerate([list(header)] + rows):
        row = table.rows[r_index]
        head = r_index == 0
        total = total_last and r_index == len(rows)
        if head:
            _repeat_header(row)
        _no_split(row)
        row.height, row.height_rule = Mm(7), WD_ROW_HEIGHT_RULE.AT_LEAST
        for c_index, value in enumerate(values):
            cell = row.cells[c_index]
            cell.width = Mm(widths_mm[c_index])
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.style = doc.styles[TABLE_STYLE]
            run = p.add_run(value)
            if head:
                _fonts(run._r, HEADING_FONT)
            elif c_index in left:
                p.alignment = WD_ALIGN_PARAGRAPH.LEFT
                if r_index - 1 in indent:
                    p.paragraph_format.left_indent = Pt(TABLE_PT * 1)
            elif _is_number(value) and c_index not in center:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if total:
                run.bold = True
    return table


def _is_number(value: str) -> bool:
    return value.replace(".", "", 1).replace("%", "").replace("-", "", 1).isdigit()


def _repeat_header(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trPr.append(el)


def _no_split(row) -> None:
    trPr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    trPr.append(el)

