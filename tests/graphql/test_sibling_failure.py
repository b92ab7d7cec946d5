"""A field that fails beside fields still reading answers its own error, never a 500.

graphql-core cancels the siblings of a failed non-null field; a sibling cancelled in the middle
of a statement used to leave the request's transaction broken, and the answer was a 500.
"""

from __future__ import annotations

from typing import Any

from inspectnet.db import Database
from inspectnet.settings import Settings
from tests.factories import make_person, make_region, make_user
from tests.http.apps import serve

# A list of offices still loading while compareFilings refuses an id of the wrong type.
QUERY = """{
  offices(first: 5) { nodes { id name people(first: 5) { nodes { id } } } }
  compareFilings(olderId: "%s", newerId: "%s") { after }
}"""


async def test_a_refused_field_beside_a_list_still_loading_answers_its_own_error(
    db: Database, settings: Settings, system: Any
) -> None:
    # Given a liaison body's admin who reads it and the offices below it, each with people.
    session, actor = system
    region = await make_region(session, actor, subordinates=1, counties=4)
    mine = region.subordinates[0]
    for office in (mine, *region.counties(mine)):
        await make_person(session, actor, office)
    admin = (await make_user(session, actor, mine)).username
    await session.commit()
    async with serve(db, settings) as api:
        ids = await api.gql("{ offices(first: 2) { nodes { id } } }", user=admin)
        office = ids["data"]["offices"]["nodes"][0]["id"]
        for _ in range(5):
            body: dict[str, Any] = await api.gql(QUERY % (office, office), user=admin)
            assert body["data"] is None
            assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_ID"]
        # ...and the next request on the same database is served as usual.
        after = await api.gql("{ viewer { username } }", user=admin)
        assert after["data"] == {"viewer": {"username": admin}}
