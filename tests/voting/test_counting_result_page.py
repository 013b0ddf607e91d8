"""The result page explains the count to the co-op that lost: where the votes went, in decimals, the quota
drawn, and the reader's own co-op marked."""

from datetime import timedelta
from types import SimpleNamespace

from governance.extensions import db
from governance.types import utcnow
from tests.factories import sign_in
from tests.voting.factories import open_vote
from voting import results, service
from voting.counting import Method

NAMES = {"rio-software": "Río Software", "bay-commons": "Bay Commons Dev", "hudson-tech": "Hudson Tech"}
VOTE = SimpleNamespace(option_name=lambda key: NAMES.get(key, key))


def _text(parts) -> str:
    return "".join(part.text for part in parts)


def test_an_exclusion_says_where_the_votes_went():
    transfer = {
        "from": "rio-software",
        "kind": "exclusion",
        "amounts": {"bay-commons": "1"},
        "non_transferable": "0",
    }
    assert (
        _text(results.transfer_parts(VOTE, transfer, set()))
        == "Río Software's 1 vote goes to Bay Commons Dev."
    )


def test_a_split_transfer_names_each_share_and_what_went_nowhere():
    transfer = {
        "from": "rio-software",
        "kind": "exclusion",
        "amounts": {"bay-commons": "2", "hudson-tech": "0.5", "thames-code": "0"},
        "non_transferable": "1",
    }
    assert _text(results.transfer_parts(VOTE, transfer, set())) == (
        "Río Software's 3.5 votes: 2 votes to Bay Commons Dev, 0.5 votes to Hudson Tech, "
        "1 vote to nobody (no later preference)."
    )


def test_a_surplus_says_its_transfer_value():
    transfer = {
        "from": "hudson-tech",
        "kind": "surplus",
        "transfer_value": "0.44984",
        "amounts": {"bay-commons": "0.89968"},
        "non_transferable": "0",
        "lost_to_rounding": "0.00002",
    }
    assert _text(results.transfer_parts(VOTE, transfer, set())) == (
        "Hudson Tech's surplus of 0.8997 votes moves on, each paper at 0.44984 of its value: "
        "0.89968 votes to Bay Commons Dev, 0.00002 votes to nobody (no later preference)."
    )


def test_the_readers_own_co_op_is_marked_in_the_sentence():
    transfer = {
        "from": "rio-software",
        "kind": "exclusion",
        "amounts": {"bay-commons": "1"},
        "non_transferable": "0",
    }
    parts = results.transfer_parts(VOTE, transfer, {"rio-software"})
    assert [part.text for part in parts if part.is_own] == ["Río Software"]


def test_figures_are_decimals_not_fractions():
    assert results.decimal("7/3") == "2.33333"
    assert results.decimal("1/2") == "0.5"
    assert results.decimal("1407.34264") == "1407.34264"
    assert results.decimal("12") == "12"


def _closed_irv(world):
    """Weighted by worker-members: Thames Code 12, Hudson Tech 15, Río Software 20 (47, quota 24). Thames Code
    is excluded; its 12 votes go to Hudson Tech, who reaches the quota; Río Software loses."""
    now = utcnow()
    vote = open_vote(
        world,
        method=Method.IRV,
        now=now - timedelta(days=2),
        lasts=timedelta(days=1),
        weighting="worker_members",
    )
    for i, ranking in enumerate(
        [["thames-code", "hudson-tech"], ["hudson-tech"], ["rio-software", "hudson-tech"]]
    ):
        service.cast_ballot(
            vote,
            actor=world.delegates[i],
            coop=world.coops[i],
            choice=ranking,
            now=now - timedelta(days=1, hours=12),
        )
    db.session.commit()
    return vote


def test_the_result_page_says_where_votes_went_marks_the_readers_co_op_and_draws_the_quota(client, world):
    vote = _closed_irv(world)
    sign_in(client, world.members[2])  # a member of Río Software, which lost
    page = client.get(f"/votes/{vote.id}/result").get_data(as_text=True)
    assert "Thames Code&#39;s 12 votes go to Hudson Tech." in page
    assert '<tr class="yours"><td>Río Software <span class="small">(your co-op)</span>' in page
    assert '<mark class="yours">Río Software</mark> <span class="small muted">(your co-op)</span>' in page
    assert "Quota: 24 votes." in page
    assert 'stroke-dasharray="6 4"' in page and ">Quota 24</text>" in page
    assert 'style="' not in page.split("<main")[1]


def test_someone_in_no_co_op_of_the_vote_sees_nothing_marked(client, world):
    vote = _closed_irv(world)
    sign_in(client, world.steward)
    page = client.get(f"/votes/{vote.id}/result").get_data(as_text=True)
    assert "Thames Code&#39;s 12 votes go to Hudson Tech." in page and "(your co-op)" not in page


def test_tie_notes_name_the_options_not_their_keys(client, world):
    now = utcnow()
    vote = open_vote(world, method=Method.IRV, now=now - timedelta(days=2), lasts=timedelta(days=1))
    for i, ranking in enumerate([["thames-code"], ["hudson-tech"], ["rio-software"]]):
        service.cast_ballot(
            vote,
            actor=world.delegates[i],
            coop=world.coops[i],
            choice=ranking,
            now=now - timedelta(days=1, hours=12),
        )
    db.session.commit()
    sign_in(client, world.steward)
    page = client.get(f"/votes/{vote.id}/result").get_data(as_text=True)
    assert "tie between Hudson Tech, Río Software, Thames Code" in page
    assert "hudson-tech" not in page.split('id="rounds-h"')[1].split("</section>")[0]
