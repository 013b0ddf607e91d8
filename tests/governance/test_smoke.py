from tests.factories import sign_in


def test_signed_in_delegate_sees_their_coop_on_home(client, world):
    sign_in(client, world.delegates[0])
    page = client.get("/").get_data(as_text=True)
    assert "Thames Code" in page
    assert "Testnet" in page
