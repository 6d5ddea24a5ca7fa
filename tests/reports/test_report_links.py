"""Read-only report links: made and revoked by the campaign's consultant, opened without
an account. Their scope (one campaign, no consultant pages, no downloads beyond what was
chosen, comments only when chosen), expiry, revocation, visits and rate limit."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import time

import pytest
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessment.models import Response
from reports import link_rules, pdf, report_jobs, report_links
from reports.link_rules import ExpiryProblem, LinkState
from reports.models import ReportJob, ReportLink, ReportLinkVisit
from tests.builders import add_responses
from tests.factories import ClosedCampaignFactory, OrganisationFactory, TeamFactory

COMMENT = "Customers wait far too long for an answer from Beta"


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counters(settings):
    """The link URLs are rate-limited per address; every test starts uncounted."""
    caches[settings.RATELIMIT_CACHE].clear()
    yield
    caches[settings.RATELIMIT_CACHE].clear()


@pytest.fixture
def campaign(quick_version, consultant):
    """A closed quick scan (k = 5): Alpha 6 employees, Beta 6 managers who each left a
    comment, Gamma 2 employees (below k, so Alpha is hidden too)."""
    campaign = ClosedCampaignFactory(
        organisation=OrganisationFactory(owner=consultant, name="Jansen BV"),
        questionnaire_version=quick_version,
        anonymity_threshold=5,
        slug="jansen-2026",
        name="Jansen spring round",
    )
    alpha = TeamFactory(campaign=campaign, name="Alpha", order=1)
    beta = TeamFactory(campaign=campaign, name="Beta", order=2)
    gamma = TeamFactory(campaign=campaign, name="Gamma", order=3)
    add_responses(campaign, 6, team=alpha)
    add_responses(campaign, 6, team=beta, role=Response.MANAGER, shift=1, comment=COMMENT)
    add_responses(campaign, 2, team=gamma)
    return campaign


@pytest.fixture
def other_campaign(quick_version, other_consultant):
    campaign = ClosedCampaignFactory(
        organisation=OrganisationFactory(owner=other_consultant, name="Pietersen NV"),
        questionnaire_version=quick_version,
        anonymity_threshold=3,
        slug="pietersen-secret",
        name="Pietersen secret round",
    )
    add_responses(campaign, 4, team=TeamFactory(campaign=campaign, name="Delta"))
    return campaign


@pytest.fixture
def owner(client, consultant):
    client.force_login(consultant)
    return client


@pytest.fixture
def visitor() -> Client:
    """A fresh browser of the management team: no account, no cookies."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def make_link(campaign, consultant=None, **options) -> report_links.NewLink:
    return report_links.create_report_link(
        campaign=campaign,
        label=options.pop("label", "MT Jansen BV"),
        expires_on=options.pop("expires_on", in_days(30)),
        shows_comments=options.pop("shows_comments", False),
        allows_pdf=options.pop("allows_pdf", False),
        created_by=consultant,
    )


def shared(token: str, name: str = "dashboard") -> str:
    return reverse(f"shared:{name}", args=[token])


def links_url(campaign) -> str:
    return reverse("reports:report_links", args=[campaign.slug])


def revoke_url(link: ReportLink) -> str:
    return reverse("reports:report_link_revoke", args=[link.campaign.slug, link.pk])


def every_url(token: str) -> list[str]:
    return [
        shared(token),
        shared(token) + "?team=Beta",
        shared(token, "report_pdf") + "?lang=en",
        shared(token, "report_status") + "?lang=en&signature=" + "0" * 64,
    ]


# =========================================================================== the rules


def test_expiry_rules():
    today = dt.date(2026, 3, 10)
    assert link_rules.default_expiry(today) == dt.date(2026, 4, 9)
    assert link_rules.expiry_problem(today, today) is ExpiryProblem.NOT_IN_FUTURE
    assert link_rules.expiry_problem(dt.date(2026, 3, 1), today) is ExpiryProblem.NOT_IN_FUTURE
    assert link_rules.expiry_problem(dt.date(2026, 3, 11), today) is None
    assert link_rules.expiry_problem(dt.date(2027, 3, 10), today) is None  # 365 days
    assert link_rules.expiry_problem(dt.date(2027, 3, 11), today) is ExpiryProblem.TOO_FAR


