"""The respondent's links: shared campaign link, team link, personal invitation link."""

from django.urls import path

from . import respondent_views as views

app_name = "respondent"

urlpatterns = [
    path("s/<slug:token>/", views.campaign_entry, name="campaign"),
    path("t/<slug:token>/", views.team_entry, name="team"),
    path("i/<slug:token>/", views.invitation_entry, name="invitation"),
    path("s/<slug:token>/p/<int:number>/", views.page, name="page"),
    path("s/<slug:token>/review/", views.review, name="review"),
    path("s/<slug:token>/submit/", views.submit, name="submit"),
    path("s/<slug:token>/thanks/", views.thanks, name="thanks"),
    path("s/<slug:token>/saved/", views.saved, name="saved"),
    path("s/<slug:token>/resume/", views.resume, name="resume"),
]
