"""Creating, editing and moving partnerships through their workflow; the list, its filters and CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Partnership, PartnershipStatus
from tests import factories

pytestmark = pytest.mark.django_db

CREATE = reverse("partnerships:partnership_create")


def create_data(police_force, **overrides):
    data = {
        "title": "Safer nights in Northbridge",
        "police_force": police_force.pk,
        "focus_areas": ["sexual_violence", "harassment"],
        "aims": "Fewer incidents on the walk home from the city centre.",
        "start_date": "2026-09-01",
        "next_review_date": "2027-09-01",
    }
    data.update(overrides)
    return data


def test_university_liaison_proposes_a_partnership_with_the_force(client, university_liaison, police_force):
    client.force_login(university_liaison)
    response = client.post(CREATE, create_data(police_force))
    partnership = Partnership.objects.get()
    assert response.status_code == 302 and response.url == partnership.get_absolute_url()
    assert partnership.institution == university_liaison.organisation
    assert partnership.status == PartnershipStatus.PROPOSED
    assert partnership.focus_areas == ["sexual_violence", "harassment"]
    assert partnership.created_by == university_liaison
    assert partnership.history.get().history_user == university_liaison


def test_a_liaison_officer_cannot_make_another_institution_a_party(client, university_liaison, police_force):
    other = factories.OrganisationFactory()
    client.force_login(university_liaison)
    client.post(CREATE, create_data(police_force, institution=other.pk))
    assert Partnership.objects.get().institution == university_liaison.organisation


def test_police_liaison_proposes_a_partnership_with_an_institution(client, police_liaison, university):
    client.force_login(police_liaison)
    data = create_data(police_force=police_liaison.organisation, institution=university.pk)
    del data["police_force"]
    assert client.post(CREATE, data).status_code == 302
    assert Partnership.objects.get().police_force == police_liaison.organisation


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"start_date": "2026-09-01", "end_date": "2026-08-01"}, "end_date", "on or after the start date"),
        ({"next_review_date": "2026-01-01"}, "next_review_date", "on or after the start date"),
        ({"title": ""}, "title", "required"),
        ({"focus_areas": ["space_crime"]}, "focus_areas", "valid choice"),
        ({"start_date": "not a date"}, "start_date", "valid date"),
    ],
)
def test_bad_partnership_input_is_refused_with_a_clear_error(
    client, university_liaison, police_force, overrides, field, message
):
    client.force_login(university_liaison)
    response = client.post(CREATE, create_data(police_force, **overrides))
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Partnership.objects.exists()


def test_a_second_live_partnership_for_the_same_pair_is_refused(client, university_liaison, partnership, police_force):
    client.force_login(university_liaison)
    response = client.post(CREATE, create_data(police_force, title="Another one"))
    assert response.status_code == 200
    assert "already have a partnership that has not ended" in str(response.context["form"].non_field_errors())
    assert Partnership.objects.count() == 1


def test_a_new_partnership_is_allowed_once_the_old_one_has_ended(client, university_liaison, partnership, police_force):
    partnership.status = PartnershipStatus.ENDED
    partnership.save()
    client.force_login(university_liaison)
    assert client.post(CREATE, create_data(police_force, title="Second chapter")).status_code == 302
    assert Partnership.objects.count() == 2


def test_staff_member_cannot_propose_a_partnership(client, staff_member):
    client.force_login(staff_member)
    assert client.get(CREATE).status_code == 403


def test_each_side_names_its_own_contacts_and_the_partner_fills_in_theirs(
    client, university_liaison, police_liaison, partnership
):
    client.force_login(university_liaison)
    form = client.get(CREATE).context["form"]
    assert "institution_contact" in form.fields and "police_contact" not in form.fields
    client.force_login(police_liaison)
    form = client.get(reverse("partnerships:partnership_edit", args=[partnership.pk])).context["form"]
    assert list(form.fields["police_contact"].queryset) == [partnership.police_contact]


def test_editing_records_who_changed_which_fields(client, police_liaison, partnership):
    client.force_login(police_liaison)
    url = reverse("partnerships:partnership_edit", args=[partnership.pk])
    data = {
        "title": "Safer Northbridge campus and city",
        "focus_areas": partnership.focus_areas,
        "aims": "New aims.",
        "start_date": partnership.start_date.isoformat(),
        "police_contact": partnership.police_contact.pk,
        "institution_contact": partnership.institution_contact.pk,
    }
    assert client.post(url, data).status_code == 302
    latest = partnership.history.order_by("-history_date").first()
    assert latest.history_user == police_liaison
    assert set(latest.changed_fields) == {"title", "aims and objectives"}
    page = client.get(reverse("partnerships:partnership_history", args=[partnership.pk])).content.decode()
    assert "title, aims and objectives" in page


def test_contact_of_another_organisation_cannot_be_named(client, university_liaison, partnership):
    stranger = factories.ContactFactory()
    client.force_login(university_liaison)
    url = reverse("partnerships:partnership_edit", args=[partnership.pk])
    response = client.post(url, {"title": "x", "institution_contact": stranger.pk})
    assert "institution_contact" in response.context["form"].errors


def change_status(client, partnership, status):
    return client.post(reverse("partnerships:partnership_status", args=[partnership.pk]), {"status": status})


def test_status_moves_along_the_workflow_and_is_dated(client, university_liaison, partnership):
    partnership.status, partnership.start_date = PartnershipStatus.PROPOSED, None
    partnership.save()
    client.force_login(university_liaison)
    assert change_status(client, partnership, "active").status_code == 302
    partnership.refresh_from_db()
    assert partnership.status == "active" and partnership.start_date == timezone.localdate()
    assert change_status(client, partnership, "ended").status_code == 302
    partnership.refresh_from_db()
    assert partnership.end_date == timezone.localdate()


def test_a_status_change_the_workflow_does_not_allow_is_refused(client, university_liaison, partnership):
    client.force_login(university_liaison)
    response = change_status(client, partnership, "proposed")
    assert response.status_code == 200
    assert "can move to: Under review, Paused, Ended" in " ".join(response.context["form"].errors["status"])
    partnership.refresh_from_db()
    assert partnership.status == "active"


def test_an_ended_partnership_cannot_change_status(client, university_liaison, partnership):
    partnership.status = PartnershipStatus.ENDED
    partnership.save()
    client.force_login(university_liaison)
    assert change_status(client, partnership, "active").status_code == 403


def test_list_searches_filters_and_sorts(client, administrator, partnership):
    eastmoor = factories.PartnershipFactory(
        title="Eastmoor county lines", focus_areas=["county_lines"], status=PartnershipStatus.PAUSED
    )
    client.force_login(administrator)
    url = reverse("partnerships:partnership_list")

    def titles(**params):
        return [p.title for p in client.get(url, params).context["partnerships"]]

    assert titles() == ["Eastmoor county lines", "Safer Northbridge campus"]
    assert titles(q="northbridge police") == ["Safer Northbridge campus"]
    assert titles(status="paused") == ["Eastmoor county lines"]
    assert titles(focus="county_lines") == ["Eastmoor county lines"]
    assert titles(focus="hate_crime") == ["Safer Northbridge campus"]
    assert titles(region="north_west") == ["Eastmoor county lines", "Safer Northbridge campus"]
    assert titles(region="london") == []
    assert titles(status="<script>", focus="nope", sort="drop table") == titles()
    factories.EngagementFactory(partnership=eastmoor)
    assert titles(sort="engagement") == ["Safer Northbridge campus", "Eastmoor county lines"]


def test_list_empty_state_offers_to_propose(client, university_liaison):
    client.force_login(university_liaison)
    body = client.get(reverse("partnerships:partnership_list")).content.decode()
    assert "not in any partnership yet" in body and "Propose a partnership" in body


def test_csv_export_follows_the_filters_and_neutralises_formulas(client, administrator, partnership):
    factories.PartnershipFactory(title='=HYPERLINK("http://evil")', status=PartnershipStatus.PAUSED)
    client.force_login(administrator)
    response = client.get(reverse("partnerships:partnership_export"), {"status": "paused"})
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Title", "Institution", "Police force"]
    assert [row[0] for row in rows[1:]] == ['\'=HYPERLINK("http://evil")']


def test_title_is_escaped_on_every_page(client, administrator):
    factories.PartnershipFactory(title="<script>alert(1)</script>")
    client.force_login(administrator)
    body = client.get(reverse("partnerships:partnership_list")).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


def test_review_date_sort_puts_undated_last(client, administrator, partnership):
    partnership.next_review_date = timezone.localdate() + timedelta(days=30)
    partnership.save()
    factories.PartnershipFactory(title="Aardvark undated")
    client.force_login(administrator)
    response = client.get(reverse("partnerships:partnership_list"), {"sort": "review"})
    assert [p.title for p in response.context["partnerships"]] == ["Safer Northbridge campus", "Aardvark undated"]


def test_administrator_creates_a_partnership_between_any_institution_and_force(
    client, administrator, university, police_force
):
    client.force_login(administrator)
    form = client.get(CREATE).context["form"]
    assert police_force not in form.fields["institution"].queryset
    assert university not in form.fields["police_force"].queryset
    response = client.post(CREATE, create_data(police_force, institution=university.pk))
    assert response.status_code == 302
    assert Partnership.objects.get().created_by == administrator


def test_a_force_cannot_be_named_as_the_institution(client, police_liaison):
    other_force = factories.PoliceForceFactory()
    client.force_login(police_liaison)
    data = create_data(police_force=police_liaison.organisation, institution=other_force.pk)
    response = client.post(CREATE, data)
    assert "institution" in response.context["form"].errors
    assert not Partnership.objects.exists()


def test_other_agencies_are_invited_join_once_they_accept_and_the_change_is_in_the_history(
    client, university_liaison, partnership
):
    council = factories.OrganisationFactory(name="Northbridge Borough Council", kind="local_authority")
    council_officer = factories.UserFactory(organisation=council, role="university_liaison")
    client.force_login(university_liaison)
    data = {
        "title": partnership.title,
        "focus_areas": partnership.focus_areas,
        "start_date": partnership.start_date.isoformat(),
        "other_agencies": [council.pk],
    }
    assert client.post(reverse("partnerships:partnership_edit", args=[partnership.pk]), data).status_code == 302
    assert list(partnership.other_agencies.all()) == []  # invited, not yet a party
    invitation = partnership.agency_invitations.get()
    assert invitation.organisation == council and invitation.status == "pending"

    client.force_login(council_officer)
    assert client.get(partnership.get_absolute_url()).status_code == 404
    answer = client.post(invitation.get_absolute_url(), {"decision": "accept"})
    assert answer.status_code == 302
    assert list(partnership.other_agencies.all()) == [council]
    assert client.get(partnership.get_absolute_url()).status_code == 200
    latest = partnership.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == "Northbridge Borough Council joined as another agency"
    assert latest.history_user == council_officer
