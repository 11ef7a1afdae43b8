"""The claim papers as printed: who signs and how the claimant is reached, the claim as one PDF,
numbering through a letter and its enclosures, and layout, read back with pypdf and, for layout, with
poppler's pdftotext; official-form ticks looked at in two renderers (poppler and MuPDF)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from docgen.config import Settings
from docgen.domain.case import Case, parse_case
from docgen.render.pipeline import render_document

DATA = Path(__file__).resolve().parents[1] / "data" / "cases" / "claims"
ISSUE = date(2025, 5, 16)


def load(name: str, edit: Any = None) -> Case:
    data = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    if edit is not None:
        edit(data)
    return parse_case(data, name)


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(environment="test")


def pypdf_pages(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def pdftotext_pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """Each page's text as poppler lays it out (a second PDF library, for layout checks)."""
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return out.stdout.split("\f")[:-1]


def fields(pdf: bytes) -> dict[str, str]:
    return {k: str(v.get("/V")) for k, v in (PdfReader(io.BytesIO(pdf)).get_fields() or {}).items()}


# -- who signs ------------------------------------------------------------------------------------


def test_unrepresented_council_official_n1(settings: Settings) -> None:
    r = render_document("n1", load("council-unrepresented"), ISSUE, settings=settings)
    assert r.engine == "official"
    v = fields(r.pdf)
    assert v["Check Box46"] == "/Yes"  # the claimant believes
    assert v["Check Box47"] == "/Yes" and v["Check Box49"] != "/Yes"  # signed as the claimant
    assert v["Text Field 46"] == "Jo Bright"
    assert v["Text Field 44"] == "Senior Recovery Officer"
    assert v["Text Field 45"] in ("None", "")  # no firm
    # the address for documents and every contact detail are the council's
    assert (v["Text Field 10"], v["Text Field 6"], v["Text Field 2"], v["Text Field 4"]) == (
        "County Hall",
        "01632 961234",
        "j.bright@testshire.example",
        "DX 12345 Testford",
    )
    assert v["Text Field 28"] == "County Court at Oxford"
    assert v["Text27"] == "0.00"  # no legal representative's costs
    # brief details mention interest, because interest is claimed
    assert "and interest" in v["Text23"]


def test_represented_council_official_n1(settings: Settings) -> None:
    r = render_document("n1", load("council-represented"), ISSUE, settings=settings)
    v = fields(r.pdf)
    assert v["Check Box49"] == "/Yes" and v["Check Box47"] != "/Yes"  # the legal representative
    assert (v["Text Field 46"], v["Text Field 44"], v["Text Field 45"]) == (
        "Dana Whitlock",
        "Solicitor",
        "Testshire Legal Services",
    )
    assert (
        v["Text Field 10"],
        v["Text Field 9"],
        v["Text Field 6"],
        v["Text Field 2"],
        v["Text Field 4"],
    ) == (
        "Legal Services",
        "County Hall, Shire Road",
        "01632 962000",
        "litigation@tls.example",
        "DX 999 Testford",
    )
    assert v["Text Field 3"] == "TLS/ASC/0310"
    # £1,261.62 claimed; fee £80; fixed costs on issue £80 (over £1,000 to £5,000): total £1,421.62
    assert (v["Text25"], v["Text26"], v["Text27"], v["Text28"]) == ("1,261.62", "80.00", "80.00", "1,421.62")


@pytest.mark.parametrize(("name", "struck"), [("council-unrepresented", 2), ("council-represented", 2)])
def test_the_official_n225_strikes_out_the_roles_that_do_not_apply(
    settings: Settings, name: str, struck: int
) -> None:
    r = render_document("n225", load(name), date(2025, 6, 5), settings=settings)
    assert r.engine == "official"
    v = fields(r.pdf)
    roles = {k: v[k] for k in v if k.startswith("Role of the person signing the form")}
    kept = "claimant's solicitor" if name == "council-represented" else "claimant"
    for field, value in roles.items():
        role = field.rsplit(" - ", 1)[1]
        assert (value.strip() in ("", "None")) == (role == kept), (field, value)
    assert sum(1 for value in roles.values() if value.strip() not in ("", "None")) == struck


