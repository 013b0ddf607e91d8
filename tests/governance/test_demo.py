"""`flask --app wsgi demo` loads the seed's world, and loading it twice changes nothing."""

import pytest
from sqlalchemy import func, select

from governance import audit
from governance.extensions import db
from governance.models import Coop, CoopRole, Network, Person


def _counts():
    return tuple(
        db.session.scalar(select(func.count()).select_from(m))
        for m in (Network, Coop, Person, audit.AuditEvent)
    )


@pytest.mark.usefixtures("quick_render")  # the demo's story, not its PDFs' layout
def test_demo_loads_the_seed_world_and_is_idempotent(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "admin@roundtable.example" in first.output and "roundtable-demo" in first.output
    counts = _counts()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert _counts() == counts

    networks = {n.name for n in db.session.scalars(select(Network))}
    assert {"CoTech", "FACTTIC", "Patio", "US Worker Co-op Tech Network"} <= networks
    coops = db.session.scalars(select(Coop)).all()
    assert {c.city for c in coops} >= {
        "London",
        "Manchester",
        "Glasgow",
        "New York",
        "Oakland",
        "Buenos Aires",
        "Rosario",
        "Toronto",
    }
    assert sum(len(c.networks) >= 2 for c in coops) >= 3
    for coop in coops:
        assert coop.people_with(CoopRole.DELEGATE) and coop.people_with(CoopRole.MEMBER)
    assert audit.verify().is_intact
