"""The agreement pages, downloads, /verify and the commands."""

from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from governance.agreements import verify
from governance.agreements.models import VersionState
from governance.extensions import db
from tests.agreements import factories
from tests.factories import sign_in

pytestmark = pytest.mark.usefixtures("quick_render")


@pytest.fixture
def agreement(world):
    return factories.agreement(world, parties=world.coops[:2])


@pytest.fixture
def issued(world):
    made = factories.agreement(world, parties=world.coops[:2])
    factories.sign_all(made, world)
    assert made.current.state == VersionState.ISSUED
    return made


def _client(app, person):
    """A client signed in as `person` (signing in again on one client keeps the first person)."""
    client = app.test_client()
    sign_in(client, person)
    return client


def _who(world, name):
    return {
        "party delegate": world.delegates[0],
        "party member": world.members[0],
        "other party's member": world.members[1],
        "non-party delegate": world.delegates[2],
        "steward": world.steward,
        "outsider": world.outsider,
    }[name]


def test_the_page_shows_who_has_signed_and_offers_a_delegate_the_form(client, agreement, world):
    sign_in(client, world.delegates[0])
    page = client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Not signed yet" in page and "Sign the agreement" in page
    assert agreement.current.terms_sha256 in page  # the consent text is shown in full
    assert world.coops[0].name in page and world.coops[1].name in page


def test_a_member_sees_no_sign_form_and_a_steward_sees_remind(app, client, agreement, world):
    sign_in(client, world.members[0])
    assert "Sign the agreement" not in client.get(f"/agreements/{agreement.id}").get_data(as_text=True)
    page = _client(app, world.steward).get(f"/agreements/{agreement.id}").get_data(as_text=True)
    assert "Remind the parties" in page and "Sign the agreement" not in page


def test_signing_on_the_page(client, agreement, world):
    client.environ_base["HTTP_USER_AGENT"] = (
        "Browser/9"  # the session is bound to the browser: sign in with it
    )
    sign_in(client, world.delegates[0])
    response = client.post(
        f"/agreements/{agreement.id}/versions/1/sign",
        data={"coop": str(world.coops[0].id), "typed_name": "Jo Thames", "consent": "y"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    [signature] = agreement.current.signatures
    assert (signature.typed_name, signature.user_agent, signature.ip_address) == (
        "Jo Thames",
        "Browser/9",
        "127.0.0.1",
    )


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"typed_name": "Jo Thames"}, 422, "Tick the box"),
        ({"typed_name": "", "consent": "y"}, 422, "Your full name is required"),
        ({"typed_name": "Jo", "consent": "y", "coop": "999999"}, 422, "Choose the co-op"),
        ({"typed_name": "Jo", "consent": "y", "coop": "abc"}, 422, "Choose the co-op"),
    ],
)
def test_a_refused_signature_says_why_and_keeps_what_was_typed(
    client, agreement, world, data, status, message
):
    sign_in(client, world.delegates[0])
    data = {"coop": str(world.coops[0].id), **data}
    response = client.post(f"/agreements/{agreement.id}/versions/1/sign", data=data)
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert message in page
    db.session.expire_all()
    assert agreement.current.signatures == []


def test_a_member_posting_the_sign_form_is_refused(client, agreement, world):
    sign_in(client, world.members[0])
    response = client.post(
        f"/agreements/{agreement.id}/versions/1/sign",
        data={"coop": str(world.coops[0].id), "typed_name": "M", "consent": "y"},
    )
    assert response.status_code in (403, 422)
    db.session.expire_all()
    assert agreement.current.signatures == []


@pytest.mark.parametrize(
    ("who", "final", "own_counterpart", "other_counterpart"),
    [
        ("party delegate", 200, 200, 404),
        ("party member", 200, 200, 404),
        ("other party's member", 200, 404, 200),
        ("non-party delegate", 404, 404, 404),
        ("steward", 404, 404, 404),
        ("outsider", 404, 404, 404),
    ],
)
def test_downloads_are_for_the_people_of_the_party_co_ops(
    client, issued, world, who, final, own_counterpart, other_counterpart
):
    sign_in(client, _who(world, who))
    base = f"/agreements/{issued.id}/versions/1"
    response = client.get(f"{base}/agreement.pdf")
    assert response.status_code == final
    if final == 200:
        assert response.data == issued.current.final_pdf and response.mimetype == "application/pdf"
    first, second = world.coops[0].id, world.coops[1].id
    assert client.get(f"{base}/counterparts/{first}.pdf").status_code == own_counterpart
    assert client.get(f"{base}/counterparts/{second}.pdf").status_code == other_counterpart
    assert client.get(f"/agreements/{issued.id}/versions/9/agreement.pdf").status_code == 404