def test_like_effect_papers_print_the_same_signer(settings: Settings, tmp_path: Path) -> None:
    for doc_type, on in (("particulars_of_claim", ISSUE), ("n215", date(2025, 6, 20))):
        represented = " ".join(
            pypdf_pages(render_document(doc_type, load("council-represented"), on, settings=settings).pdf)
        )
        assert "Dana Whitlock" in represented and "Solicitor" in represented
        assert "Testshire Legal Services" in represented and "Jo Bright" not in represented
        own = " ".join(
            pypdf_pages(render_document(doc_type, load("council-unrepresented"), on, settings=settings).pdf)
        )
        assert "Jo Bright" in own and "Senior Recovery Officer" in own and "Dana Whitlock" not in own
    n225 = render_document(
        "n225", load("council-represented"), date(2025, 6, 5), engine="html", settings=settings
    )
    text = " ".join(pypdf_pages(n225.pdf))
    # 20 days at £0.27 = £5.40; 1,261.62 + 5.40 + 80 + 80 + 22 fixed costs on judgment = 1,449.02
    assert "Amount payable by defendant £1,449.02" in text
    assert "(Claimant) (Claimant's solicitor) (Litigation friend)" in text  # the struck words remain legible


# -- the claim as one PDF -------------------------------------------------------------------------


def test_the_claim_is_one_pdf_of_the_n1_and_its_particulars(settings: Settings, tmp_path: Path) -> None:
    case = load("council-unrepresented")
    claim = render_document("claim", case, ISSUE, settings=settings)
    alone = render_document("particulars_of_claim", case, ISSUE, settings=settings)
    n1 = render_document("n1", case, ISSUE, settings=settings)
    pages = pypdf_pages(claim.pdf)
    assert len(pages) == len(PdfReader(io.BytesIO(n1.pdf)).pages) + len(
        PdfReader(io.BytesIO(alone.pdf)).pages
    )
    assert fields(claim.pdf)["Check Box43"] == "/Yes"  # particulars: attached
    assert "PARTICULARS OF CLAIM" in pages[5] and "Claim Form" in pages[0]
    # the official pages are counted, not marked; the particulars carry the numbers of the whole file
    total = len(pages)
    poppler = pdftotext_pages(claim.pdf, tmp_path)
    for n in range(6, total + 1):
        assert f"Page {n} of {total}" in poppler[n - 1]
    assert not any("Page 1 of" in p for p in poppler[:5])
    # the claim stays available on its own, and the particulars too, numbered on their own
    assert "Page 1 of" in pypdf_pages(alone.pdf)[0]
    # the same inputs give the same bytes
    assert render_document("claim", case, ISSUE, settings=settings).pdf == claim.pdf


def test_the_claim_is_refused_for_what_refuses_either_part(settings: Settings) -> None:
    from docgen.errors import Ineligible

    with pytest.raises(Ineligible) as err:
        render_document("claim", load("reply-period"), date(2025, 5, 1), settings=settings)
    assert {p.code for p in err.value.problems if p.blocking} == {"pap_period_running"}


def _checkboxes(pdf: bytes) -> list[tuple[int, str, list[float], bool, float]]:
    out = []
    for n, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        for ref in cast(ArrayObject, page.get("/Annots", ArrayObject())):
            annot = cast(DictionaryObject, ref.get_object())
            if annot.get("/FT") != "/Btn":
                continue
            rect = [float(x) for x in cast(ArrayObject, annot["/Rect"])]
            out.append(
                (
                    n,
                    str(annot["/T"]),
                    rect,
                    annot.get("/AS") not in (None, "/Off"),
                    float(page.mediabox.height),
                )
            )
    return out


def _render_pages(pdf: Path, tool: str, out: Path) -> dict[int, Path]:
    out.mkdir()
    if tool == "pdftoppm":
        subprocess.run(
            ["pdftoppm", "-png", "-r", "72", str(pdf), str(out / "p")], check=True, capture_output=True
        )
    else:
        subprocess.run(
            ["mutool", "draw", "-q", "-r", "72", "-o", str(out / "p-%d.png"), str(pdf)],
            check=True,
            capture_output=True,
        )
    return {int(p.stem.rsplit("-", 1)[1]): p for p in out.glob("p-*.png")}


def _ink(png: Path, rect: list[float], height: float) -> int:
    x0, y0, x1, y1 = rect
    box = (int(x0) + 2, int(height - y1) + 2, int(x1) - 2, int(height - y0) - 2)
    return sum(Image.open(png).convert("L").crop(box).histogram()[:110])


@pytest.mark.parametrize("tool", ["pdftoppm", "mutool"])
def test_the_ticks_of_the_claim_show_in_poppler_and_mupdf(
    settings: Settings, tmp_path: Path, tool: str
) -> None:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} is not installed (poppler-utils / mupdf-tools, scripts/setup.sh)")
    claim = render_document("claim", load("council-represented"), ISSUE, settings=settings).pdf
    (tmp_path / "claim.pdf").write_bytes(claim)
    images = _render_pages(tmp_path / "claim.pdf", tool, tmp_path / "pages")
    boxes = _checkboxes(claim)
    ticked = {name for _, name, _, on, _ in boxes if on}
    # no (vulnerability), no (human rights), attached, the claimant believes, legal representative
    assert ticked == {"Check Box40", "Check Box42", "Check Box43", "Check Box46", "Check Box49"}
    for page, name, rect, on, height in boxes:
        inked = _ink(images[page], rect, height)
        area = (rect[2] - rect[0] - 4) * (rect[3] - rect[1] - 4)
        if on:
            assert inked > 0.1 * area, f"{tool}: {name} on page {page} is ticked but shows no tick"


