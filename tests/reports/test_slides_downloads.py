"""The workshop slides from the dashboard: the PowerPoint made in the background by the same
jobs as the PDF report (a second kind of report), with the same cache and progress page,
for the campaign's consultant only."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from pptx import Presentation

from reports import pdf, report_jobs, report_links
from reports.models import ReportJob
from tests.builders import add_responses
from tests.reports.test_pdf_views import status_url_of, wait_until_done

PPTX_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def campaign(report_campaign):
    return report_campaign


@pytest.fixture
def owner(client, consultant):
    client.force_login(consultant)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def slides_url(campaign, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("reports:slides_pptx", args=[campaign.slug]) + (f"?{query}" if query else "")


def pdf_url(campaign, **params) -> str:
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("reports:report_pdf", args=[campaign.slug]) + (f"?{query}" if query else "")


def download(client, url: str):
    """The file at `url`, after its progress page when it had to be made."""
    first = client.get(url)
    if first.status_code == 202:
        assert wait_until_done(client, status_url_of(first.content.decode()))[-1]["state"] == "done"
        first = client.get(url)
    assert first.status_code == 200, first.status_code
    return first


def test_progress_page_then_the_slides_then_the_cache(owner, campaign, monkeypatch):
    first = owner.get(slides_url(campaign, lang="nl"))
    assert first.status_code == 202
    page = first.content.decode()
    assert "Making the workshop slides" in page
    assert "/static/js/report_status.js" in page
    assert 'role="progressbar"' in page
    status_url = status_url_of(page)
    assert status_url.startswith(reverse("reports:slides_status", args=[campaign.slug]) + "?")
    assert 'data-report-file="/campaigns/report-round/slides.pptx?lang=nl"' in page
    statuses = wait_until_done(owner, status_url)
    assert statuses[-1]["state"] == "done"

    ready = owner.get(slides_url(campaign, lang="nl"))
    assert ready.status_code == 200
    assert ready["Content-Type"] == PPTX_TYPE
    assert 'filename="report-round-nl-slides.pptx"' in ready["Content-Disposition"]
    deck = Presentation(io.BytesIO(b"".join(ready.streaming_content)))
    assert len(deck.slides) > 5
    cover = [shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame]
    assert any(campaign.name in text for text in cover)
    job = ReportJob.objects.get()
    assert (job.kind, job.language, job.file_name.endswith(".pptx")) == ("pptx", "nl", True)

    def never(*args, **kwargs):
        raise AssertionError("the cached slides were made again")

    monkeypatch.setattr(report_jobs, "build_slides", never)
    assert owner.get(slides_url(campaign, lang="nl")).status_code == 200


def test_the_slides_are_in_the_language_asked_for(owner, campaign):
    titles = {}
    for language in ("nl", "en"):
        response = download(owner, slides_url(campaign, lang=language))
        deck = Presentation(io.BytesIO(b"".join(response.streaming_content)))
        titles[language] = [s.shapes.title.text_frame.text for s in deck.slides if s.shapes.title]
    assert titles["nl"] != titles["en"]
    assert len(titles["nl"]) == len(titles["en"])


def test_the_slides_and_the_pdf_are_cached_apart(owner, campaign, report_cache):
    pdf_file = download(owner, pdf_url(campaign, lang="en"))
    assert b"".join(pdf_file.streaming_content).startswith(b"%PDF-")
    slides = download(owner, slides_url(campaign, lang="en"))
    assert slides["Content-Type"] == PPTX_TYPE
    assert b"".join(slides.streaming_content).startswith(b"PK")  # a zip: the PPTX

    jobs = {job.kind: job for job in ReportJob.objects.all()}
    assert set(jobs) == {"pdf", "pptx"}
    assert jobs["pdf"].family != jobs["pptx"].family
    assert jobs["pdf"].signature != jobs["pptx"].signature
    assert jobs["pdf"].file_name.endswith(".pdf") and jobs["pptx"].file_name.endswith(".pptx")
    # Making the slides removed nothing of the PDF: both are served from the cache.
    assert sorted(p.name for p in report_cache.iterdir()) == sorted(
        job.file_name for job in jobs.values()
    )
    assert owner.get(pdf_url(campaign, lang="en"))["Content-Type"] == "application/pdf"
    assert owner.get(slides_url(campaign, lang="en"))["Content-Type"] == PPTX_TYPE


def test_the_key_of_the_slides(campaign):
    report = pdf.report_input(campaign, "en", team="Beta")
    pdf_key = report_jobs.ReportKey.of(campaign.slug, report)
    slides_key = report_jobs.ReportKey.of(campaign.slug, report, report_jobs.PPTX)
    assert pdf_key.signature == report.signature()  # the PDF's names are as before
    assert pdf_key.file_name == f"{pdf_key.family}.{pdf_key.signature}.pdf"
    assert slides_key.family == pdf_key.family + ".slides"
    assert slides_key.file_name == f"{slides_key.family}.{slides_key.signature}.pptx"
    assert report_jobs.SIGNATURE.match(slides_key.signature)
    assert slides_key.signature != pdf_key.signature


def test_new_data_makes_new_slides(owner, campaign, monkeypatch):
    download(owner, slides_url(campaign, lang="en"))
    old = ReportJob.objects.get()
    add_responses(campaign, 1, team=campaign.teams.get(name="Alpha"))
    started = []
    monkeypatch.setattr(report_jobs, "start", lambda key: started.append(key))
    assert owner.get(slides_url(campaign, lang="en")).status_code == 202
    assert len(started) == 1
    assert (started[0].kind, started[0].family) == ("pptx", old.family)
    assert started[0].signature != old.signature


def test_the_task_is_told_the_kind(owner, campaign, settings):
    settings.TASKS = DUMMY
    assert owner.get(slides_url(campaign, lang="en")).status_code == 202
    assert owner.get(slides_url(campaign, lang="en")).status_code == 202  # queued once
    (queued,) = report_jobs.make_report.get_backend().results
    job = ReportJob.objects.get()
    assert (job.kind, job.state) == ("pptx", ReportJob.State.QUEUED)
    assert queued.kwargs == {
        "job_id": job.pk,
        "slug": campaign.slug,
        "language": "en",
        "team": None,
        "kind": "pptx",
    }


def test_the_progress_of_the_slides_says_what_happens(campaign):
    seen = []
    report = pdf.report_input(campaign, "en")
    made = report_jobs._render(report_jobs.PPTX, report, lambda *step: seen.append(step))
    assert seen == [(0, 1, "Laying out the slides")]
    assert made.startswith(b"PK")

    key = report_jobs.ReportKey.of(campaign.slug, report, report_jobs.PPTX)
    ReportJob.objects.create(
        kind=key.kind,
        family=key.family,
        signature=key.signature,
        campaign_slug=campaign.slug,
        language="en",
        state=ReportJob.State.RUNNING,
        heartbeat_at=timezone.now(),
        message=report_jobs.LAYING_OUT_SLIDES,
    )
    with translation.override("nl"):
        assert report_jobs.status(key)["message"] == "De dia's worden opgemaakt"
    with translation.override("en"):
        assert report_jobs.status(key)["message"] == "Laying out the slides"


def test_a_failed_deck_says_so_and_can_be_tried_again(owner, campaign, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no deck")

    monkeypatch.setattr(report_jobs, "build_slides", broken)
    page = owner.get(slides_url(campaign, lang="en")).content.decode()
    statuses = wait_until_done(owner, status_url_of(page), timeout=30)
    assert statuses[-1]["state"] == "failed"
    monkeypatch.undo()
    again = owner.get(slides_url(campaign, lang="en"))
    assert again.status_code == 202  # started anew
    assert wait_until_done(owner, status_url_of(again.content.decode()))[-1]["state"] == "done"


def test_team_slides_and_a_hidden_team_refused_like_the_pdf(owner, campaign, report_cache):
    team = download(owner, slides_url(campaign, lang="en", team="Beta"))
    assert 'filename="report-round-beta-en-slides.pptx"' in team["Content-Disposition"]
    assert ReportJob.objects.get().team == "Beta"

    refused = owner.get(slides_url(campaign, lang="en", team="Gamma"))
    assert refused.status_code == 403
    text = refused.content.decode()
    assert "No slides for team Gamma" in text
    assert "fewer than" in text
    assert ReportJob.objects.count() == 1  # nothing was started for Gamma
    assert owner.get(slides_url(campaign, lang="en", team="Nobody")).status_code == 404
    assert owner.get(slides_url(campaign, lang="fr")).status_code == 404


def test_the_status_of_the_slides_needs_a_well_formed_signature(owner, campaign):
    base = reverse("reports:slides_status", args=[campaign.slug])
    assert owner.get(f"{base}?lang=en&signature=../../etc").status_code == 404
    unknown = owner.get(f"{base}?lang=en&signature={'a' * 64}")
    assert unknown.status_code == 200 and unknown.json()["state"] == "none"


def test_only_the_campaigns_consultants_get_the_slides(
    client, campaign, other_consultant, report_cache
):
    for url in (
        slides_url(campaign, lang="en"),
        reverse("reports:slides_status", args=[campaign.slug]) + "?lang=en&signature=" + "a" * 64,
    ):
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    client.force_login(other_consultant)
    assert client.get(slides_url(campaign, lang="en")).status_code == 404
    status = reverse("reports:slides_status", args=[campaign.slug])
    assert client.get(f"{status}?lang=en&signature={'a' * 64}").status_code == 404
    assert not ReportJob.objects.exists()
    assert not report_cache.exists()


# =========================================================================== the dashboard


def slide_links(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'href="([^"]+)" hreflang="(\w+)" data-download="pptx-\w+">([^<]+)<', html)


def test_the_dashboard_offers_the_slides_in_both_languages(owner, campaign):
    dashboard = reverse("reports:dashboard", args=[campaign.slug])
    html = owner.get(dashboard).content.decode()
    assert slide_links(html) == [
        ("/campaigns/report-round/slides.pptx?lang=en", "en", "Slides (PowerPoint, English)"),
        ("/campaigns/report-round/slides.pptx?lang=nl", "nl", "Slides (PowerPoint, Nederlands)"),
    ]
    team = owner.get(dashboard + "?team=Beta").content.decode()
    assert (
        "/campaigns/report-round/slides.pptx?lang=en&amp;team=Beta",
        "en",
        "Team slides (PowerPoint, English)",
    ) in slide_links(team)
    hidden = owner.get(dashboard + "?team=Gamma").content.decode()
    assert "slides.pptx" not in hidden  # no results, no slides
    owner.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    dutch = owner.get(dashboard).content.decode()
    assert [label for _url, _code, label in slide_links(dutch)] == [
        "Dia's (PowerPoint, Nederlands)",
        "Dia's (PowerPoint, English)",
    ]


def test_a_read_only_link_never_offers_the_slides(client, campaign, consultant):
    new = report_links.create_report_link(
        campaign=campaign,
        label="MT Rapport",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
        shows_comments=True,
        allows_pdf=True,  # even a link that offers the PDF
        created_by=consultant,
    )
    html = client.get(reverse("shared:dashboard", args=[new.token])).content.decode()
    assert 'data-download="pdf-en"' in html
    assert "pptx" not in html and "PowerPoint" not in html
    under_the_link = reverse("shared:dashboard", args=[new.token]) + "slides.pptx"
    assert client.get(under_the_link).status_code == 404
