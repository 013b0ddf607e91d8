"""A counterpart is in the language of the reader who downloads it (issue 13, item 1); the agreement for
signature and the issued agreement stay one file, in the instance's language, whoever's request made them."""

from __future__ import annotations

import io
import subprocess
from datetime import UTC, datetime

import pikepdf
import pytest

from governance import i18n
from governance.agreements import examples, render
from governance.extensions import db
from tests.agreements import factories
from tests.factories import sign_in


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "counterpart.pdf"
    path.write_bytes(pdf)
    found = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True
    )
    return " ".join(found.stdout.split())


@pytest.fixture
def spanish_reader(world):
    """Río Software's member, who reads Spanish (es_AR); Río Software is a party."""
    reader = world.members[2]
    reader.locale = "es_AR"
    db.session.commit()
    return reader


def test_a_counterpart_downloaded_by_a_spanish_reader_is_in_spanish(app, world, spanish_reader, tmp_path):
    agreement = factories.agreement(world, parties=world.coops[1:])
    version = agreement.current
    rio = world.coops[2]
    stored = next(c for c in version.counterparts if c.coop_id == rio.id)
    url = f"/agreements/{agreement.id}/versions/1/counterparts/{rio.id}.pdf"

    client = app.test_client()
    sign_in(client, spanish_reader)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].endswith('-counterpart-rio-software-es.pdf"')
    text = _text(response.data, tmp_path)
    assert "ACUERDO CONJUNTO DE COMPROMISOS" in text  # the kicker, in capitals by the print stylesheet
    assert "Página 1 de 2" in text and "Page 1 of" not in text
    assert "Ejemplar para Río Software" in text and "juntos constituyen un solo acuerdo" in text
    assert "1. Partes" in text and "3. Aportes" in text and "6. Firmas" in text
    assert "Argentina" in text and "Estados Unidos" in text  # countries named in Spanish
    assert "JOINT PLEDGE AGREEMENT" not in text and "Counterpart for" not in text
    with pikepdf.open(io.BytesIO(response.data)) as pdf:
        assert str(pdf.docinfo.get("/Title", "")).endswith("ejemplar para Río Software")
        assert "/JavaScript" not in pdf.Root.get("/Names", {}) and not pdf.is_encrypted
    # Each party and amount is there, as in the English one.
    english = _text(stored.pdf, tmp_path)
    assert "JOINT PLEDGE AGREEMENT" in english and "Counterpart for Río Software" in english
    for party in version.terms.parties:
        assert party.name in text

    # The English-speaking delegate of the same co-op downloads the stored counterpart, byte for byte.
    other = app.test_client()
    sign_in(other, world.delegates[2])
    assert other.get(url).data == stored.pdf


def test_the_stored_counterparts_are_in_the_instances_language_whoever_ran_the_task(app, world, tmp_path):
    """The drafts render in-process after the commit of whoever's request drew them (no Redis): under a
    Spanish request they are still written in the instance's language."""
    with app.test_request_context("/", headers={"Accept-Language": "es-AR"}):
        from flask import g

        g.pop("_flask_babel", None)  # the test's app context outlives requests: forget an earlier choice
        assert i18n.html_lang() == "es-AR"
        agreement = factories.agreement(world, parties=world.coops[:2])
    version = agreement.current
    assert "JOINT PLEDGE AGREEMENT" in _text(version.draft_pdf, tmp_path)
    assert "Counterpart for" in _text(version.counterparts[0].pdf, tmp_path)


def test_the_pdf_template_speaks_the_readers_language_and_locale(app):
    terms = examples.terms(3)
    party = terms.parties[0]
    document = render.Document(
        terms=terms,
        agreement_id=7,
        version=2,
        created_at=datetime(2026, 11, 21, 9, 30, tzinfo=UTC),
        counterpart=party,
    )
    with app.app_context(), i18n.speaking("es_AR"):
        html = render.html_of(document)
    assert '<html lang="es-AR">' in html
    assert f"Acuerdo 7 · versión 2 · ejemplar para {party.name}" in html
    assert "Este acuerdo rige durante 12 meses" in html
    assert "a partir del 1 de enero de 2027" in html  # dates written the Spanish way
    assert "antes del 30 de noviembre de 2026, 17:00 UTC" in html
    with app.app_context(), i18n.speaking("en_GB"):
        assert f"Agreement 7 · version 2 · counterpart for {party.name}" in render.html_of(document)