# -- numbering and layout -----------------------------------------------------------------------


def test_a_letter_and_its_enclosures_are_numbered_through(settings: Settings, tmp_path: Path) -> None:
    letter = render_document(
        "letter_before_claim", load("council-unrepresented"), date(2025, 4, 1), settings=settings
    )
    poppler = pdftotext_pages(letter.pdf, tmp_path)
    total = len(poppler)
    assert total >= 5
    for n, page in enumerate(poppler, start=1):
        marks = [line for line in page.splitlines() if "Page " in line and " of " in line]
        assert len(marks) == 1 and marks[0].rstrip().endswith(f"Page {n} of {total}"), (n, marks)


@pytest.mark.parametrize(
    ("doc_type", "name", "on", "options"),
    [
        ("letter_before_claim", "council-unrepresented", date(2025, 4, 1), {}),
        ("particulars_of_claim", "council-represented", ISSUE, {}),
        ("particulars_of_claim", "invoice-not-yet-due", date(2025, 5, 21), {}),
        ("n1", "council-represented", ISSUE, {}),
        ("n225", "council-represented", date(2025, 6, 5), {}),
        ("n215", "council-represented", date(2025, 6, 20), {}),
    ],
)
def test_no_page_opens_with_a_signature_block_or_total_alone_or_is_nearly_empty(
    settings: Settings, tmp_path: Path, doc_type: str, name: str, on: date, options: dict[str, str]
) -> None:
    pdf = render_document(doc_type, load(name), on, options=options, engine="html", settings=settings).pdf
    for n, page in enumerate(pdftotext_pages(pdf, tmp_path), start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip() and "Page " not in line]
        assert lines, f"{doc_type} page {n} is empty"
        assert not lines[0].startswith(
            ("Statement of truth", "Total", "Balance outstanding", "Yours sincerely")
        ), f"{doc_type} page {n} opens with {lines[0]!r}"
        assert len(lines) >= 6, f"{doc_type} page {n} holds only {lines}"


# -- figures in words ---------------------------------------------------------------------------


def test_particulars_show_each_period_and_the_breathing_space_left_out(settings: Settings) -> None:
    def part_paid_in_moratorium(data: dict) -> None:
        data["payments"] = [{"date": "2025-03-17", "amount": "234.56", "reference": "P1"}]
        data["debtors"][0]["breathing_space"] = {"start": "2025-04-01", "end": "2025-04-10"}

    text = " ".join(
        pypdf_pages(
            render_document(
                "particulars_of_claim",
                load("council-unrepresented", part_paid_in_moratorium),
                ISSUE,
                settings=settings,
            ).pdf
        )
    )
    # 5 Feb - 17 Mar: 40 days on £1,234.56 = 10.8235 -> £10.82
    # 17 Mar - 31 Mar: 14 days on £1,000.00 = 3.0685 -> £3.07   (moratorium 1 - 10 April left out)
    # 10 Apr - 16 May: 36 days on £1,000.00 = 7.8904 -> £7.89;  total £21.78
    for expected in (
        "05/02/2025 17/03/2025 40 £1,234.56 8% £10.82",
        "17/03/2025 31/03/2025 14 £1,000.00 8% £3.07",
        "10/04/2025 16/05/2025 36 £1,000.00 8% £7.89",
        "Total interest to 16 May 2025 £21.78",
        "leaving out the 10 days from 1 April 2025 to 10 April 2025, when the debt was protected by a "
        "Breathing Space moratorium",
    ):
        assert expected in text, expected


def test_the_facts_command_states_the_judgment_balance(tmp_path: Path) -> None:
    case = Path(__file__).resolve().parents[1] / "data" / "cases" / "judgment-with-property.json"
    out = subprocess.run(
        [sys.executable, "-m", "docgen", "facts", str(case), "--as-of", "2023-06-03"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    facts = json.loads(out.stdout)
    # £7,800 + £500 - £300 = £8,000; with £21.75 judgment interest on the instalments in arrears
    assert facts["outstanding"] == "8021.75"
    assert facts["interest"]["merged_in_judgment_on"] == "2022-10-03"
