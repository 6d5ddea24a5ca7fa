from django.urls import path

from . import (
    action_views,
    analysis_views,
    business_result_views,
    export_views,
    link_views,
    pdf_views,
    present_views,
)
from . import views as dashboard_views

app_name = "reports"

urlpatterns: list = [
    path("campaigns/<slug:slug>/dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("campaigns/<slug:slug>/present/", present_views.present, name="present"),
    path("campaigns/<slug:slug>/present/notes/", present_views.present_notes, name="present_notes"),
    path("campaigns/<slug:slug>/present/count/", present_views.present_count, name="present_count"),
    path("campaigns/<slug:slug>/export.csv", export_views.export_csv, name="export_csv"),
    path("campaigns/<slug:slug>/export.xlsx", export_views.export_xlsx, name="export_xlsx"),
    path("campaigns/<slug:slug>/export.json", dashboard_views.export_json, name="export_json"),
    path(
        "campaigns/<slug:slug>/customers.csv",
        export_views.export_customers_csv,
        name="export_customers",
    ),
    path("campaigns/<slug:slug>/actions.csv", export_views.export_actions, name="export_actions"),
    path("campaigns/<slug:slug>/report.pdf", pdf_views.report_pdf, name="report_pdf"),
    path("campaigns/<slug:slug>/report/status/", pdf_views.report_status, name="report_status"),
    path("campaigns/<slug:slug>/slides.pptx", pdf_views.slides_pptx, name="slides_pptx"),
    path("campaigns/<slug:slug>/slides/status/", pdf_views.slides_status, name="slides_status"),
    path("campaigns/<slug:slug>/links/", link_views.report_links_page, name="report_links"),
    path(
        "campaigns/<slug:slug>/links/<int:pk>/revoke/",
        link_views.report_link_revoke,
        name="report_link_revoke",
    ),
    path("campaigns/<slug:slug>/actions/new/", action_views.action_create, name="action_create"),
    path("campaigns/<slug:slug>/actions/<int:pk>/", action_views.action_edit, name="action_edit"),
    path(
        "campaigns/<slug:slug>/actions/<int:pk>/notes/",
        action_views.action_note,
        name="action_note",
    ),
    path(
        "campaigns/<slug:slug>/actions/<int:pk>/delete/",
        action_views.action_delete,
        name="action_delete",
    ),
    path(
        "campaigns/<slug:slug>/actions/<int:pk>/carry-over/",
        action_views.action_carry_over,
        name="action_carry_over",
    ),
    path(
        "campaigns/<slug:slug>/business-results/",
        business_result_views.business_results_page,
        name="business_results",
    ),
    path(
        "campaigns/<slug:slug>/business-results/<slug:metric>/remove/",
        business_result_views.business_result_remove,
        name="business_result_remove",
    ),
    path(
        "campaigns/<slug:slug>/item-analysis/",
        analysis_views.item_analysis,
        name="item_analysis",
    ),
]
