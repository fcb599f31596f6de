"""The partnership's recent changes on a database that cannot order and cut the arms of a UNION
(SQLite, the embedded default of ``make run``): the same rows as where it can. The partnership
page answered 500 on SQLite when each arm was cut ("LIMIT/OFFSET not allowed in subqueries of
compound statements")."""

import pytest
from django.db import connection

from partnerships.timeline import changes
from tests import factories

pytestmark = pytest.mark.django_db


def test_changes_are_the_same_where_the_arms_of_a_union_cannot_be_cut(partnership, university_liaison, monkeypatch):
    for n in range(4):
        factories.EngagementFactory(partnership=partnership, title=f"Meeting {n}")
        factories.ActionFactory(partnership=partnership, title=f"Action {n}")
    where_it_can = changes(partnership, university_liaison, limit=5)
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)
    where_it_cannot = changes(partnership, university_liaison, limit=5)
    assert len(where_it_can) == 5
    assert where_it_cannot == where_it_can