def test_an_outsider_does_not_see_the_agreement_page(client, agreement, world):
    sign_in(client, world.outsider)
    assert client.get(f"/agreements/{agreement.id}").status_code == 404
    assert client.get("/agreements/2147483647").status_code == 404


def test_the_home_page_lists_what_to_sign_and_what_to_download(app, client, world):
    made = factories.agreement(world, parties=world.coops[:2])
    sign_in(client, world.delegates[0])
    assert "Sign “" in client.get("/").get_data(as_text=True)
    factories.sign_all(made, world)
    home = _client(app, world.members[0]).get("/").get_data(as_text=True)
    assert f"/agreements/{made.id}/versions/1/agreement.pdf" in home


def test_the_correct_form_starts_from_the_current_terms_and_makes_a_new_version(app, client, issued, world):
    sign_in(client, world.steward)
    form = client.get(f"/agreements/{issued.id}/correct").get_data(as_text=True)
    assert 'value="12"' in form and 'value="60"' in form
    refused = client.post(
        f"/agreements/{issued.id}/correct", data={"term_months": "0", "notice_days": "60", "note": "x"}
    )
    assert refused.status_code == 422 and "from 1 to" in refused.get_data(as_text=True)
    response = client.post(
        f"/agreements/{issued.id}/correct",
        data={"term_months": "24", "notice_days": "60", "note": "Two years"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert issued.current.number == 2 and issued.versions[0].state == VersionState.SUPERSEDED
    assert _client(app, world.delegates[0]).get(f"/agreements/{issued.id}/correct").status_code == 403


def test_the_verify_page_is_public_and_publishes_the_certificate(client, credentials):
    page = client.get("/verify")
    assert page.status_code == 200 and credentials.fingerprint in page.get_data(as_text=True)
    pem = client.get("/verify/certificate.pem")
    assert pem.status_code == 200 and pem.data == credentials.certificate_pem


def test_verifying_an_issued_file_on_the_page(client, issued):
    response = client.post("/verify", data={"file": (io.BytesIO(issued.current.final_pdf), "a.pdf")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Authentic: agreement" in page
    assert "This is the current version" in page and "still holds event" in page


@pytest.mark.parametrize(
    ("upload", "status", "message"),
    [
        (None, 400, "Choose the PDF file"),
        ((b"", "empty.pdf"), 400, "Choose the PDF file"),
        ((b"hello, world", "note.txt"), 422, "This is not a PDF file"),
        ((b"%PDF-1.7\n1 0 obj", "cut.pdf"), 422, "truncated"),
        ((b"%PDF-" + b"0" * (verify.MAX_BYTES + 10), "big.pdf"), 422, "larger than 10 MB"),
        ((b"%PDF-" + b"0" * (verify.MAX_BYTES + 100_000), "huge.pdf"), 413, "larger than 10 MB"),
    ],
)
def test_the_verify_page_refuses_bad_uploads_with_the_reason(ctx, client, upload, status, message):
    files = {} if upload is None else {"file": FileStorage(io.BytesIO(upload[0]), filename=upload[1])}
    # Encoded in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart(MultiDict(files))
    response = client.post("/verify", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_the_verify_page_is_rate_limited(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "VERIFY_LIMIT", "2 per minute")
    statuses = [
        client.post("/verify", data={}, environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]


def test_the_verify_command_exits_0_for_an_authentic_file_and_1_otherwise(app, issued, tmp_path):
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(issued.current.final_pdf)
    bad.write_bytes(issued.current.final_pdf.replace(b"%%EOF", b"%%EOX", 1))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["agreements", "verify", str(good)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"AUTHENTIC: agreement {issued.id}, version 1")
    result = runner.invoke(args=["agreements", "verify", str(bad)])
    assert result.exit_code == 1 and result.output.startswith("NOT AUTHENTIC: ")
    result = runner.invoke(args=["agreements", "verify", str(tmp_path / "missing.pdf")])
    assert result.exit_code == 1 and "cannot be read" in result.output


def test_export_writes_every_issued_file(app, issued, tmp_path):
    result = app.test_cli_runner().invoke(args=["agreements", "export", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    [written] = (tmp_path / "out").glob("*.pdf")
    assert (
        written.name == f"agreement-{issued.id}-v1.pdf" and written.read_bytes() == issued.current.final_pdf
    )
    assert "wrote 1 agreement" in result.output
