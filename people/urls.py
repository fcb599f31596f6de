from django.urls import path

from . import views

app_name = "people"

urlpatterns = [
    path("organisation/<int:pk>/", views.organisation_people, name="organisation_people"),
    path("organisation/<int:pk>/invite/", views.invite, name="invite"),
    path("invitations/<int:pk>/resend/", views.resend_invitation, name="invitation_resend"),
    path("invitations/<int:pk>/withdraw/", views.withdraw_invitation, name="invitation_withdraw"),
    path("person/<int:pk>/role/", views.change_role, name="change_role"),
    path("person/<int:pk>/deactivate/", views.deactivate, name="deactivate"),
    path("person/<int:pk>/reactivate/", views.reactivate, name="reactivate"),
    path("invitation/<str:token>/", views.accept, name="accept"),
]
