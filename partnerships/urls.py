from django.urls import path

from .views import activity, consent, organisations, sharing
from .views import partnerships as views

app_name = "partnerships"

urlpatterns = [
    # Organisations, units and contacts
    path("organisations/", organisations.organisation_list, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/units/new/", organisations.unit_create, name="unit_create"),
    path("units/<int:pk>/edit/", organisations.unit_edit, name="unit_edit"),
    path("units/<int:pk>/delete/", organisations.unit_delete, name="unit_delete"),
    path("organisations/<int:pk>/contacts/new/", organisations.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", organisations.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", organisations.contact_delete, name="contact_delete"),
    # Partnerships
    path("partnerships/", views.partnership_list, name="partnership_list"),
    path("partnerships/export.csv", views.partnership_export, name="partnership_export"),
    path("partnerships/new/", views.partnership_create, name="partnership_create"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<int:pk>/edit/", views.partnership_edit, name="partnership_edit"),
    path("partnerships/<int:pk>/status/", views.partnership_status, name="partnership_status"),
    path("partnerships/<int:pk>/history/", views.partnership_history, name="partnership_history"),
    path("partnerships/<int:pk>/answer/", consent.partnership_answer, name="partnership_answer"),
    path("invitations/<int:pk>/", consent.invitation_detail, name="invitation_detail"),
    # Engagements and actions
    path("partnerships/<int:pk>/engagements/new/", activity.engagement_create, name="engagement_create"),
    path("engagements/<int:pk>/", activity.engagement_detail, name="engagement_detail"),
    path("engagements/<int:pk>/edit/", activity.engagement_edit, name="engagement_edit"),
    path("engagements/<int:pk>/delete/", activity.engagement_delete, name="engagement_delete"),
    path("partnerships/<int:pk>/actions/new/", activity.action_create, name="action_create"),
    path("actions/", activity.my_actions, name="my_actions"),
    path("actions/<int:pk>/", activity.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", activity.action_edit, name="action_edit"),
    path("actions/<int:pk>/status/", activity.action_status, name="action_status"),
    # Information sharing
    path("partnerships/<int:pk>/shares/new/", sharing.share_create, name="share_create"),
    path("shares/awaiting-feedback/", sharing.shares_awaiting_feedback, name="shares_awaiting_feedback"),
    path("shares/<int:pk>/", sharing.share_detail, name="share_detail"),
    path("shares/<int:pk>/feedback/", sharing.share_feedback, name="share_feedback"),
]
