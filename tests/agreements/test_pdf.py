"""The PDFs themselves, opened with pikepdf, pyHanko, qpdf and poppler (veraPDF is not available here).

The PDF/A-3 rules checked are veraPDF's (validation profiles wiki, "PDFA Parts 2 and 3 rules"):
- rule 6.8-1: "The /EmbeddedFile dictionary should specify the MIME type in its /Subtype entry";
- rule 6.8-3: the /AFRelationship key must be in the /Filespec dictionary (values "Source, Data,
  Alternative, Supplement, EncryptedPayload, FormData, Schema or Unspecified");
- rule 6.8-4: the /Filespec must be associated with the document or a part of it (the catalog's /AF);
- rule 6.3.2-1: an annotation has an /F value "unless their Rect key value 1 equal to value 3 and value 2
  equal to value 4" (the seal's invisible widget is such a zero-size annotation).
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
from dataclasses import replace
from datetime import UTC, datetime

import pikepdf
import pytest
from PIL import Image
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from governance.agreements import examples, render, seal
from governance.agreements.terms import canonical_json
from proposals.money import format_iso as format_money

ISSUED_AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
CREATED_AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


def _issued(terms) -> render.Document:
    data = canonical_json(
        {"format": "test", "terms": terms.to_dict(), "audit_head": {"seq": 41, "hash": "a" * 64}}
    )
    signatures = [
        {
            "coop_id": p.coop_id,
            "coop": p.name,
            "signer": f"Signer {i}",
            "account": "x",
            "signed_at": ISSUED_AT.isoformat(),
            "consent": "c",
        }
        for i, p in enumerate(terms.parties)
    ]
    issue = render.Issue(
        data_json=data,
        data_sha256=hashlib.sha256(data).hexdigest(),
        signatures=signatures,
        audit_head={"seq": 41, "hash": "a" * 64},
        verify_url="https://roundtable.example/verify",
        issued_at=ISSUED_AT,
        certificate_sha256="c" * 64,
    )
    return render.Document(terms=terms, agreement_id=12, version=2, created_at=ISSUED_AT, issue=issue)


@pytest.fixture(scope="module")
def terms():
    return examples.terms(4)


@pytest.fixture(scope="module")
def issued(terms):
    return _issued(terms)


@pytest.fixture(scope="module")
def sealed(issued, tmp_path_factory) -> tuple[bytes, seal.Credentials]:
    found = seal.credentials(tmp_path_factory.mktemp("pdf-seal"))
    return seal.seal(render.render(issued), found), found


@pytest.fixture(scope="module")
def sealed_file(sealed, tmp_path_factory):
    path = tmp_path_factory.mktemp("pdf") / "issued.pdf"
    path.write_bytes(sealed[0])
    return path


def _text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout


def test_agreement_json_is_an_associated_file_with_relationship_data_and_a_mime_type(sealed, issued):
    with pikepdf.open(io.BytesIO(sealed[0])) as pdf:
        attached = pdf.attachments[render.JSON_NAME]
        assert attached.obj.AFRelationship == pikepdf.Name.Data
        assert attached.get_file().mime_type == "application/json"
        assert attached.obj.objgen in [f.objgen for f in pdf.Root.AF]  # associated with the document
        assert attached.get_file().read_bytes() == issued.issue.data_json


def test_xmp_declares_pdf_a_3_level_a_and_the_file_is_tagged(sealed):
    with pikepdf.open(io.BytesIO(sealed[0])) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3"
        assert meta["pdfaid:conformance"] == "A"
        assert pdf.Root.MarkInfo.Marked is True and "/StructTreeRoot" in pdf.Root
        assert pdf.Root.OutputIntents[0].S == pikepdf.Name.GTS_PDFA1
        # PDF/A wants the Info dictionary and the XMP to agree, after the seal's update too.
        assert str(pdf.docinfo.Producer) == meta["pdf:Producer"]
        assert pdf.Root.get("/Version") is None  # still PDF 1.7, the base of PDF/A-3


def test_creation_date_is_the_issue_time_not_the_render_time(sealed):
    with pikepdf.open(io.BytesIO(sealed[0])) as pdf:
        assert str(pdf.docinfo.CreationDate).startswith("D:20261130120000")
        assert pdf.open_metadata()["xmp:CreateDate"].startswith("2026-11-30T12:00:00")


def test_every_font_is_embedded(sealed):
    with pikepdf.open(io.BytesIO(sealed[0])) as pdf:
        fonts = [f for page in pdf.pages for f in page.Resources.Font.values()]
        assert fonts
        for font in fonts:
            descriptor = (
                font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font else font.FontDescriptor
            )
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont
            assert "Agreement" in str(font.BaseFont)  # our shipped family, not a system font


def test_no_javascript_and_no_encryption(sealed):
    with pikepdf.open(io.BytesIO(sealed[0])) as pdf:
        assert not pdf.is_encrypted
        assert "/JavaScript" not in pdf.Root.get("/Names", {})
        assert "/OpenAction" not in pdf.Root and "/AA" not in pdf.Root
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary):
                assert obj.get("/S") != pikepdf.Name.JavaScript and "/JS" not in obj


def test_the_seal_validates_and_covers_the_whole_file(sealed):
    content, found = sealed
    [signature] = PdfFileReader(io.BytesIO(content)).embedded_signatures
    assert signature.field_name == seal.FIELD_NAME
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=[found.certificate]))
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    with pikepdf.open(io.BytesIO(content)) as pdf:
        [widget] = [a for page in pdf.pages for a in page.get("/Annots", [])]
        assert [float(x) for x in widget.Rect] == [0, 0, 0, 0]  # invisible: no /F flags required


def test_the_seal_is_an_incremental_update_over_the_unchanged_render(issued, sealed):
    rendered = render.render(issued)
    # Rendering is deterministic for fixed dates except the document ID, so compare the structure:
    content = sealed[0]
    assert content.count(b"%%EOF") == rendered.count(b"%%EOF") + 1
    with pikepdf.open(io.BytesIO(rendered)) as before, pikepdf.open(io.BytesIO(content)) as after:
        assert len(before.pages) == len(after.pages)


def test_qpdf_check_passes(sealed_file):
    result = subprocess.run(["qpdf", "--check", str(sealed_file)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


def test_no_page_is_blank(sealed_file, tmp_path):
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(sealed_file), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    for page in pages:
        with Image.open(page) as image:
            grey = image.convert("L")
            dark = sum(grey.histogram()[:200])  # pixels darker than light grey
        assert dark > 200, f"{page.name} looks blank ({dark} dark pixels)"


def test_the_text_names_every_party_and_every_amount_and_the_printed_hash_is_the_json_s(
    sealed_file, terms, issued
):
    text = _text(sealed_file)
    flat = " ".join(text.split())
    for party in terms.parties:
        assert party.name in flat
        c = party.contribution
        assert format_money(c.money_minor, c.currency) in flat
        assert format_money(c.base_minor, c.base_currency) in flat
    assert format_money(terms.totals.base_minor, "GBP") in flat
    with pikepdf.open(sealed_file) as pdf:
        embedded = pdf.attachments[render.JSON_NAME].get_file().read_bytes()
    assert hashlib.sha256(embedded).hexdigest() in text.replace(" ", "")
    assert "Page 1 of" in flat and "Agreement 12 · version 2" in flat


def test_a_counterpart_names_its_party_and_embeds_nothing(terms):
    party = terms.parties[1]
    doc = render.Document(terms=terms, agreement_id=3, version=1, created_at=CREATED_AT, counterpart=party)
    pdf = render.render(doc)
    with pikepdf.open(io.BytesIO(pdf)) as opened:
        assert len(opened.attachments) == 0
        assert opened.open_metadata()["pdfaid:part"] == "3"
    assert f"counterpart for {party.name}" in render.html_of(doc)


def test_the_fetcher_serves_static_files_and_refuses_file_urls_outside_urls_and_escapes():
    fetcher = render.StaticFetcher()
    assert fetcher.fetch(render.STATIC_BASE + "fonts/DejaVuSans.ttf").read(4) == b"\x00\x01\x00\x00"
    for url in [
        "file:///etc/passwd",
        "http://example.org/logo.png",
        "https://example.org/agreements/print.css",
        render.STATIC_BASE + "../pyproject.toml",
        render.STATIC_BASE + "%2e%2e/pyproject.toml",
        render.STATIC_BASE + "fonts/missing.ttf",
        "data:text/css,body{}",
    ]:
        with pytest.raises(render.RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7


def test_a_rendering_that_asks_for_outside_resources_gets_none_of_them(terms):
    fetcher = render.StaticFetcher()
    hostile = replace(
        terms,
        governance="![x](file:///etc/passwd) ![y](http://127.0.0.1:9/x.png) [z](https://example.org)",
    )
    pdf = render.render(
        render.Document(terms=hostile, agreement_id=1, version=1, created_at=CREATED_AT), fetcher=fetcher
    )
    assert pdf.startswith(b"%PDF-")
    assert not any(url.startswith(render.STATIC_BASE) for url in fetcher.refused)
    assert b"root:x:0:0" not in pdf


def test_qr_code_is_inline_svg_of_the_verify_address():
    svg = str(render.qr_svg("https://roundtable.example/verify"))
    assert svg.startswith("<svg") and "<image" not in svg and "href" not in svg


def test_the_issued_data_round_trip(terms):
    again = type(terms).from_dict(json.loads(canonical_json(terms.to_dict())))
    assert again == terms
    assert again.sha256() == terms.sha256()
