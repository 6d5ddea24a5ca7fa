"""The URLs of a read-only report link (reports/shared_views.py): public, rate-limited per
client address (the ``shared`` namespace in config/ratelimit.py)."""

from django.urls import path

from . import shared_views as views

app_name = "shared"

urlpatterns = [
    path("r/<slug:token>/", views.shared_dashboard, name="dashboard"),
    path("r/<slug:token>/report.pdf", views.shared_report_pdf, name="report_pdf"),
    path("r/<slug:token>/report/status/", views.shared_report_status, name="report_status"),
]
