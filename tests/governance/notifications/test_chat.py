"""A network's chat through Apprise, posting to a local HTTP receiver with json://."""

from datetime import timedelta

import pytest

from governance.errors import InvalidInput, NotAllowed
from governance.extensions import db
from governance.notifications import chat
from governance.notifications.models import ChatConnection, ChatDelivery, ChatStatus
from governance.types import utcnow
from tests.factories import sign_in
from tests.voting.factories import open_vote


def test_a_url_apprise_cannot_read_is_refused_and_nothing_is_stored(world):
    with pytest.raises(InvalidInput, match="Apprise cannot read"):
        chat.connect(world.network, actor=world.admin, url="not a chat at all")
    assert db.session.query(ChatConnection).count() == 0


def test_only_the_networks_admin_connects_its_chat(world, receiver):
    with pytest.raises(NotAllowed):
        chat.connect(world.network, actor=world.steward, url=receiver.url)


def test_the_url_is_stored_encrypted_and_never_shown_again(client, world, receiver):
    sign_in(client, world.admin)
    response = client.post(
        f"/notifications/chat/{world.network.slug}", data={"url": receiver.url, "label": "#coops"}
    )
    assert response.status_code == 302
    [connection] = db.session.query(ChatConnection).all()
    assert "secret-token-123" not in connection.url_encrypted
    assert chat.decrypt(connection.url_encrypted) == receiver.url
    page = client.get(f"/notifications/chat/{world.network.slug}").get_data(as_text=True)
    assert "secret-token-123" not in page and "json://127.0.0.1:" in page


def test_send_a_test_message_posts_to_the_chat(client, world, receiver):
    connection = chat.connect(world.network, actor=world.admin, url=receiver.url)
    db.session.commit()
    sign_in(client, world.admin)
    response = client.post(f"/notifications/chat/{world.network.slug}/{connection.id}/test")
    assert response.status_code == 302
    [message] = receiver.messages
    assert message["path"] == "/hooks/secret-token-123"
    assert message["title"] == "Roundtable: a test message" and "Ada Admin" in message["message"]
    page = client.get(f"/notifications/chat/{world.network.slug}").get_data(as_text=True)
    assert "working" in page


def test_a_vote_opening_is_posted_once_to_the_networks_chat(world, receiver):
    chat.connect(world.network, actor=world.admin, url=receiver.url)
    chat.connect(world.other_network, actor=world.admin, url=receiver.url.replace("secret", "other"))
    db.session.commit()
    open_vote(world)
    [message] = receiver.messages
    assert message["title"] == "A vote is open: Host the shared service"
    assert "Closes:" in message["message"] and "http://localhost/votes/" in message["message"]


def test_a_chat_that_does_not_answer_never_blocks_the_change_and_is_retried(world, receiver):
    connection = chat.connect(world.network, actor=world.admin, url=receiver.url)
    db.session.commit()
    receiver.status = 500
    vote = open_vote(world)  # the vote opens (committed) whatever the chat says
    assert vote.id is not None and receiver.messages == []
    [delivery] = db.session.query(ChatDelivery).all()
    db.session.refresh(delivery)
    db.session.refresh(connection)
    assert delivery.status == ChatStatus.PENDING and delivery.attempts == 1 and delivery.last_error
    assert connection.is_failing
    receiver.status = 200
    assert chat.retry_due(utcnow()) == 0  # not yet: it waits before trying again
    assert chat.retry_due(utcnow() + timedelta(minutes=3)) == 1
    db.session.refresh(delivery)
    db.session.refresh(connection)
    assert delivery.status == ChatStatus.SENT and not connection.is_failing
    assert [m["title"] for m in receiver.messages] == ["A vote is open: Host the shared service"]


def test_after_the_last_try_a_delivery_is_failed_and_the_admin_sees_why(client, world, receiver):
    connection = chat.connect(world.network, actor=world.admin, url=receiver.url)
    db.session.commit()
    receiver.status = 503
    open_vote(world)
    later = utcnow()
    for _ in range(chat.MAX_ATTEMPTS):
        later += timedelta(hours=1)
        chat.retry_due(later)
    [delivery] = db.session.query(ChatDelivery).all()
    db.session.refresh(delivery)
    assert delivery.status == ChatStatus.FAILED and delivery.attempts == chat.MAX_ATTEMPTS
    sign_in(client, world.admin)
    page = client.get(f"/notifications/chat/{world.network.slug}").get_data(as_text=True)
    assert "failing" in page and "Failing since" in page
    assert connection.id