def test_a_link_works_through_its_expiry_day_and_revoking_wins():
    day = dt.date(2026, 3, 10)
    assert link_rules.link_state(revoked_at=None, expires_on=day, today=day) is LinkState.ACTIVE
    after = day + dt.timedelta(days=1)
    assert link_rules.link_state(revoked_at=None, expires_on=day, today=after) is LinkState.EXPIRED
    revoked = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)
    for today in (day, after):
        state = link_rules.link_state(revoked_at=revoked, expires_on=day, today=today)
        assert state is LinkState.REVOKED


def test_token_has_at_least_128_bits_and_only_its_hash_is_stored(campaign, consultant):
    first, second = make_link(campaign, consultant), make_link(campaign, consultant)
    for new in (first, second):
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", new.token)  # 32 random bytes: 256 bits
        assert link_rules.TOKEN_BYTES * 8 >= 128
        assert new.link.token_hash == hashlib.sha256(new.token.encode()).hexdigest()
        stored = ReportLink.objects.filter(pk=new.link.pk).values().get()
        assert all(new.token not in str(value) for value in stored.values())
    assert first.token != second.token
    assert report_links.find_link(first.token) == first.link
    tampered = first.token[:-1] + ("A" if first.token[-1] != "A" else "B")
    assert report_links.find_link(tampered) is None
    assert report_links.find_link(first.link.token_hash) is None  # the hash opens nothing


def test_the_service_refuses_what_the_form_refuses(campaign, consultant):
    for label, expires_on in (("  ", in_days(30)), ("MT", in_days(0)), ("MT", in_days(366))):
        with pytest.raises(ValidationError):
            make_link(campaign, consultant, label=label, expires_on=expires_on)
    assert not ReportLink.objects.exists()


# =========================================================================== the consultant


def test_campaign_page_and_dashboard_lead_to_the_links(owner, campaign):
    for page in ("assessment:campaign_detail", "reports:dashboard"):
        html = owner.get(reverse(page, args=[campaign.slug])).content.decode()
        assert f'href="{links_url(campaign)}"' in html


