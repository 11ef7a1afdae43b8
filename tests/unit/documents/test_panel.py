"""Debt-panel briefing and pack: chart, options, figures, bookmarks, e-mail delivery."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import Destination

from docgen.config import Settings
from docgen.delivery import Attachment, DeliveryFailed, send_mail
from docgen.documents import registry
from docgen.documents.base import DocumentRequest
from docgen.documents.batch import BatchEntry, BatchRequest, get_batch
from docgen.documents.charts import ageing_chart
from docgen.documents.panel import assess_options
from docgen.domain.balance import compute_balance
from docgen.domain.case import Case
from docgen.domain.fees import enforcement_fee, insolvency_figure
from docgen.domain.money import fmt_gbp
from docgen.errors import InvalidInput
from docgen.pdf.pdfa import check_pdfa
from docgen.register.versions import Made
from docgen.render.base import PdfMeta
from docgen.render.docx import DocxEngine
from docgen.services.papers import batch_finish, batch_input_hash, render_batch
from tests.fixtures.enforcement_cases import SampleCase
from tests.fixtures.libreoffice import Inbox
from tests.unit.documents.test_writeoff import AS_OF, make_case, pdf_text

MEETING = date(2025, 7, 10)


def render_pack(cases: list[Case], engine: DocxEngine, pdfa: bool = False) -> Made:
    """The pack through the one batch path, without the register."""
    pack = get_batch("panel_pack")
    req = BatchRequest.make([BatchEntry(c) for c in cases], AS_OF, {"meeting": MEETING.isoformat()}, "docx")
    pack.check_request(req)
    return render_batch(pack, req, engine, pdfa=pdfa)


def page_starts(made: Made) -> dict[str, int]:
    return {ref: int(page) for ref, page in (p.split(":") for p in made.options["page_starts"].split(","))}


def employed_case(ref: str = "PAN-01") -> Case:
    return make_case(
        ref,
        [("2024-01-10", "1200.00", "0.00"), ("2025-06-20", "300.00", "60.00")],
        debtor={
            "kind": "individual",
            "title": "Ms",
            "given_names": "Jo",
            "family_name": "Bloggs",
            "address": {"lines": ["2 Low Road"], "town": "Exton", "postcode": "EX2 3CC"},
            "employment": {"status": "employed", "employer": {"name": "Acme Widgets Ltd"}},
            "vulnerability": {"flags": [], "notes": ""},
        },
        recovery_history=[
            {"date": "2024-02-01", "action": "reminder", "note": ""},
            {"date": "2024-05-01", "action": "payment_plan", "note": "£50 a month"},
            {"date": "2024-08-01", "action": "broken_plan", "note": "two missed"},
        ],
        notes="Works full time.",
    )


def test_ageing_chart_is_drawn_from_the_data() -> None:
    chart = ageing_chart(
        {"1-30 days": Decimal("100.00"), "2-6 years": Decimal("300.00"), "over 6 years": Decimal("0.00")}
    )
    bars = {b.label: b.length for b in chart.bars}
    assert bars["2-6 years"] == 3 * bars["1-30 days"] == 330 and bars["over 6 years"] == 0
    svg = chart.svg
    assert svg.startswith("<svg") and "£300.00" in svg and svg.count("<rect") == 3
    image = Image.open(io.BytesIO(chart.png))
    assert image.format == "PNG" and image.width == 1200
    assert (
        chart.png
        == ageing_chart(
            {"1-30 days": Decimal("100.00"), "2-6 years": Decimal("300.00"), "over 6 years": Decimal("0.00")}
        ).png
    )


def test_options_carry_costs_from_the_fee_tables() -> None:
    case = employed_case()
    options = {o.key: o for o in assess_options(DocumentRequest.make(case, AS_OF))}
    assert list(options) == [
        "payment_plan",
        "county_court_claim",
        "statutory_demand",
        "charging_order",
        "attachment_of_earnings",
        "bankruptcy",
        "write_off",
    ]
    # £1,200 + £360 = £1,560 owed: the issue fee band £1,500.01 to £3,000 is £115, and the council
    # acts through its own officer, so no fixed costs; no letter before claim is recorded
    claim = options["county_court_claim"]
    assert claim.cost == Decimal("115.00") and claim.status == "no"
    assert "judgment for £1,560.00" in claim.likely_return
    # a statutory demand for £1,560 is under the £5,000 bankruptcy level
    demand = options["statutory_demand"]
    assert demand.status == "no" and "below the bankruptcy level of £5,000.00" in demand.reason
    for option in options.values():
        assert "--option" not in option.reason and "options." not in option.reason
    assert options["charging_order"].cost == enforcement_fee("charging_order", AS_OF)
    assert options["attachment_of_earnings"].cost == enforcement_fee("attachment_of_earnings", AS_OF)
    assert options["bankruptcy"].cost == (
        insolvency_figure("bankruptcy_deposit", AS_OF) + insolvency_figure("bankruptcy_petition_fee", AS_OF)
    )
    assert "broken" in options["payment_plan"].reason
    assert "Acme Widgets Ltd" in options["attachment_of_earnings"].likely_return
    assert options["write_off"].status == "yes"
    for option in options.values():
        assert option.status in {"yes", "no", "not assessed"}
    known = {t.id for t in registry.all_types()}
    if "n379" not in known:
        assert options["charging_order"].status == "not assessed"
    else:
        # no judgment and no property: the charging-order rules must refuse it
        assert options["charging_order"].status == "no"


@pytest.mark.libreoffice
def test_briefing_pdf_shows_the_calculated_figures_and_the_chart(docx_engine: DocxEngine) -> None:
    case = employed_case()
    dt = registry.get("panel_briefing")
    context = dt.context_of(case, AS_OF, {})
    out = docx_engine.render(
        dt.templates["docx"], context, PdfMeta(title="b", document_id="ef" * 16, created=AS_OF)
    )
    text = " ".join(pdf_text(out.pdf).split())
    balance = compute_balance(case, AS_OF)
    assert f"Outstanding on 30 June 2025: {fmt_gbp(balance.outstanding)}" in text
    assert "Payment plan broken" in text and "two missed" in text
    assert (
        "Attachment of earnings" in text and fmt_gbp(enforcement_fee("attachment_of_earnings", AS_OF)) in text
    )
    assert "6. Recommendation" in text
    reader = PdfReader(io.BytesIO(out.pdf))
    images = [img for page in reader.pages for img in page.images]
    assert images, "the ageing chart is embedded as an image"
    import zipfile

    with zipfile.ZipFile(io.BytesIO(out.attachments["docx"])) as zf:
        assert any(name.startswith("word/media/") and name.endswith(".png") for name in zf.namelist())


@pytest.mark.libreoffice
def test_pack_has_cover_index_and_a_bookmark_per_case(docx_engine: DocxEngine) -> None:
    cases = [employed_case("PAN-01"), make_case("PAN-02", [("2019-04-01", "800.00", "0.00")])]
    pack = render_pack(cases, docx_engine)
    reader = PdfReader(io.BytesIO(pack.pdf))
    marks = [item for item in reader.outline if isinstance(item, Destination)]
    outline = [str(item.title) for item in marks]
    assert outline[0] == "Cover, agenda and index"
    assert outline[1].startswith("3. PAN-01") and outline[2].startswith("4. PAN-02")
    cover = reader.pages[0].extract_text()
    assert "Meeting of 10 July 2025" in cover and "5. Any other business" in cover
    for case in cases:
        start = page_starts(pack)[case.case_ref]
        assert reader.get_destination_page_number(marks[1 + cases.index(case)]) == start - 1
        assert case.case_ref in reader.pages[start - 1].extract_text()
    total = sum((compute_balance(c, AS_OF).outstanding for c in cases), Decimal(0))
    assert fmt_gbp(total) in cover
    again = render_pack(cases, docx_engine)
    assert again.pdf == pack.pdf


@pytest.mark.libreoffice
def test_a_pack_is_archival_like_any_paper_when_pdfa_is_on(docx_engine: DocxEngine) -> None:
    cases = [employed_case("PAN-01"), make_case("PAN-02", [("2019-04-01", "800.00", "0.00")])]
    pack = render_pack(cases, docx_engine, pdfa=True)
    report = check_pdfa(pack.pdf)
    assert report.problems == [] and (report.part, report.conformance) == (2, "B")
    reader = PdfReader(io.BytesIO(pack.pdf))
    assert str(reader.outline[0].title) == "Cover, agenda and index"  # bookmarks kept
    assert "Meeting of 10 July 2025" in reader.pages[0].extract_text()
    with pikepdf.open(io.BytesIO(pack.pdf)) as doc:
        assert dict(doc.attachments) == {}  # no case's full record rides along in an e-mailed pack
        assert str(doc.open_metadata()["dc:title"]) == pack.title
    # the archival profile is an input: a plain pack stored before is not taken for this one
    batch = get_batch("panel_pack")
    req = BatchRequest.make([BatchEntry(c) for c in cases], AS_OF, {"meeting": MEETING.isoformat()}, "docx")
    plain = batch_input_hash(batch, req, pack.template_hash)
    assert pack.input_hash == batch_input_hash(batch, req, pack.template_hash, batch_finish(Settings()))
    assert pack.input_hash != plain


def test_pack_refuses_duplicates_and_empty_lists(docx_engine: DocxEngine) -> None:
    with pytest.raises(InvalidInput):
        render_pack([], docx_engine)
    case = employed_case()
    with pytest.raises(InvalidInput):
        render_pack([case, case], docx_engine)


def test_pack_is_delivered_by_email(smtp_server: tuple[str, int, Inbox], tmp_path: Path) -> None:
    host, port, inbox = smtp_server
    settings = Settings(
        environment="test",
        data_dir=tmp_path,
        smtp_host=host,
        smtp_port=port,
        smtp_sender="debt.panel@example.gov.uk",
    )
    pdf = b"%PDF-1.7\n% a pack\n%%EOF\n"
    message_id = send_mail(
        settings,
        ["head.of.income@example.gov.uk", "s151@example.gov.uk"],
        "Debt panel 10 July 2025",
        "The pack is attached.",
        [Attachment("debt-panel-2025-07-10.pdf", pdf)],
    )
    received = inbox.last()
    assert inbox.messages[-1]["to"] == ["head.of.income@example.gov.uk", "s151@example.gov.uk"]
    assert received["Subject"] == "Debt panel 10 July 2025" and received["Message-ID"] == message_id
    parts = [p for p in received.walk() if p.get_filename()]
    assert [p.get_filename() for p in parts] == ["debt-panel-2025-07-10.pdf"]
    assert parts[0].get_content_type() == "application/pdf"
    assert parts[0].get_payload(decode=True) == pdf


def test_mail_errors_are_clear(tmp_path: Path) -> None:
    settings = Settings(environment="test", data_dir=tmp_path, smtp_host="127.0.0.1", smtp_port=1)
    with pytest.raises(DeliveryFailed, match=r"127\.0\.0\.1:1"):
        send_mail(settings, ["a@example.gov.uk"], "s", "b")
    with pytest.raises(InvalidInput):
        send_mail(settings, ["not an address"], "s", "b")


def test_the_recommendation_is_written_for_the_panel_not_from_raw_rule_messages(
    sample_case: SampleCase, council_settings: Settings
) -> None:
    """A judgment debtor with property whose co-owner and mortgagee addresses are not recorded: the
    charging order is refused with what to record; the suggestion is worded for managers, with its
    cost and likely return, and no rule's message or command-line syntax."""
    case = sample_case("judgment-with-property")
    dt = registry.get("panel_briefing")
    ctx = dt.context(dt.request(case, AS_OF, {}, settings=council_settings))
    by_key = {o["key"]: o for o in ctx["options"]}
    assert by_key["charging_order"]["status"] == "no"
    assert by_key["charging_order"]["reason"].startswith("Record the co-owner's address")
    assert by_key["county_court_claim"]["status"] == "no"  # judgment already entered
    assert by_key["county_court_claim"]["likely_return"] == "judgment already entered"
    words = ctx["recommendation"]
    assert words.startswith(by_key[_pick_key(ctx)]["title"] + ".")
    assert "the likely return is" in words and "officer confirms or replaces" in words
    for text in [words, *(o["reason"] for o in ctx["options"])]:
        assert "--option" not in text and "options." not in text and "_" not in text


def _pick_key(ctx: dict) -> str:
    return next(o["key"] for o in ctx["options"] if ctx["recommendation"].startswith(o["title"] + "."))