def test_the_agreement_page_and_verify_are_in_the_readers_language(app, world, spanish_reader, quick_render):
    agreement = factories.agreement(world, parties=world.coops[1:])
    client = app.test_client()
    sign_in(client, spanish_reader)
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Partes y firmas" in page and "Todavía sin firmar" in page
    assert "Descargar el ejemplar de Río Software (PDF)" in page and "Abierto a firmas" in page
    stranger = app.test_client()
    verify_page = stranger.get("/verify", headers={"Accept-Language": "es-AR,es;q=0.9"}).get_data(
        as_text=True
    )
    assert "Verificar un acuerdo" in verify_page and "El sello de esta instancia" in verify_page
    refused = stranger.post(
        "/verify",
        data={"file": (io.BytesIO(b"not a pdf at all"), "x.pdf")},
        headers={"Accept-Language": "es-AR"},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and "Este no es un archivo PDF." in refused.get_data(as_text=True)


def test_a_versions_note_is_printed_as_text_in_either_language(app, world, spanish_reader, quick_render):
    """The notes of versions are steward-typed data: shown escaped, and the drawn note in the reader's words."""
    from governance.agreements import service

    agreement = factories.agreement(world, parties=world.coops[1:])
    terms = service.correct_terms(
        agreement.current.terms, term_months=6, notice_days=30, withdrawal="", governance="By consent."
    )
    service.supersede(agreement, actor=world.steward, terms=terms, note="<b>Six</b> months to start.")
    db.session.commit()
    client = app.test_client()
    sign_in(client, spanish_reader)
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Versión 2: Abierto a firmas (&lt;b&gt;Six&lt;/b&gt; months to start.)" in page
    assert "<b>Six</b>" not in page
    assert "Versión 1: Reemplazado (Redactado a partir de la campaña confirmada.)" in page


def test_reminders_to_sign_reach_a_spanish_speaking_delegate_in_spanish(app, world, outbox, quick_render):
    """The task's reminder every three days and the steward's Remind button, each in the delegate's language."""
    from datetime import timedelta

    from governance.notifications import tasks
    from tests.governance.notifications.conftest import read_mails

    rio = world.delegates[2]
    rio.locale = "es_AR"
    agreement = factories.agreement(world, parties=world.coops[1:])
    opened = agreement.current.created_at
    assert tasks.remind_agreements_unsigned(opened + timedelta(days=3, minutes=1)) == 2
    db.session.commit()
    [task_mail] = [m for m in read_mails(outbox) if m["To"] == rio.email and "Falta firmar" in m["Subject"]]
    # .strip(): the standard library folds a long Subject onto a line of its own, read back with a space.
    assert task_mail["Subject"].strip() == f"[Roundtable] Falta firmar: {agreement.current.terms.title}"
    body = task_mail.get_body(("plain",)).get_content()
    assert "Río Software todavía no firmó la versión 1. Se abrió a firmas el " in body
    for old in outbox.glob("*.eml"):
        old.unlink()
    client = app.test_client()
    sign_in(client, world.steward)
    assert client.post(f"/agreements/{agreement.id}/remind").status_code == 302
    by_reader = {m["To"]: m for m in read_mails(outbox) if "sign" in m["Subject"] or "firma" in m["Subject"]}
    assert by_reader[rio.email]["Subject"].strip() == f"Por favor, firma: {agreement.current.terms.title}"
    assert "todavía no firmó el acuerdo conjunto de compromisos" in by_reader[rio.email].get_content()
    assert by_reader[world.delegates[1].email]["Subject"].strip().startswith("Please sign: ")
