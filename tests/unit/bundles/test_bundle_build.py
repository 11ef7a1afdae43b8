"""Bundles built from awkward real PDFs, read back page by page."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination

from docgen.bundles.builder import BuiltBundle, SourceFile, build_bundle
from docgen.bundles.layout import Manifest
from docgen.bundles.spec import BundleSpec, parse_spec
from docgen.config import PROJECT_ROOT
from docgen.pdf.inputs import InputLimits
from tests.fixtures.pdfs import broken_xref, image_bytes, make_pdf, stamps

LIMITS = InputLimits(max_bytes=10_000_000, max_pages=500)
TEMPLATES = PROJECT_ROOT / "templates"


def _item(name: str, day: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"source": {"file": name}, "date": day, "description": description, **extra}


def _spec(sections: list[dict[str, Any]], **options: Any) -> BundleSpec:
    return parse_spec(
        {
            "title": "Trial bundle",
            "case_ref": "K00NN123",
            "court": "County Court at Northampton",
            "parties": {"claimant": "Northshire Borough Council", "defendant": "Zoë Brontë"},
            "hearing": {"date": "2026-12-01", "type": "Small claims hearing"},
            "sections": sections,
            "options": options,
        }
    )


AWKWARD = {
    "claim.pdf": make_pdf(3, label="claim", outline=[("Particulars – £ owed", 1), ("Statement of truth", 2)]),
    "defence.pdf": make_pdf(2, label="defence", title="Défense"),
    "order.pdf": make_pdf(1, label="order", size=(842, 595)),
    "schedule.pdf": make_pdf(
        2, label="schedule", rotate=90, outline=[("Anhang — Übersicht", 0), ("Zeile 2", 1)], nested=True
    ),
    "secret.pdf": make_pdf(2, label="secret", password="s3cret"),
    "openable.pdf": make_pdf(1, label="openable", password=""),
    "broken.pdf": broken_xref(make_pdf(2, label="broken")),
    "photo.jpg": image_bytes("JPEG", (800, 600)),
    "scan.png": image_bytes("PNG", (300, 500)),
}


def _awkward_spec(**options: Any) -> BundleSpec:
    return _spec(
        [
            {
                "letter": "A",
                "title": "Statements of case",
                "items": [
                    _item("defence.pdf", "2025-03-01", "Defence"),
                    _item("claim.pdf", "2025-02-01", "Claim form N1"),
                ],
            },
            {
                "letter": "B",
                "title": "Orders",
                "items": [_item("order.pdf", "2025-04-01", "Order – directions")],
            },
            {
                "letter": "C",
                "title": "Evidence",
                "items": [
                    _item("schedule.pdf", "2025-01-05", "Schedule of arrears"),
                    _item("secret.pdf", "2025-01-06", "Bank statement", password="s3cret"),
                    _item("openable.pdf", "2025-01-07", "Owner-locked letter"),
                    _item("broken.pdf", "2025-01-08", "Recovered letter"),
                    _item("photo.jpg", "2025-01-09", "Photograph of notice"),
                    _item("scan.png", "2025-01-10", "Scanned envelope"),
                ],
            },
        ],
        **options,
    )


def _files(spec: BundleSpec, data: dict[str, bytes]) -> dict[str, SourceFile]:
    out = {}
    for section in spec.sections:
        for item in section.items:
            name = item.source.file
            assert name is not None
            out[item.source.key] = SourceFile(item.source.key, name, data[name])
    return out


def _build(
    spec: BundleSpec, data: dict[str, bytes], volume_pages: int = 300, previous: Manifest | None = None
) -> BuiltBundle:
    return build_bundle(
        spec,
        _files(spec, data),
        limits=LIMITS,
        volume_pages=volume_pages,
        templates_dir=TEMPLATES,
        previous=previous,
    )


@pytest.fixture(scope="module")
def awkward() -> tuple[BuiltBundle, PdfReader]:
    bundle = _build(_awkward_spec(), AWKWARD)
    return bundle, PdfReader(io.BytesIO(bundle.volumes[0].pdf))


def _page_index(reader: PdfReader, ref: Any) -> int:
    return reader.get_page_number(ref.get_object()) if hasattr(ref, "get_object") else int(ref)


def test_every_page_is_stamped_with_its_pdf_page_number(awkward: tuple[BuiltBundle, PdfReader]) -> None:
    _, reader = awkward
    assert len(reader.pages) == 1 + 3 + 2 + 1 + 2 + 2 + 1 + 2 + 1 + 1
    for i, page in enumerate(reader.pages):
        assert [text for text, _, _ in stamps(page)] == [str(i + 1)], f"page {i + 1}"
    assert reader.page_labels == [str(i + 1) for i in range(len(reader.pages))]


def test_documents_are_in_date_order_within_sections(awkward: tuple[BuiltBundle, PdfReader]) -> None:
    bundle, reader = awkward
    descriptions = [e.description for e in bundle.manifest.entries]
    assert descriptions[:2] == ["Claim form N1", "Defence"]
    for entry in bundle.manifest.entries:
        first = reader.pages[entry.first_page - 1].extract_text()
        label = Path(entry.key.removeprefix("file:")).stem
        if entry.key.endswith((".jpg", ".png")):
            assert "/XObject" in reader.pages[entry.first_page - 1]["/Resources"]
        else:
            assert f"{label} page 1" in first


def test_every_index_link_lands_on_its_entrys_first_page(awkward: tuple[BuiltBundle, PdfReader]) -> None:
    bundle, reader = awkward
    index_pages = bundle.manifest.index_pages
    targets: set[int] = set()
    for page in reader.pages[:index_pages]:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            if "/Dest" in annot and annot.get("/Contents") != "Back to the index":
                assert "/A" not in annot
                targets.add(reader.get_page_number(annot["/Dest"][0].get_object()))
    firsts = {e.first_page - 1 for e in bundle.manifest.entries}
    assert firsts <= targets  # every entry linked (section rows link to their first entry too)
    assert targets <= firsts
    text = reader.pages[0].extract_text()
    for entry in bundle.manifest.entries:
        assert entry.description in text
        pages = entry.first_label if entry.pages == 1 else f"{entry.first_label}–{entry.last_label}"
        assert pages in text


def test_every_page_links_back_to_the_index(awkward: tuple[BuiltBundle, PdfReader]) -> None:
    _, reader = awkward
    for page in reader.pages:
        backs = [
            a.get_object() for a in page["/Annots"] if a.get_object().get("/Contents") == "Back to the index"
        ]
        assert len(backs) == 1
        assert reader.get_page_number(backs[0]["/Dest"][0].get_object()) == 0


def _flatten(reader: PdfReader, items: list[Any], depth: int = 0) -> list[tuple[int, str, int]]:
    out: list[tuple[int, str, int]] = []
    for item in items:
        if isinstance(item, list):
            out.extend(_flatten(reader, item, depth + 1))
        else:
            assert isinstance(item, Destination)
            out.append((depth, str(item.title), reader.get_destination_page_number(item)))
    return out


def test_outline_has_sections_documents_and_their_own_bookmarks(
    awkward: tuple[BuiltBundle, PdfReader],
) -> None:
    bundle, reader = awkward
    outline = _flatten(reader, reader.outline)
    assert outline[0] == (0, "Index (p. 1)", 0)
    sections = [o for o in outline if o[0] == 0][1:]
    assert [t.split(".")[0] for _, t, _ in sections] == ["A", "B", "C"]
    documents = [o for o in outline if o[0] == 1]
    assert len(documents) == len(bundle.manifest.entries)
    for (_, title, target), entry in zip(documents, bundle.manifest.entries, strict=True):
        assert title.startswith(entry.description)
        assert f"p. {entry.first_label}" in title or f"pp. {entry.first_label}–" in title
        assert target == entry.first_page - 1
    claim = next(e for e in bundle.manifest.entries if e.key == "file:claim.pdf")
    schedule = next(e for e in bundle.manifest.entries if e.key == "file:schedule.pdf")
    own = [(d, t, p) for d, t, p in outline if d >= 2]
    assert (2, "Particulars – £ owed", claim.first_page) in own  # page index 1 of the claim
    assert (2, "Statement of truth", claim.first_page + 1) in own
    assert (2, "Anhang — Übersicht", schedule.first_page - 1) in own
    assert (3, "Zeile 2", schedule.first_page) in own  # nesting kept


def test_landscape_and_rotated_pages_keep_their_shape(awkward: tuple[BuiltBundle, PdfReader]) -> None:
    bundle, reader = awkward
    order = next(e for e in bundle.manifest.entries if e.key == "file:order.pdf")
    page = reader.pages[order.first_page - 1]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (842, 595)
    assert page.rotation == 0
    schedule = next(e for e in bundle.manifest.entries if e.key == "file:schedule.pdf")
    for i in range(schedule.first_page - 1, schedule.last_page):
        assert reader.pages[i].rotation == 90
    photo = next(e for e in bundle.manifest.entries if e.key == "file:photo.jpg")
    pp = reader.pages[photo.first_page - 1]
    assert float(pp.mediabox.width) > float(pp.mediabox.height)  # a landscape photo gets a landscape page


def test_opens_at_100_percent_with_bookmarks_and_metadata(awkward: tuple[BuiltBundle, PdfReader]) -> None:
    _, reader = awkward
    root = reader.trailer["/Root"]
    action = root["/OpenAction"]
    assert action[1] == "/XYZ" and float(action[4]) == 1.0
    assert reader.get_page_number(action[0].get_object()) == 0
    assert root["/PageMode"] == "/UseOutlines"
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "Trial bundle"
    assert "K00NN123" in (meta.subject or "") and "Zoë Brontë" in (meta.subject or "")
    assert "/CreationDate" not in meta and "/ModDate" not in meta
    assert len(reader.trailer["/ID"][0]) == 16


def test_same_inputs_give_identical_bytes(awkward: tuple[BuiltBundle, PdfReader]) -> None:
    bundle, _ = awkward
    again = _build(_awkward_spec(), AWKWARD)
    assert again.volumes[0].pdf == bundle.volumes[0].pdf
    changed = _build(_awkward_spec(), {**AWKWARD, "defence.pdf": make_pdf(2, label="amended defence")})
    assert changed.volumes[0].pdf != bundle.volumes[0].pdf


def test_section_numbering_matches_page_labels() -> None:
    bundle = _build(_awkward_spec(numbering="section"), AWKWARD)
    reader = PdfReader(io.BytesIO(bundle.volumes[0].pdf))
    labels = reader.page_labels
    assert labels[0] == "i"
    assert labels[1:4] == ["A1", "A2", "A3"]
    assert "B1" in labels and labels[-1] == "C9"
    for page, label in zip(reader.pages, labels, strict=True):
        assert [t for t, _, _ in stamps(page)] == [label]


def _many(count: int, pages: int) -> dict[str, bytes]:
    return {f"d{i:02d}.pdf": make_pdf(pages, label=f"d{i:02d}") for i in range(count)}


def _many_spec(names: list[str], **options: Any) -> BundleSpec:
    return _spec(
        [
            {
                "letter": "A",
                "title": "Evidence",
                "items": [
                    _item(n, str(dt.date(2025, 1, 1) + dt.timedelta(days=i)), f"Exhibit {n}")
                    for i, n in enumerate(names)
                ],
            }
        ],
        **options,
    )


def test_late_additions_go_at_the_end_and_keep_earlier_numbers() -> None:
    data = _many(4, 3)
    first = _build(_many_spec(sorted(data)[:3]), data)
    # GIVEN a new item dated earlier than everything already in the bundle
    names = sorted(data)
    items = [_item(n, f"2025-01-{i + 1:02d}", f"Exhibit {n}") for i, n in enumerate(names[:3])]
    items.append(_item(names[3], "2020-01-01", "Exhibit found late"))
    late_spec = _spec([{"letter": "A", "title": "Evidence", "items": items}])
    second = _build(late_spec, data, previous=first.manifest)
    old = PdfReader(io.BytesIO(first.volumes[0].pdf))
    new = PdfReader(io.BytesIO(second.volumes[0].pdf))
    # THEN it goes at the end, paginated on, and every earlier page keeps its number and content
    assert second.manifest.entries[:3] == first.manifest.entries
    added = second.manifest.entries[3]
    assert added.late and added.first_page == len(old.pages) + 1
    assert added.section == "B" and added.section_title == "Late additions"
    for i, page in enumerate(old.pages):
        if i >= first.manifest.index_pages:
            assert new.pages[i].extract_text() == page.extract_text()
    for i, page in enumerate(new.pages):
        assert [t for t, _, _ in stamps(page)] == [str(i + 1)]


def test_late_addition_refuses_a_changed_earlier_document() -> None:
    data = _many(3, 2)
    first = _build(_many_spec(sorted(data)[:2]), data)
    data["d00.pdf"] = make_pdf(2, label="replaced")
    from docgen.errors import InvalidInput

    with pytest.raises(InvalidInput, match=r"d00.pdf has changed"):
        _build(_many_spec(sorted(data)), data, previous=first.manifest)


def test_volumes_split_at_document_boundaries_each_with_its_own_index() -> None:
    data = _many(8, 9)
    bundle = _build(_many_spec(sorted(data), volume_pages=30), data)
    assert len(bundle.volumes) == 3
    seen = []
    for volume in bundle.volumes:
        reader = PdfReader(io.BytesIO(volume.pdf))
        assert len(reader.pages) <= 30
        assert f"Volume {volume.number} of 3" in reader.pages[0].extract_text()
        for i, page in enumerate(reader.pages):
            assert [t for t, _, _ in stamps(page)] == [str(i + 1)]
        mine = [e for e in bundle.manifest.entries if e.volume == volume.number]
        for entry in mine:
            assert f"d{entry.key[6:8]} page 1" in reader.pages[entry.first_page - 1].extract_text()
        seen.extend(e.key for e in mine)
    assert seen == [f"file:{n}" for n in sorted(data)]


def _index_link_targets(reader: PdfReader, index_pages: int) -> list[tuple[int, int]]:
    """(index page, target page) of every index link other than the back-to-index stamps."""
    found = []
    for number, page in enumerate(reader.pages[:index_pages]):
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            if annot.get("/Contents") != "Back to the index":
                found.append((number, reader.get_page_number(annot["/Dest"][0].get_object())))
    return found


def test_a_long_index_links_from_every_index_page() -> None:
    # GIVEN 90 one-page documents: the index runs over several pages
    data = {f"e{i:03d}.pdf": make_pdf(1, label=f"e{i:03d}") for i in range(90)}
    names = sorted(data)
    spec = _spec(
        [
            {
                "letter": "A",
                "title": "Evidence",
                "items": [
                    _item(n, f"2025-{1 + i // 28:02d}-{1 + i % 28:02d}", f"Exhibit {n}")
                    for i, n in enumerate(names)
                ],
            }
        ]
    )
    bundle = _build(spec, data)
    reader = PdfReader(io.BytesIO(bundle.volumes[0].pdf))
    index_pages = bundle.manifest.index_pages
    assert index_pages >= 3
    assert len(reader.pages) == index_pages + 90
    links = _index_link_targets(reader, index_pages)
    assert {page for page, _ in links} == set(range(index_pages))
    assert sorted({t for _, t in links}) == [e.first_page - 1 for e in bundle.manifest.entries]
    for entry in bundle.manifest.entries:
        assert f"{entry.key[5:9]} page 1" in reader.pages[entry.first_page - 1].extract_text()
    for i, page in enumerate(reader.pages):
        assert [t for t, _, _ in stamps(page)] == [str(i + 1)]


def test_section_numbers_carry_on_across_volumes() -> None:
    data = _many(6, 9)
    bundle = _build(_many_spec(sorted(data), numbering="section", volume_pages=25), data)
    assert len(bundle.volumes) == 3
    labels: list[str] = []
    for volume in bundle.volumes:
        reader = PdfReader(io.BytesIO(volume.pdf))
        assert reader.page_labels[0] == "i"
        for page, label in zip(reader.pages, reader.page_labels, strict=True):
            assert [t for t, _, _ in stamps(page)] == [label]
        labels.extend(label for label in reader.page_labels if label.startswith("A"))
    assert labels == [f"A{i}" for i in range(1, 6 * 9 + 1)]


def test_late_additions_too_many_for_the_index_get_a_supplementary_index() -> None:
    data = {f"f{i:03d}.pdf": make_pdf(1, label=f"f{i:03d}") for i in range(61)}
    names = sorted(data)
    first = _build(_many_spec(names[:10]), data)
    assert first.manifest.index_pages == 1
    # WHEN fifty more documents arrive, more than the one index page can list
    second = _build(_many_spec(names[:60]), data, previous=first.manifest)
    old = PdfReader(io.BytesIO(first.volumes[0].pdf))
    new = PdfReader(io.BytesIO(second.volumes[0].pdf))
    # THEN every earlier page keeps its number and content, the front index included
    assert second.manifest.index_pages == 1
    assert second.manifest.entries[:10] == first.manifest.entries
    for a, b in zip(old.pages, new.pages[:11], strict=True):
        assert a.extract_text() == b.extract_text()
    # AND a supplementary index opens the late section and links to each late document
    supplement = second.manifest.entries[10]
    assert supplement.key == "index:late-1" and supplement.first_page == 12
    assert "Index of late additions" in new.pages[11].extract_text()
    late = [e for e in second.manifest.entries if e.listed_in == supplement.key and e.key != supplement.key]
    assert len(late) == 50 and late[0].first_page == supplement.last_page + 1
    targets = {t for _, t in _supplement_links(new, supplement.first_page - 1, supplement.last_page)}
    assert targets == {e.first_page - 1 for e in late}
    for i, page in enumerate(new.pages):
        assert [t for t, _, _ in stamps(page)] == [str(i + 1)]
    outline = [str(o.title) for o in new.outline if not isinstance(o, list)]
    assert any(t.startswith("B. Late additions") for t in outline)
    # WHEN one more arrives later, it fits the front index again, and the supplement is rebuilt unchanged
    third = _build(_many_spec(names), data, previous=second.manifest)
    again = PdfReader(io.BytesIO(third.volumes[0].pdf))
    assert third.manifest.entries[:60] == second.manifest.entries[:60]
    for a, b in zip(new.pages[1:], again.pages[1 : len(new.pages)], strict=True):
        assert a.extract_text() == b.extract_text()
    assert third.manifest.entries[-1].listed_in == ""
    assert "f060" in again.pages[0].extract_text()


def _supplement_links(reader: PdfReader, start: int, stop: int) -> list[tuple[int, int]]:
    found = []
    for number in range(start, stop):
        for ref in reader.pages[number].get("/Annots", []):
            annot = ref.get_object()
            if annot.get("/Contents") != "Back to the index":
                found.append((number, reader.get_page_number(annot["/Dest"][0].get_object())))
    return found
