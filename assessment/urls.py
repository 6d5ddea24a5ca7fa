from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/share/", views.organisation_share, name="organisation_share"),
    path(
        "organisations/<int:pk>/share/<int:user_id>/remove/",
        views.organisation_unshare,
        name="organisation_unshare",
    ),
    path("organisations/<int:pk>/delete/", views.organisation_delete, name="organisation_delete"),
    path("organisations/<int:pk>/campaigns/new/", views.campaign_create, name="campaign_create"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="campaign_detail"),
    path("campaigns/<slug:slug>/edit/", views.campaign_edit, name="campaign_edit"),
    path("campaigns/<slug:slug>/progress/", views.campaign_progress, name="campaign_progress"),
    path("campaigns/<slug:slug>/open/", views.campaign_open, name="campaign_open"),
    path("campaigns/<slug:slug>/close/", views.campaign_close, name="campaign_close"),
    path("campaigns/<slug:slug>/qr/", views.campaign_qr, name="campaign_qr"),
    path(
        "campaigns/<slug:slug>/teams/<int:team_pk>/tablet/",
        views.team_workshop_tablet,
        name="team_workshop_tablet",
    ),
    path(
        "campaigns/<slug:slug>/customer-mirror/",
        views.campaign_add_customer_mirror,
        name="campaign_add_customer_mirror",
    ),
    path("campaigns/<slug:slug>/invite/", views.campaign_invite, name="campaign_invite"),
    path("campaigns/<slug:slug>/remind/", views.campaign_remind, name="campaign_remind"),
    path(
        "campaigns/<slug:slug>/responses/delete/",
        views.campaign_responses_delete,
        name="campaign_responses_delete",
    ),
]
