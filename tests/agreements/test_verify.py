"""Verification of a file someone holds: authentic, or not with the reason."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from governance.agreements import render, seal, service, verify
from governance.extensions import db
from tests.agreements import factories

pytestmark = pytest.mark.usefixtures("quick_render")


@pytest.fixture
def issued(world):
    agreement = factories.agreement(world)
    factories.sign_all(agreement, world)
    version = agreement.current
    assert version.final_pdf, version.issue_error
    return version


def _verdict(content, credentials):
    return verify.verify(content, credentials)


def test_the_issued_file_is_authentic_and_current(issued, credentials):
    verdict = _verdict(issued.final_pdf, credentials)
    assert verdict.is_authentic and verdict.is_current and verdict.is_fully_confirmed
    assert verdict.agreement_id == issued.agreement_id and verdict.version == 1
    assert [s["coop"] for s in verdict.signatures] == [c.coop.name for c in issued.counterparts]
    assert "AUTHENTIC: agreement" in verdict.lines()[0]


def test_a_changed_byte_breaks_the_seal(issued, credentials):
    content = bytearray(issued.final_pdf)
    start = content.index(b"stream", len(content) // 4) + 20  # inside a stream: the file still parses
    content[start] ^= 0x01
    verdict = _verdict(bytes(content), credentials)
    assert not verdict.is_authentic
    assert "changed after it was sealed" in verdict.reason


def test_a_rewritten_agreement_json_is_not_authentic(issued, credentials):
    with pikepdf.open(io.BytesIO(issued.final_pdf)) as pdf:
        spec = pdf.attachments[render.JSON_NAME]
        forged = spec.get_file().read_bytes().replace(b'"seq":', b'"seq":1')
        pdf.attachments[render.JSON_NAME] = pikepdf.AttachedFileSpec(
            pdf, forged, mime_type="application/json"
        )
        out = io.BytesIO()
        pdf.save(out)
    verdict = _verdict(out.getvalue(), credentials)
    assert not verdict.is_authentic
    assert verdict.reason  # the seal's byte range no longer holds


def test_an_update_appended_after_the_seal_is_not_authentic(issued, credentials):
    writer = IncrementalPdfFileWriter(io.BytesIO(issued.final_pdf))
    info = writer.trailer["/Info"].get_object()
    info["/Title"] = generic.TextStringObject("Something else")
    writer.update_container(info)
    out = io.BytesIO()
    writer.write(out)
    verdict = _verdict(out.getvalue(), credentials)
    assert not verdict.is_authentic
    assert "added to the file after it was sealed" in verdict.reason


def test_an_unsealed_rendering_is_not_authentic(issued, credentials):
    unsealed = issued.final_pdf[: issued.final_pdf.index(b"%%EOF") + 6]  # the revision before the seal
    verdict = _verdict(unsealed, credentials)
    assert not verdict.is_authentic
    assert "no Roundtable seal" in verdict.reason


def test_a_file_sealed_with_another_key_is_not_authentic(issued, credentials, tmp_path):
    unsealed = issued.final_pdf[: issued.final_pdf.index(b"%%EOF") + 6]
    other = seal.seal(unsealed, seal.credentials(tmp_path / "other"))
    verdict = _verdict(other, credentials)
    assert not verdict.is_authentic
    assert "not made with this instance's key" in verdict.reason


def test_a_file_sealed_here_but_never_issued_is_unknown(issued, credentials):
    unsealed = issued.final_pdf[: issued.final_pdf.index(b"%%EOF") + 6]
    verdict = _verdict(seal.seal(unsealed, credentials), credentials)
    assert not verdict.is_authentic
    assert "no record of issuing this file" in verdict.reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not a PDF"),
        (b"GIF89a" + b"\0" * 100, "not a PDF"),
        (b"%PDF-1.7\n" + b"x" * 100, "truncated"),
        (b"%PDF-1.7\nnot really a pdf\n%%EOF\n", "damaged or truncated"),
        (b"%PDF-1.7\n" + b"\0" * verify.MAX_BYTES, "larger than 10 MB"),
    ],
)
def test_what_is_not_a_sealed_pdf_is_refused_with_its_reason(ctx, credentials, content, reason):
    verdict = _verdict(content, credentials)
    assert not verdict.is_authentic
    assert reason in verdict.reason


def test_a_truncated_issued_file_is_refused(issued, credentials):
    verdict = _verdict(issued.final_pdf[: len(issued.final_pdf) // 2], credentials)
    assert not verdict.is_authentic
    assert "truncated" in verdict.reason


def test_a_superseded_version_says_so(issued, world, credentials):
    agreement = issued.agreement
    terms = service.correct_terms(issued.terms, term_months=24, notice_days=90, withdrawal="", governance="")
    service.supersede(agreement, actor=world.steward, terms=terms, note="Two years, not one.")
    db.session.commit()
    verdict = _verdict(issued.final_pdf, credentials)
    assert verdict.is_authentic and not verdict.is_current
    assert verdict.superseded_by == 2
    assert any("SUPERSEDED by version 2" in line for line in verdict.lines())


def test_a_log_that_lost_the_head_is_reported(issued, credentials, monkeypatch):
    assert verify.log_holds(issued.audit_seq, issued.audit_hash)
    assert not verify.log_holds(issued.audit_seq, "0" * 64)
    monkeypatch.setattr(verify, "log_holds", lambda seq, hash_: False)
    verdict = _verdict(issued.final_pdf, credentials)
    assert verdict.is_authentic and not verdict.is_fully_confirmed
    assert any(line.startswith("WARNING: the audit log no longer holds") for line in verdict.lines())
