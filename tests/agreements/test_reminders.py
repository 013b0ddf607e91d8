"""Reminders to the parties that have not signed: every three days from the notifications task, each
once, and the steward's "Remind" button, which mails each waiting delegate exactly once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from governance.agreements import service
from governance.extensions import db
from governance.notifications import tasks
from tests.agreements import factories
from tests.factories import sign_in
from tests.governance.notifications.conftest import read_mails

pytestmark = pytest.mark.usefixtures("quick_render")


@pytest.fixture
def agreement(world):
    made = factories.agreement(world)
    version = made.current
    thames = world.delegates[0]
    service.sign_agreement(
        version,
        actor=thames,
        coop=world.coops[0],
        typed_name=thames.name,
        consent=True,
        ip_address="192.0.2.1",
    )
    db.session.commit()
    return made


def _to(outbox, subject_part):
    return sorted(m["To"] for m in read_mails(outbox) if subject_part in m["Subject"])


def test_parties_still_to_sign_are_reminded_every_three_days_each_reminder_once(
    client, agreement, world, outbox
):
    opened = agreement.current.created_at
    waiting = ["delegate@hudson-tech.example", "delegate@rio-software.example"]
    assert tasks.remind_agreements_unsigned(opened + timedelta(days=2, hours=23)) == 0
    assert tasks.remind_agreements_unsigned(opened + timedelta(days=3, minutes=1)) == 2
    db.session.commit()
    assert _to(outbox, "Still to sign") == waiting  # Thames Code has signed
    assert tasks.remind_agreements_unsigned(opened + timedelta(days=3, minutes=2)) == 0  # never twice
    assert tasks.remind_agreements_unsigned(opened + timedelta(days=5)) == 0
    db.session.commit()
    assert len(_to(outbox, "Still to sign")) == 2

    hudson = world.delegates[1]
    service.sign_agreement(
        agreement.current, actor=hudson, coop=world.coops[1], typed_name=hudson.name, consent=True
    )
    db.session.commit()
    assert tasks.remind_agreements_unsigned(opened + timedelta(days=6, minutes=1)) == 1  # only Río now
    db.session.commit()
    assert _to(outbox, "Still to sign") == [*waiting, "delegate@rio-software.example"]
    sign_in(client, world.delegates[2])
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Still to sign" in page and "Río Software has not yet signed version 1" in page


def test_the_stewards_remind_button_mails_each_waiting_delegate_once(client, agreement, world, outbox):
    sign_in(client, world.steward)
    response = client.post(f"/agreements/{agreement.id}/remind")
    assert response.status_code == 302
    db.session.commit()
    mails = read_mails(outbox)
    assert sorted(m["To"] for m in mails) == ["delegate@hudson-tech.example", "delegate@rio-software.example"]
    assert all("Please sign" in m["Subject"] for m in mails)  # one mail each: no notification besides
