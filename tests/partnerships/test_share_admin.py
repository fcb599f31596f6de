"""Information shares in the Administration area (Django admin): seen, never changed there.

Deleting a share there would leave its text in its history rows, out of the retention sweep's
reach, and delete its view log; changing it there could move it to another partnership. Shares
change only through partnerships/services.py.
"""

import pytest
from django.urls import reverse

from partnerships.models import InformationShare, Partnership, ShareView
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "Unfamiliar car by the east gate"
DETAIL = "Section 115 Crime and Disorder Act 1998, agreed with the force's data protection officer"


@pytest.fixture
def shared(partnership, university_liaison, police_liaison, client):
    share = factories.InformationShareFactory(
        partnership=partnership,
        shared_by=university_liaison,
        summary=SECRET,
        lawful_basis="other",
        lawful_basis_detail=DETAIL,
    )
    client.force_login(police_liaison)
    client.get(share.get_absolute_url())  # one view in the log
    client.logout()
    return share


def test_administrators_look_shares_up_without_their_free_text(client, administrator, shared):
    client.force_login(administrator)
    listing = client.get(reverse("admin:partnerships_informationshare_changelist"))
    assert listing.status_code == 200 and str(shared) in listing.text
    page = client.get(reverse("admin:partnerships_informationshare_change", args=[shared.pk]))
    assert page.status_code == 200
    assert SECRET not in page.text and DETAIL not in page.text
    assert 'name="partnership"' not in page.text and 'name="_save"' not in page.text  # read-only: no inputs


def test_shares_cannot_be_added_changed_moved_or_deleted_there(client, administrator, shared):
    other = factories.PartnershipFactory(title="Elsewhere")
    client.force_login(administrator)
    assert client.get(reverse("admin:partnerships_informationshare_add")).status_code == 403
    change = reverse("admin:partnerships_informationshare_change", args=[shared.pk])
    response = client.post(change, {"partnership": other.pk, "category": "other", "lawful_basis": "public_task"})
    assert response.status_code == 403
    delete = reverse("admin:partnerships_informationshare_delete", args=[shared.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:partnerships_informationshare_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [shared.pk], "post": "yes"})
    shared.refresh_from_db()
    assert shared.partnership_id != other.pk and shared.summary == SECRET
    assert ShareView.objects.filter(share=shared).count() == 1


def test_a_partnership_with_shares_cannot_be_deleted_there(client, administrator, shared):
    """Deleting the partnership would delete its shares (and their view log) on the way."""
    client.force_login(administrator)
    delete = reverse("admin:partnerships_partnership_delete", args=[shared.partnership_id])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Partnership.objects.filter(pk=shared.partnership_id).exists()
    assert InformationShare.objects.filter(pk=shared.pk).exists()
    assert ShareView.objects.filter(share=shared).count() == 1
