"""Filled forms drawn into their pages, for documents that go into a bundle.

A bundle is assembled page by page, and the form an official paper (N1, N225) or an upload carries
does not come with its pages: its widgets would be left on the pages with no form above them, and
Adobe Acrobat and other viewers that draw fields from the form show such boxes empty. A bundle is
read, not filled in, so each filled field's appearance (the value as the form filler drew it) is
drawn into the page's own content (qpdf's annotation flattening), and the form is removed. Other
annotations (links, notes) stay annotations. A field with nothing to show (hidden, or with no
appearance at all) is removed with the form.
"""

from __future__ import annotations

import io

import pikepdf


def _is_widget(annot: pikepdf.Object) -> bool:
    return isinstance(annot, pikepdf.Dictionary) and annot.get("/Subtype") == "/Widget"


def has_form_fields(pdf: pikepdf.Pdf) -> bool:
    return "/AcroForm" in pdf.Root or any(
        _is_widget(a) for page in pdf.pages for a in page.obj.get("/Annots", [])
    )


def flatten_forms(data: bytes, password: str | None = None) -> bytes | None:
    """``data`` with every form field drawn into its page and the form removed; None when the file
    has no form fields. An encrypted file is opened with ``password`` and comes back decrypted."""
    with pikepdf.open(io.BytesIO(data), password=password or "") as pdf:
        if not has_form_fields(pdf):
            return None
        form = pdf.Root.get("/AcroForm")
        if isinstance(form, pikepdf.Dictionary) and form.get("/NeedAppearances"):
            # the viewer was to draw the values: draw them now, as qpdf would for a viewer
            pdf.generate_appearance_streams()
        # only the widgets are flattened: the other annotations are set aside and put back after
        others: dict[int, list[pikepdf.Object]] = {}
        for n, page in enumerate(pdf.pages):
            annots = page.obj.get("/Annots")
            if annots is None:
                continue
            others[n] = [a for a in annots if not _is_widget(a)]
            page.obj[pikepdf.Name.Annots] = pikepdf.Array([a for a in annots if _is_widget(a)])
        pdf.flatten_annotations(mode="all")
        for n, page in enumerate(pdf.pages):
            # what qpdf did not draw (hidden, or no appearance) shows nothing: it goes with the form
            kept = others.get(n, [])
            if kept:
                page.obj[pikepdf.Name.Annots] = pikepdf.Array(kept)
            elif "/Annots" in page.obj:
                del page.obj[pikepdf.Name.Annots]
        if "/AcroForm" in pdf.Root:
            del pdf.Root[pikepdf.Name.AcroForm]
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()
