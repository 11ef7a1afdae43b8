"""Builds the shipped Word templates in templates/docx/ from this script, so they are reproducible.

Council staff may open the result in Word and edit the wording and layout; the {{ ... }} and
{%p ... %} / {%tr ... %} tags are docxtpl's and must be kept. Run from the project root:

    .venv/bin/python scripts/build_docx_templates.py
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen.render.docx import normalise_zip  # noqa: E402  (after the path is set)

OUT = ROOT / "templates" / "docx"
FONT = "Liberation Sans"  # metric-compatible with Arial, installed with the fonts package
NAVY = RGBColor(0x1F, 0x3A, 0x5F)
BUILT = datetime(2025, 1, 1)


# -- building blocks --------------------------------------------------------------------------


def new_document(title: str, header: str, footer: str, landscape: bool = False) -> DocumentObject:
    doc = Document()
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 20), ("Heading 1", 14), ("Heading 2", 12)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = NAVY
        style.font.bold = True
        # python-docx's default theme fonts would otherwise win over the name set above
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        for attr in ("w:ascii", "w:hAnsi", "w:cs"):
            fonts.set(qn(attr), FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(attr), None)
    section = doc.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Mm(20))
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    head = section.header.paragraphs[0]
    head.text = header
    head.runs[0].font.size = Pt(8.5)
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot.add_run(f"{footer} · page ").font.size = Pt(8.5)
    _field(foot, "PAGE")
    foot.add_run(" of ").font.size = Pt(8.5)
    _field(foot, "NUMPAGES")
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "docgen", "docgen"
    props.created = props.modified = props.last_printed = BUILT
    props.revision = 1
    doc.add_paragraph(title, style="Title")
    return doc


def _field(paragraph: Paragraph, code: str) -> None:
    run = paragraph.add_run()
    run.font.size = Pt(8.5)
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text and text.strip() == code:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def heading(doc: DocumentObject, text: str, level: int = 1) -> None:
    doc.add_heading(text, level=level)


def para(
    doc: DocumentObject, text: str, bold: bool = False, small: bool = False, keep_with_next: bool = False
) -> Paragraph:
    p = doc.add_paragraph()
    run = p.add_run(text)
    run.bold = bold
    if small:
        run.font.size = Pt(8.5)
    if keep_with_next:
        p.paragraph_format.keep_with_next = True
    return p


def _shade(cell_el: object, fill: str) -> None:
    tc_pr = cell_el.get_or_add_tcPr()  # type: ignore[attr-defined]
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tc_pr.append(shd)


def _table(doc: DocumentObject, cols: int, widths: Sequence[float] | None) -> Table:
    table = doc.add_table(rows=0, cols=cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    if widths:
        for col, width in zip(table.columns, widths, strict=True):
            col.width = Mm(width)
    return table


def _fill(
    row_cells: Sequence[object], texts: Sequence[str], bold: bool = False, right: Sequence[int] = ()
) -> None:
    for i, (cell, text) in enumerate(zip(row_cells, texts, strict=True)):
        p = cell.paragraphs[0]  # type: ignore[attr-defined]
        run = p.add_run(text)
        run.bold = bold
        run.font.size = Pt(9.5)
        if i in right:
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def loop_table(
    doc: DocumentObject,
    headers: Sequence[str],
    loop: str,
    cells: Sequence[str],
    widths: Sequence[float] | None = None,
    right: Sequence[int] = (),
    total: Sequence[str] | None = None,
) -> Table:
    """A table with a header row, one row per item of ``loop`` ("x in items"), and an optional
    total row. The loop tags sit in rows of their own, which docxtpl removes when filling."""
    table = _table(doc, len(headers), widths)
    head = table.add_row().cells
    _fill(head, headers, bold=True, right=right)
    for cell in head:
        _shade(cell._tc, "DCE6F0")
    _tag_row(table, f"{{%tr for {loop} %}}")
    _fill(table.add_row().cells, cells, right=right)
    _tag_row(table, "{%tr endfor %}")
    if total:
        _fill(table.add_row().cells, total, bold=True, right=right)
    doc.add_paragraph()
    return table


def _tag_row(table: Table, tag: str) -> None:
    cells = table.add_row().cells
    cells[0].paragraphs[0].add_run(tag)


def key_value_table(
    doc: DocumentObject, rows: Sequence[tuple[str, str]], widths: Sequence[float] = (45, 125)
) -> None:
    table = _table(doc, 2, widths)
    for key, value in rows:
        cells = table.add_row().cells
        _fill(cells, [key, value])
        cells[0].paragraphs[0].runs[0].bold = True
        _shade(cells[0]._tc, "F2F2F2")
    doc.add_paragraph()


def signature_table(doc: DocumentObject, rows: Sequence[tuple[str, str]]) -> None:
    table = _table(doc, 4, (42, 68, 35, 25))
    _fill(table.add_row().cells, ["", "Name and position", "Signature", "Date"], bold=True)
    for role, who in rows:
        cells = table.add_row().cells
        _fill(cells, [role, who, "", ""])
        cells[0].paragraphs[0].runs[0].bold = True
        cells[0].paragraphs[0].paragraph_format.space_after = Pt(18)
    doc.add_paragraph()


def page_break(doc: DocumentObject) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


# -- the templates ----------------------------------------------------------------------------

MONEY_COLS = "{{ l.amount|gbp }}", "{{ l.outstanding|gbp }}", "{{ l.vat|gbp }}"


def balance_section(doc: DocumentObject) -> None:
    para(doc, "Outstanding on {{ as_of|date_uk }}: {{ outstanding|gbp }} ({{ balance_words }}).")
    loop_table(
        doc,
        ["Ref", "Description", "Due", "Amount", "Outstanding", "VAT element", "Days overdue"],
        "l in lines",
        ["{{ l.ref }}", "{{ l.description }}", "{{ l.due|date_uk }}", *MONEY_COLS, "{{ l.days }}"],
        widths=(22, 42, 24, 20, 25, 19, 18),
        right=(3, 4, 5, 6),
    )


def write_off_report() -> DocumentObject:
    doc = new_document(
        "Write-off report", "{{ council }} · OFFICIAL-SENSITIVE", "Write-off report {{ case_ref }}"
    )
    key_value_table(
        doc,
        [
            ("Case reference", "{{ case_ref }}"),
            ("Debtor", "{{ debtor_name }}"),
            ("Address", "{{ debtor_address }}"),
            ("Status", "{{ debtor_status }}"),
            ("Debt type", "{{ debt_type }}"),
            ("Report date", "{{ as_of|date_uk }}"),
            ("Policy", "{{ policy_council }} write-off policy ({{ policy_name }})"),
        ],
    )
    heading(doc, "1. Balance and ageing")
    balance_section(doc)
    loop_table(
        doc,
        ["Age of debt", "Outstanding"],
        "a in ageing",
        ["{{ a.label }}", "{{ a.amount|gbp }}"],
        widths=(60, 40),
        right=(1,),
    )
    heading(doc, "2. Recovery history")
    para(doc, "{%p if not history %}")
    para(doc, "No recovery action is recorded.")
    para(doc, "{%p endif %}")
    loop_table(
        doc,
        ["Date", "Action", "Note"],
        "h in history",
        ["{{ h.date|date_uk }}", "{{ h.action }}", "{{ h.note }}"],
        widths=(28, 40, 102),
    )
    heading(doc, "3. Reason and evidence")
    para(doc, "Reason: {{ reason_title }}.")
    para(doc, "Evidence the policy asks for: {{ reason_evidence_needed }}.")
    para(doc, "{%p if case_evidence %}")
    para(doc, "What the case records for this reason:", keep_with_next=True)
    para(doc, "{%p for e in case_evidence %}")
    para(doc, "\u2022 {{ e }}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p endif %}")
    para(doc, "Evidence relied on: {{ evidence }}")
    para(doc, "{%p if notes %}")
    para(doc, "Case notes: {{ notes }}")
    para(doc, "{%p endif %}")
    heading(doc, "4. Authority")
    para(
        doc,
        "Under the {{ policy_council }} write-off policy ({{ policy_name }}), writing off "
        "{{ outstanding|gbp }} is for the {{ level_title }} (limit {{ level_limit }}).",
    )
    para(doc, "{%p if committee %}")
    para(
        doc,
        "The amount is above every officer's delegated limit: the decision is for the {{ level_title }} "
        "in a committee report.",
        bold=True,
    )
    para(doc, "{%p endif %}")
    heading(doc, "5. Accounting entries")
    loop_table(
        doc,
        ["Account", "Debit", "Credit", "Narrative"],
        "j in journal",
        [
            "{{ j.account }}",
            "{{ j.debit|gbp if j.debit else '' }}",
            "{{ j.credit|gbp if j.credit else '' }}",
            "{{ j.narrative }}",
        ],
        widths=(55, 25, 25, 65),
        right=(1, 2),
    )
    para(doc, "VAT bad debt relief claimable now: {{ vat_relief|gbp }}.")
    para(doc, "{%p if vat_deferred %}")
    para(
        doc,
        "VAT of {{ vat_deferred|gbp }} is not yet claimable; it becomes claimable on "
        "{{ vat_relief_from|date_uk }}.",
    )
    para(doc, "{%p endif %}")
    para(doc, "{{ vat_source }}", small=True)
    heading(doc, "6. Recommendation")
    para(doc, "{{ recommendation }}")
    heading(doc, "7. Decision")
    signature_table(
        doc,
        [
            ("Prepared by", "{{ officer_name }}, {{ officer_position }}"),
            ("Decision by", "{{ level_title }}"),
        ],
    )
    para(
        doc,
        "The decision is recorded by the {{ level_title }}, or by a manager holding that delegation. Once "
        "it is recorded, the decision, the name of the person who made it, the delegation relied on and "
        "the date are added to this report as its last page.",
    )
    return doc


def totals_table(doc: DocumentObject, title: str, var: str) -> None:
    loop_table(
        doc,
        [title, "Accounts", "Total", "Billed", "Share of billed"],
        f"t in {var}",
        [
            "{{ t.label }}",
            "{{ t.count }}",
            "{{ t.total|gbp }}",
            "{{ t.billed|gbp }}",
            "{{ t.percent_of_billed }}",
        ],
        widths=(62, 20, 30, 30, 28),
        right=(1, 2, 3, 4),
    )


def write_off_schedule() -> DocumentObject:
    doc = new_document(
        "Write-off schedule",
        "{{ council }} · OFFICIAL-SENSITIVE",
        "Write-off schedule {{ as_of|date_uk }}",
        landscape=True,
    )
    para(
        doc,
        "{{ count }} accounts totalling {{ total|gbp }} (VAT element {{ vat_total|gbp }}), as at "
        "{{ as_of|date_uk }}, under the {{ policy_council }} write-off policy ({{ policy_name }}).",
    )
    para(doc, "{%p for g in groups %}")
    heading(doc, "{{ g.title }} ({{ g.limit }})")
    loop_table(
        doc,
        ["Case ref", "Debtor", "Debt type", "Reason", "Year", "Amount", "VAT"],
        "i in g.rows",
        [
            "{{ i.case_ref }}",
            "{{ i.debtor_name }}",
            "{{ i.debt_type }}",
            "{{ i.reason }}",
            "{{ i.year }}",
            "{{ i.amount|gbp }}",
            "{{ i.vat|gbp }}",
        ],
        widths=(38, 55, 40, 60, 20, 22, 22),
        right=(5, 6),
        total=["", "{{ g.count }} accounts", "", "", "", "{{ g.total|gbp }}", ""],
    )
    para(doc, "{%p endfor %}")
    heading(doc, "Totals by debt type")
    totals_table(doc, "Debt type", "by_debt_type")
    heading(doc, "Totals by year the debt arose")
    totals_table(doc, "Financial year", "by_year")
    heading(doc, "Totals by reason")
    totals_table(doc, "Reason", "by_reason")
    para(doc, "{%p if committee_count %}")
    para(
        doc,
        "{{ committee_count }} accounts totalling {{ committee_total|gbp }} are above the delegated limit "
        "of {{ delegated_limit|gbp }} and are reported to the decision maker in a committee report.",
        bold=True,
    )
    para(doc, "{%p endif %}")
    signature_table(doc, [("Prepared by", ""), ("Checked by", ""), ("Approved by", "")])
    return doc


def committee_write_off_report() -> DocumentObject:
    doc = new_document(
        "Write-off of irrecoverable debts",
        "{{ council }} · Report to {{ decision_maker }}",
        "Write-off report to {{ decision_maker }}",
    )
    key_value_table(
        doc,
        [
            ("Decision maker", "{{ decision_maker }}"),
            ("Report date", "{{ as_of|date_uk }}"),
            ("Accounts", "{{ count }}, totalling {{ total|gbp }}"),
            ("Years the debts arose", "{{ years }}"),
            ("Exempt appendix", "Yes: the appendix lists individual debtors"),
        ],
    )
    heading(doc, "1. Purpose")
    para(
        doc,
        "To ask {{ decision_maker }} to approve the write-off of {{ count }} accounts totalling "
        "{{ total|gbp }}, each above the officers' delegated limit of {{ delegated_limit|gbp }}.",
    )
    heading(doc, "2. Recommendation")
    para(
        doc,
        "That {{ decision_maker }} approves the write-off of the {{ count }} accounts listed in the exempt "
        "appendix, totalling {{ total|gbp }}.",
        bold=True,
    )
    heading(doc, "3. Legal basis")
    para(
        doc,
        "The {{ report_of }} is responsible for the proper administration of the council's financial "
        "affairs under section 151 of the Local Government Act 1972. The council's write-off policy "
        "({{ policy_council }}, {{ policy_name }}) delegates write-offs up to {{ delegated_limit|gbp }} to "
        "officers and reserves larger amounts to {{ decision_maker }}. Writing a debt off removes it from "
        "the accounts; it does not extinguish the debt, and recovery can resume if the debtor's "
        "circumstances change. Output VAT on the debts is reclaimed as bad debt relief under section 36 "
        "of the Value Added Tax Act 1994 where the conditions are met.",
    )
    heading(doc, "4. Summary")
    totals_table(doc, "Debt type", "by_debt_type")
    totals_table(doc, "Reason", "by_reason")
    totals_table(doc, "Financial year", "by_year")
    heading(doc, "5. Effect on the bad-debt provision")
    para(
        doc,
        "The provision held against these accounts is {{ provision_held|gbp }}. Writing off "
        "{{ total|gbp }} uses that provision; the further charge to revenue is "
        "{{ provision_shortfall|gbp }}. The VAT element of the debts is {{ vat_total|gbp }}.",
    )
    heading(doc, "6. Recovery taken")
    para(
        doc,
        "The amount to be written off, {{ total|gbp }}, is {{ percent_of_billed }} of the {{ billed|gbp }} "
        "billed on these accounts. The recovery steps recorded on them, from their case histories:",
        keep_with_next=True,
    )
    para(doc, "{%p for s in recovery_steps %}")
    para(doc, "\u2022 {{ s }}")
    para(doc, "{%p endfor %}")
    para(doc, "{%p if no_recovery_step %}")
    para(doc, "No recovery step is recorded on these accounts.", bold=True)
    para(doc, "{%p endif %}")
    para(doc, "{%p if letters_only_count %}")
    para(
        doc,
        "For {{ letters_only_count }} of the accounts ({{ letters_only }}) no step beyond a reminder, notice "
        "or letter is recorded.",
        bold=True,
    )
    para(doc, "{%p endif %}")
    para(doc, "{%p if insolvent_count %}")
    para(
        doc,
        "For the {{ insolvent_count }} accounts written off because of the debtor's insolvency, a proof of "
        "debt is recorded as lodged.",
    )
    para(doc, "{%p endif %}")
    para(
        doc,
        "The reason for each account, and what its case records for that reason, are in the exempt appendix.",
    )
    heading(doc, "7. Options considered")
    table = _table(doc, 2, (45, 125))
    _fill(table.add_row().cells, ["Option", "Assessment"], bold=True)
    for option, text in (
        (
            "Approve the write-off",
            "Recommended. The accounts are irrecoverable for the reasons given; keeping "
            "them overstates the council's assets.",
        ),
        (
            "Continue recovery",
            "Not recommended. Further action would cost more than it could recover, or no "
            "lawful route remains.",
        ),
        (
            "Defer the decision",
            "Not recommended. The debts would stay in the accounts and the VAT relief would not be claimed.",
        ),
    ):
        _fill(table.add_row().cells, [option, text])
    doc.add_paragraph()
    heading(doc, "8. Decision")
    signature_table(doc, [("Decision by", "{{ decision_maker }}"), ("Report of", "{{ report_of }}")])
    page_break(doc)
    heading(doc, "Exempt appendix: accounts to be written off")
    para(
        doc,
        "Not for publication: exempt information under paragraphs 1 and 3 of Part 1 of Schedule 12A to "
        "the Local Government Act 1972.",
        bold=True,
    )
    loop_table(
        doc,
        ["Name", "Reference", "Amount", "Year", "Reason", "What the case records"],
        "a in accounts",
        [
            "{{ a.debtor_name }}",
            "{{ a.case_ref }}",
            "{{ a.amount|gbp }}",
            "{{ a.year }}",
            "{{ a.reason }}",
            "{{ a.evidence }}",
        ],
        widths=(28, 26, 22, 17, 29, 48),
        right=(2,),
        total=["Total", "{{ count }} accounts", "{{ total|gbp }}", "", "", ""],
    )
    return doc


def panel_briefing() -> DocumentObject:
    doc = new_document(
        "Debt panel briefing", "{{ council }} · OFFICIAL-SENSITIVE · Debt panel", "Briefing {{ case_ref }}"
    )
    key_value_table(
        doc,
        [
            ("Case reference", "{{ case_ref }}"),
            ("Debtor", "{{ debtor_name }}"),
            ("Address", "{{ debtor_address }}"),
            ("Status", "{{ debtor_status }}"),
            ("Debt type", "{{ debt_type }}"),
            ("Officer", "{{ officer_name }}, {{ officer_position }}"),
            ("Briefing date", "{{ as_of|date_uk }}"),
        ],
    )
    heading(doc, "1. Summary")
    para(doc, "{{ summary }}")
    heading(doc, "2. Balance")
    balance_section(doc)
    para(doc, "{{ ageing_chart }}")
    loop_table(
        doc,
        ["Age of debt", "Outstanding"],
        "a in ageing",
        ["{{ a.label }}", "{{ a.amount|gbp }}"],
        widths=(60, 40),
        right=(1,),
    )
    heading(doc, "3. Recovery timeline")
    para(doc, "{%p if not history %}")
    para(doc, "No recovery action is recorded.")
    para(doc, "{%p endif %}")
    loop_table(
        doc,
        ["Date", "Action", "Note"],
        "h in history",
        ["{{ h.date|date_uk }}", "{{ h.action }}", "{{ h.note }}"],
        widths=(28, 40, 102),
    )
    heading(doc, "4. Circumstances and vulnerability")
    para(doc, "{{ circumstances }}")
    para(doc, "Vulnerability: {{ vulnerability }}")
    para(doc, "{%p if notes %}")
    para(doc, "Notes: {{ notes }}")
    para(doc, "{%p endif %}")
    heading(doc, "5. Options")
    loop_table(
        doc,
        ["Option", "Available", "Cost", "Likely return", "Why"],
        "o in options",
        [
            "{{ o.title }}",
            "{{ o.status }}",
            "{{ o.cost|gbp if o.cost is not none else 'n/a' }}",
            "{{ o.likely_return }}",
            "{{ o.reason }}",
        ],
        widths=(32, 22, 20, 40, 56),
        right=(2,),
    )
    heading(doc, "6. Recommendation")
    para(doc, "{{ recommendation }}", bold=True)
    signature_table(
        doc, [("Prepared by", "{{ officer_name }}, {{ officer_position }}"), ("Panel decision", "")]
    )
    return doc


def panel_pack_cover() -> DocumentObject:
    doc = new_document(
        "Debt panel", "{{ council }} · OFFICIAL-SENSITIVE · Debt panel", "Debt panel {{ meeting|date_uk }}"
    )
    para(
        doc,
        "Meeting of {{ meeting|date_uk }} · {{ count }} cases · total outstanding {{ total|gbp }}",
        bold=True,
    )
    heading(doc, "Agenda")
    para(doc, "1. Apologies and declarations of interest")
    para(doc, "2. Actions from the last meeting")
    para(doc, "{%p for c in cases %}")
    para(doc, "{{ c.item }}. {{ c.case_ref }}: {{ c.debtor_name }} ({{ c.outstanding|gbp }})")
    para(doc, "{%p endfor %}")
    para(doc, "{%p for a in agenda %}")
    para(doc, "{{ a.item }}. {{ a.text }}")
    para(doc, "{%p endfor %}")
    para(doc, "{{ last_item }}. Any other business")
    heading(doc, "Index")
    loop_table(
        doc,
        ["Item", "Case", "Debtor", "Outstanding", "Recommendation", "Page"],
        "c in cases",
        [
            "{{ c.item }}",
            "{{ c.case_ref }}",
            "{{ c.debtor_name }}",
            "{{ c.outstanding|gbp }}",
            "{{ c.recommended }}",
            "{{ c.page }}",
        ],
        widths=(12, 35, 40, 25, 45, 13),
        right=(3, 5),
    )
    return doc


TEMPLATES: dict[str, Callable[[], DocumentObject]] = {
    "write_off_report.docx": write_off_report,
    "write_off_schedule.docx": write_off_schedule,
    "committee_write_off_report.docx": committee_write_off_report,
    "panel_briefing.docx": panel_briefing,
    "panel_pack_cover.docx": panel_pack_cover,
}


def build(out_dir: Path = OUT) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in TEMPLATES.items():
        buf = io.BytesIO()
        make().save(buf)
        path = out_dir / name
        path.write_bytes(normalise_zip(buf.getvalue()))
        written.append(path)
    return written


if __name__ == "__main__":
    for path in build():
        print(path.relative_to(ROOT))