def test_consultant_creates_a_link_and_sees_its_url_once(owner, campaign, consultant, visitor):
    page = owner.get(links_url(campaign))
    assert page.status_code == 200
    assert f'value="{in_days(30).isoformat()}"' in page.content.decode()  # default: 30 days
    assert "No links yet" in page.content.decode()

    created = owner.post(
        links_url(campaign),
        {"label": "MT Jansen BV", "expires_on": in_days(14).isoformat(), "allows_pdf": "on"},
    )
    assert created.status_code == 200
    html = created.content.decode()
    url = re.search(r'id="new-link-url" type="text" readonly value="([^"]+)"', html).group(1)
    assert url.startswith("http://testserver/r/")
    assert "it is shown only this once" in html
    link = ReportLink.objects.get()
    assert (link.label, link.expires_on) == ("MT Jansen BV", in_days(14))
    assert (link.shows_comments, link.allows_pdf, link.created_by) == (False, True, consultant)

    token = url.rstrip("/").rsplit("/", 1)[1]
    assert visitor.get(shared(token)).status_code == 200
    again = owner.get(links_url(campaign)).content.decode()
    assert token not in again  # never shown again
    assert "MT Jansen BV" in again and "Active" in again
    assert "Dashboard, without comments; PDF report" in again


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"label": "", "expires_on": 30}, "Give the link a label"),
        ({"label": "  \u202e ", "expires_on": 30}, "Give the link a label"),
        ({"label": "MT", "expires_on": 0}, "Choose a day after today"),
        ({"label": "MT", "expires_on": -3}, "Choose a day after today"),
        ({"label": "MT", "expires_on": 366}, "A link works for at most a year"),
        ({"label": "MT", "expires_on": "31-02-2026"}, "Enter the day as a date"),
        ({"label": "MT", "expires_on": ""}, "Choose the last day the link works"),
        ({"label": "x" * 101, "expires_on": 30}, "at most 100 characters"),
    ],
)
def test_bad_input_stores_nothing_and_says_why(owner, campaign, data, error):
    if isinstance(data["expires_on"], int):
        data = {**data, "expires_on": in_days(data["expires_on"]).isoformat()}
    response = owner.post(links_url(campaign), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert "No link was created" in html
    assert 'id="new-link-url"' not in html
    assert not ReportLink.objects.exists()


def test_another_consultant_can_neither_list_create_nor_revoke(
    client, campaign, consultant, other_consultant, other_campaign
):
    new = make_link(campaign, consultant, label="MT of the owner")
    client.force_login(other_consultant)
    assert client.get(links_url(campaign)).status_code == 404
    data = {"label": "Stolen", "expires_on": in_days(5).isoformat()}
    assert client.post(links_url(campaign), data).status_code == 404
    assert client.get(revoke_url(new.link)).status_code == 404
    assert client.post(revoke_url(new.link)).status_code == 404
    # Nor through their own campaign's URL with the owner's link.
    theirs = reverse("reports:report_link_revoke", args=[other_campaign.slug, new.link.pk])
    assert client.post(theirs).status_code == 404
    new.link.refresh_from_db()
    assert new.link.revoked_at is None
    assert list(ReportLink.objects.values_list("label", flat=True)) == ["MT of the owner"]
    # Anonymous: to the login page.
    anonymous = Client()
    assert anonymous.get(links_url(campaign))["Location"].startswith("/login/")
    assert anonymous.post(revoke_url(new.link))["Location"].startswith("/login/")


def test_revoking_asks_first_and_needs_a_post_with_csrf(owner, campaign, consultant, visitor):
    new = make_link(campaign, consultant)
    confirm = owner.get(revoke_url(new.link))
    assert confirm.status_code == 200
    assert "Revoke the link for “MT Jansen BV”?" in confirm.content.decode()
    new.link.refresh_from_db()
    assert new.link.revoked_at is None

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(consultant)
    assert strict.post(revoke_url(new.link)).status_code == 403
    new.link.refresh_from_db()
    assert new.link.revoked_at is None
    assert visitor.get(shared(new.token)).status_code == 200

    done = owner.post(revoke_url(new.link), follow=True)
    assert done.status_code == 200
    assert "is revoked" in done.content.decode()
    new.link.refresh_from_db()
    assert new.link.revoked_by == consultant and new.link.revoked_at is not None


# =========================================================================== the scope


def test_the_link_shows_the_dashboard_without_comments_and_nothing_of_the_consultant(
    campaign, consultant, visitor
):
    new = make_link(campaign, consultant)
    response = visitor.get(shared(new.token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dashboard: Jansen spring round" in html
    assert 'id="chart-overall"' in html
    assert "data-shared-link" in html and "MT Jansen BV" in html
    # No comments at all: not the section, not the texts, not how many were hidden.
    assert COMMENT not in html
    assert 'id="comments"' not in html
    assert 'href="#comments"' not in html
    # No downloads, no PDF (not chosen), nothing for the consultant alone.
    assert "data-download" not in html
    for name in ("export_csv", "export_xlsx", "export_json", "item_analysis", "report_pdf"):
        assert reverse(f"reports:{name}", args=[campaign.slug]) not in html
    assert f"/campaigns/{campaign.slug}/" not in html
    assert "/organisations/" not in html
    assert 'class="breadcrumb"' not in html
    assert "Log out" not in html
    assert "Read-only links" not in html
    # Groups under k stay hidden, as on the dashboard.
    assert "fewer than k responses (k = 5)" in html
    assert response["Cache-Control"].startswith("max-age=0")
    assert "noindex" in response["X-Robots-Tag"]


def test_comments_only_when_chosen(campaign, consultant, visitor):
    new = make_link(campaign, consultant, shows_comments=True)
    html = visitor.get(shared(new.token)).content.decode()
    assert COMMENT in html
    assert 'id="comments"' in html


def test_filters_work_under_the_link_and_hide_groups_under_k(campaign, consultant, visitor):
    new = make_link(campaign, consultant)
    html = visitor.get(shared(new.token)).content.decode()
    assert f'action="{shared(new.token)}"' in html  # the filter stays under the link
    beta = visitor.get(shared(new.token) + "?team=Beta").content.decode()
    assert "You are looking at a part of the campaign" in beta
    assert 'data-state="hidden"' not in beta
    for hidden in ("Gamma", "Alpha"):  # below k, and Alpha would give Gamma away
        page = visitor.get(shared(new.token) + f"?team={hidden}").content.decode()
        assert 'data-state="hidden"' in page
        assert 'id="chart-overall"' not in page
    assert 'data-state="hidden"' in visitor.get(shared(new.token) + "?role=board").content.decode()


def test_the_link_opens_nothing_of_other_campaigns(campaign, consultant, other_campaign, visitor):
    new = make_link(campaign, consultant, allows_pdf=True, shows_comments=True)
    html = visitor.get(shared(new.token) + f"?slug={other_campaign.slug}").content.decode()
    assert "Pietersen" not in html
    assert "Jansen spring round" in html
    # Another campaign's team is not a team of this one.
    unknown = visitor.get(shared(new.token) + "?team=Delta").content.decode()
    assert 'data-state="unknown"' in unknown and "Pietersen" not in unknown
    # Having opened the link gives no access to consultant pages, of either campaign.
    for slug in (campaign.slug, other_campaign.slug):
        for name in (
            "reports:dashboard",
            "reports:export_csv",
            "reports:export_xlsx",
            "reports:export_json",
            "reports:report_pdf",
            "reports:item_analysis",
            "reports:report_links",
            "assessment:campaign_detail",
        ):
            response = visitor.get(reverse(name, args=[slug]))
            assert response.status_code == 302, name
            assert response["Location"].startswith("/login/"), name
    # A link is a dashboard, not a way in: nothing under it but its three URLs.
    assert visitor.get(shared(new.token) + "export.csv").status_code == 404
    assert visitor.get(shared(new.token) + "export.json").status_code == 404


def test_no_pdf_unless_chosen(campaign, consultant, visitor):
    new = make_link(campaign, consultant)
    assert visitor.get(shared(new.token, "report_pdf") + "?lang=en").status_code == 404
    status = shared(new.token, "report_status") + "?lang=en&signature=" + "0" * 64
    assert visitor.get(status).status_code == 404
    assert not ReportJob.objects.exists()


def wait_until_done(client, status_url: str, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(status_url).json()["state"]
        if state in ("done", "failed"):
            return state
        time.sleep(0.2)
    raise AssertionError("the report was not ready in time")


def test_the_pdf_under_the_link_leaves_out_comments_when_not_chosen(campaign, consultant, visitor):
    new = make_link(campaign, consultant, allows_pdf=True)
    html = visitor.get(shared(new.token)).content.decode()
    pdf_url = shared(new.token, "report_pdf") + "?lang=en"
    assert f'href="{pdf_url}"' in html
    first = visitor.get(pdf_url)
    assert first.status_code == 202
    page = first.content.decode()
    status = re.search(r'data-report-status="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert status.startswith(shared(new.token, "report_status"))
    assert f'href="{shared(new.token)}"' in page  # back to the link's dashboard
    assert 'class="breadcrumb"' not in page
    assert wait_until_done(visitor, status) == "done"

    ready = visitor.get(pdf_url)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(b"".join(ready))).pages)
    assert "Jansen" in text
    assert "Customers wait" not in text
    assert "Appendix: comments" not in text
    job = ReportJob.objects.get()
    assert job.with_comments is False and job.family.endswith(".nc")


def test_the_report_without_comments_is_a_version_of_its_own(campaign):
    with_comments = pdf.report_input(campaign, "en")
    without = pdf.report_input(campaign, "en", comments=False)
    assert with_comments.profile.comments and not without.profile.comments
    assert without.profile.comments_hidden == 0
    assert with_comments.signature() != without.signature()
    keys = [report_jobs.ReportKey.of(campaign.slug, r) for r in (with_comments, without)]
    assert keys[0].family != keys[1].family
    assert COMMENT in pdf.render_html(with_comments, charts_as_links=True)
    html = pdf.render_html(without, charts_as_links=True)
    assert COMMENT not in html and 'id="comments"' not in html


# =========================================================================== revoked, expired


def test_revoking_stops_every_url_under_the_link_at_once(owner, campaign, consultant, visitor):
    new = make_link(campaign, consultant, allows_pdf=True, shows_comments=True)
    assert visitor.get(shared(new.token)).status_code == 200
    owner.post(revoke_url(new.link))
    visits = ReportLinkVisit.objects.count()
    for url in every_url(new.token):
        response = visitor.get(url)
        assert response.status_code == 410, url
        html = response.content.decode()
        assert "This link no longer works" in html
        assert "Deze link werkt niet meer" in html  # in both languages
        assert "withdrawn" in html
        assert "Jansen" not in html and COMMENT not in html
        assert response["Cache-Control"].startswith("max-age=0")
    assert ReportLinkVisit.objects.count() == visits  # a closed door is no visit
    assert "Revoked" in owner.get(links_url(campaign)).content.decode()


@pytest.mark.parametrize("days", [-1, -40])
def test_an_expired_link_is_gone(campaign, consultant, visitor, days):
    new = make_link(campaign, consultant, allows_pdf=True)
    ReportLink.objects.filter(pk=new.link.pk).update(expires_on=in_days(days))
    for url in every_url(new.token):
        response = visitor.get(url)
        assert response.status_code == 410, url
        assert "was valid until" in response.content.decode()


def test_a_link_works_on_its_last_day(campaign, consultant, visitor):
    new = make_link(campaign, consultant)
    ReportLink.objects.filter(pk=new.link.pk).update(expires_on=in_days(0))
    assert visitor.get(shared(new.token)).status_code == 200


def test_an_unknown_token_is_not_found(db, visitor):
    for token in ("a" * 43, "x", "no-such-link"):
        assert visitor.get(shared(token)).status_code == 404
        assert visitor.get(shared(token, "report_pdf")).status_code == 404


def test_only_get_under_the_link(campaign, consultant, visitor):
    new = make_link(campaign, consultant, allows_pdf=True)
    assert visitor.post(shared(new.token)).status_code == 405


# =========================================================================== visits, limits


def test_visits_are_logged_with_the_time_only(owner, campaign, consultant, visitor):
    new = make_link(campaign, consultant, allows_pdf=True)
    before = timezone.now()
    visitor.get(shared(new.token), REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Secret/1.0")
    visitor.get(shared(new.token) + "?team=Beta")
    visits = ReportLinkVisit.objects.filter(link=new.link)
    assert visits.count() == 2
    assert {f.name for f in ReportLinkVisit._meta.get_fields()} == {"id", "link", "visited_at"}
    assert all(before <= v.visited_at <= timezone.now() for v in visits)
    for model in (ReportLinkVisit, ReportLink):
        for row in model.objects.values():
            assert "192.0.2.7" not in str(row) and "Secret" not in str(row)
    html = owner.get(links_url(campaign)).content.decode()
    assert 'data-visits="2"' in html
    latest = timezone.localtime(visits.latest("visited_at").visited_at)
    assert latest.strftime("%H:%M") in html


def test_the_link_urls_are_rate_limited_per_address(settings, campaign, consultant):
    # A day's window: on a loaded machine four dashboards can straddle a minute's boundary.
    settings.RATELIMIT_SHARED_REPORT_PER_IP = "3/d"
    new = make_link(campaign, consultant)
    visitor = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="198.51.100.4")
    assert visitor.get(shared(new.token)).status_code == 200
    assert visitor.get(shared(new.token)).status_code == 200
    assert visitor.get(shared("a" * 43)).status_code == 404  # guesses count too
    refused = visitor.get(shared(new.token))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert ReportLinkVisit.objects.count() == 2  # the refused request never ran
    elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="198.51.100.5")
    assert elsewhere.get(shared(new.token)).status_code == 200
