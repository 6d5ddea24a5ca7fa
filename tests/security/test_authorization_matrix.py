"""Who may reach which URL: every URL pattern of the project, for five kinds of visitor.

The URL patterns are collected from the resolver, so a URL added anywhere in the project
is checked automatically: a URL this file cannot classify FAILS, with a message saying
where to add it. Each URL is requested as

* ``anonymous``   a visitor without cookies,
* ``respondent``  a visitor holding a respondent cookie from the public flow (no account),
* ``owner``       the consultant who owns the organisation the URL points into,
* ``other``       another consultant (with an organisation and campaign of their own),
* ``staff``       a superuser who does not own the organisation,

with GET, and with POST where the view changes something. Refused POSTs must leave the
database (and the mail outbox) exactly as they were; GETs never change anything.
The Django admin is checked separately: every admin URL, staff only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from axes.models import AccessFailureLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.http import HttpRequest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from assessment import page_plan, respondent_cookie
from assessment.models import Answer, Campaign, Invitation, Response
from assessment.tokens import digest, new_token
from questionnaires.models import Item, Questionnaire, QuestionnaireVersion
from reports.action_services import ActionInput, create_action
from reports.business_result_services import set_result
from reports.models import ReportJob, ReportLinkVisit
from reports.report_jobs import make_report
from reports.report_links import create_report_link
from tests.factories import PASSWORD, CampaignFactory, OrganisationFactory, TeamFactory, UserFactory

ANON, RESPONDENT, OWNER, OTHER, STAFF = "anonymous", "respondent", "owner", "other", "staff"
ROLES = (ANON, RESPONDENT, OWNER, OTHER, STAFF)
MATRIX_FILE = "tests/security/test_authorization_matrix.py"


# =========================================================================== the URLs


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or "<unnamed>" for a pattern without a name
    route: str  # the full pattern, for messages
    keys: tuple[str, ...]  # the URL's keyword arguments

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]


def collect_routes(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every URL pattern of the project, walking includes and namespaces recursively."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from collect_routes(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or "<unnamed>"
            full = f"{namespace}:{name}" if namespace else name
            yield Route(full, route, tuple(entry.pattern.regex.groupindex))


ALL_ROUTES = list(collect_routes())
SITE_ROUTES = [r for r in ALL_ROUTES if r.namespace != "admin"]
ADMIN_ROUTES = [r for r in ALL_ROUTES if r.namespace == "admin"]


# =========================================================================== outcomes


@dataclass(frozen=True)
class Outcome:
    status: int
    location: Callable[[World, str], str] | None = None  # 302 target (exact)
    location_prefix: str = ""
    refused: bool = False  # a refused request must not change anything

    def check(self, response, world: World, url: str, label: str) -> None:
        assert response.status_code == self.status, (
            f"{label}: expected {self.status}, got {response.status_code}"
            + (f" -> {response.get('Location')}" if response.status_code in (301, 302) else "")
        )
        if self.location is not None:
            assert response["Location"] == self.location(world, url), (
                f"{label}: redirected to {response['Location']}"
            )
        if self.location_prefix:
            assert response["Location"].startswith(self.location_prefix), (
                f"{label}: redirected to {response['Location']}, expected {self.location_prefix}..."
            )


OK = Outcome(200)
ACCEPTED = Outcome(202)
LOGIN = Outcome(302, location_prefix="/login/?next=", refused=True)
ADMIN_LOGIN = Outcome(302, location_prefix="/admin/login/?next=", refused=True)
FORBIDDEN = Outcome(403, refused=True)
NOT_FOUND = Outcome(404, refused=True)
NOT_ALLOWED = Outcome(405, refused=True)
INVALID = Outcome(400, refused=True)


def to(target: Callable[[World], str]) -> Outcome:
    return Outcome(302, location=lambda world, url: target(world))


def to_prefix(prefix: str) -> Outcome:
    return Outcome(302, location_prefix=prefix)


def same(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(ROLES, outcome)


def consultant_only(owner: Outcome = OK, *, staff: Outcome = NOT_FOUND) -> dict[str, Outcome]:
    """A consultant page of one organisation: login first, strangers (staff too) 404."""
    return {ANON: LOGIN, RESPONDENT: LOGIN, OWNER: owner, OTHER: NOT_FOUND, STAFF: staff}


def any_consultant(outcome: Outcome = OK) -> dict[str, Outcome]:
    return {ANON: LOGIN, RESPONDENT: LOGIN, OWNER: outcome, OTHER: outcome, STAFF: outcome}


def post_only() -> dict[str, Outcome]:
    """GET on a POST-only consultant action: login first, then 405 for everybody."""
    return {
        ANON: LOGIN,
        RESPONDENT: LOGIN,
        OWNER: NOT_ALLOWED,
        OTHER: NOT_ALLOWED,
        STAFF: NOT_ALLOWED,
    }


def respondent_page(respondent: Outcome) -> dict[str, Outcome]:
    """A questionnaire page: without this campaign's cookie you are sent to the start."""
    start = to(lambda w: w.url("respondent:campaign"))
    return {**same(start), RESPONDENT: respondent}


# =========================================================================== the matrix


@dataclass(frozen=True)
class Post:
    data: Callable[..., dict[str, Any]]  # (world) or, with per_role, (world, role)
    expect: dict[str, Outcome]
    changes: bool = True  # the allowed POST changes something
    per_role: bool = False

    def data_for(self, world: World, role: str) -> dict[str, Any]:
        return self.data(world, role) if self.per_role else self.data(world)


@dataclass(frozen=True)
class Spec:
    kwargs: Callable[[World], dict[str, Any]] = lambda w: {}
    get: dict[str, Outcome] = field(default_factory=dict)
    post: Post | None = None
    query: str = ""


def slug(w: World) -> dict[str, Any]:
    return {"slug": w.campaign.slug}


def org_pk(w: World) -> dict[str, Any]:
    return {"pk": w.organisation.pk}


def campaign_token(w: World) -> dict[str, Any]:
    return {"token": w.campaign.token}


def shared_token(w: World) -> dict[str, Any]:
    return {"token": w.report_token}


def action_pk(w: World) -> dict[str, Any]:
    return {"slug": w.campaign.slug, "pk": w.action_pk}


QUICK_DIMENSION = "diamond.belief"  # a dimension of the quick scan


def action_form_data(w: World, **extra) -> dict[str, Any]:
    return {"dimension": QUICK_DIMENSION, "status": "planned", "target_score": "60", **extra}


def in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def campaign_data(w: World, **extra) -> dict[str, Any]:
    return {
        "name": "Renamed by a POST",
        "slug": w.campaign.slug,
        "questionnaire": str(Questionnaire.objects.get(code="quick").pk),
        "anonymity_threshold": "3",
        "language": "en",
        "teams": "Sales",
        **extra,
    }


def start_data(w: World) -> dict[str, Any]:
    return {"role": Response.MANAGER, "team": str(w.team.pk)}


def page_one_data(w: World) -> dict[str, Any]:
    page = page_plan.get_page_plan(w.campaign.questionnaire_version).page(1)
    return {**{f"i-{item.pk}": "2" for item in page.items}, "action": "next"}


CONTINUE = to(lambda w: w.url("respondent:page", number=2))  # the respondent did page 1
PAGE_ONE = to(lambda w: w.url("respondent:page", number=1))
REVIEW = to(lambda w: w.url("respondent:review"))


MATRIX: dict[str, Spec] = {
    # ---------------------------------------------------------------- public pages
    "home": Spec(get=same(OK)),
    "healthz": Spec(get=same(OK)),  # the load balancer's check: no log-in, no data
    "set_language": Spec(
        get=same(to(lambda w: "/")),  # only a POST sets the language
        post=Post(lambda w: {"language": "en", "next": "/"}, same(to(lambda w: "/")), False),
    ),
    "login": Spec(
        get=same(OK),
        # a wrong password: the form again, nobody logged in (lockout: test_rate_limits)
        post=Post(
            lambda w, role: {"username": f"nobody-{role}", "password": "wrong"},
            same(OK),
            changes=False,
            per_role=True,
        ),
    ),
    "logout": Spec(get=same(NOT_ALLOWED), post=Post(lambda w: {}, same(to(lambda w: "/")), False)),
    # ---------------------------------------------------------------- consultant pages
    "assessment:organisation_list": Spec(get=any_consultant()),
    "assessment:organisation_create": Spec(
        get=any_consultant(),
        post=Post(lambda w: {"name": "Brand new BV"}, any_consultant(to_prefix("/organisations/"))),
    ),
    "assessment:organisation_detail": Spec(org_pk, get=consultant_only()),
    "assessment:organisation_share": Spec(
        org_pk,
        get=post_only(),
        post=Post(
            lambda w: {"username": w.other.username},
            consultant_only(to(lambda w: w.url("assessment:organisation_detail", pk=w.org_pk))),
        ),
    ),
    "assessment:organisation_unshare": Spec(
        lambda w: {"pk": w.organisation.pk, "user_id": w.colleague.pk},
        get=post_only(),
        post=Post(
            lambda w: {},
            consultant_only(to(lambda w: w.url("assessment:organisation_detail", pk=w.org_pk))),
        ),
    ),
    "assessment:organisation_delete": Spec(
        org_pk,
        get=consultant_only(),
        post=Post(
            lambda w: {"confirm_name": w.organisation.name},
            consultant_only(to(lambda w: w.url("assessment:organisation_list"))),
        ),
    ),
    "assessment:campaign_create": Spec(
        org_pk,
        get=consultant_only(),
        post=Post(
            lambda w: campaign_data(w, slug="brand-new", name="Brand new"),
            consultant_only(to(lambda w: w.url("assessment:campaign_detail", slug="brand-new"))),
        ),
    ),
    "assessment:campaign_detail": Spec(slug, get=consultant_only()),
    "assessment:campaign_edit": Spec(
        slug,
        get=consultant_only(),
        post=Post(
            campaign_data,
            consultant_only(to(lambda w: w.url("assessment:campaign_detail", slug=w.slug))),
        ),
    ),
    "assessment:campaign_progress": Spec(slug, get=consultant_only()),
    "assessment:campaign_qr": Spec(slug, get=consultant_only(), query="?team={team}"),
    "assessment:team_workshop_tablet": Spec(
        lambda w: {"slug": w.slug, "team_pk": w.team.pk},
        get=post_only(),
        post=Post(
            lambda w: {"on": "1"},
            consultant_only(
                to(
                    lambda w: (
                        w.url("assessment:campaign_detail", slug=w.slug) + f"#team-link-{w.team.pk}"
                    )
                )
            ),
        ),
    ),
    "assessment:campaign_open": Spec(
        slug,
        get=post_only(),
        post=Post(
            lambda w: {},
            consultant_only(to(lambda w: w.url("assessment:campaign_detail", slug=w.slug))),
            changes=False,  # it is open already
        ),
    ),
    "assessment:campaign_close": Spec(
        slug,
        get=post_only(),
        post=Post(
            lambda w: {},
            consultant_only(to(lambda w: w.url("assessment:campaign_detail", slug=w.slug))),
        ),
    ),
    "assessment:campaign_add_customer_mirror": Spec(
        slug,
        get=post_only(),
        post=Post(
            lambda w: {"segments": "B2B", "anonymity_threshold": "5"},
            consultant_only(
                to(
                    lambda w: w.url(
                        "assessment:campaign_detail",
                        slug=Campaign.objects.get(mirror_of=w.campaign).slug,
                    )
                )
            ),
        ),
    ),
    "assessment:campaign_invite": Spec(
        slug,
        get=post_only(),
        post=Post(
            lambda w: {"addresses": "new.person@example.nl"},
            consultant_only(
                to(lambda w: w.url("assessment:campaign_detail", slug=w.slug) + "#invitations")
            ),
        ),
    ),
    "assessment:campaign_remind": Spec(
        slug,
        get=post_only(),
        post=Post(
            lambda w: {},
            consultant_only(
                to(lambda w: w.url("assessment:campaign_detail", slug=w.slug) + "#invitations")
            ),
        ),
    ),
    "assessment:campaign_responses_delete": Spec(
        slug,
        get=consultant_only(),
        post=Post(
            lambda w: {"confirm_name": w.campaign.name},
            consultant_only(to(lambda w: w.url("assessment:campaign_detail", slug=w.slug))),
        ),
    ),
    # ---------------------------------------------------------------- dashboard, downloads
    "reports:dashboard": Spec(slug, get=consultant_only()),
    # The respondent-level files: a warning page, then the download by POST, written to
    # the audit log (the change); strangers learn nothing.
    "reports:export_csv": Spec(
        slug, get=consultant_only(), post=Post(lambda w: {}, consultant_only())
    ),
    "reports:export_xlsx": Spec(
        slug, get=consultant_only(), post=Post(lambda w: {}, consultant_only())
    ),
    # The customer mirror's answers: a second button of the CSV page, POST only. The
    # world's campaign has no mirror, so even its owner gets a 404 here; the download
    # itself is tested in tests/reports/test_customer_export.py.
    "reports:export_customers": Spec(
        slug, get=post_only(), post=Post(lambda w: {}, consultant_only(NOT_FOUND))
    ),
    "reports:export_json": Spec(slug, get=consultant_only()),
    # The action plan as CSV: no respondent's data, so the JSON's rule.
    "reports:export_actions": Spec(slug, get=consultant_only()),
    # The present mode, its speaker's window and the live slide's count: the
    # dashboard's rule.
    "reports:present": Spec(slug, get=consultant_only()),
    "reports:present_notes": Spec(slug, get=consultant_only()),
    "reports:present_count": Spec(slug, get=consultant_only()),
    # The owner sees the report being made (202, a progress page); nobody else learns
    # that the campaign exists.
    "reports:report_pdf": Spec(slug, get=consultant_only(ACCEPTED), query="?lang=en"),
    "reports:report_status": Spec(
        slug, get=consultant_only(), query="?lang=en&signature=" + "0" * 64
    ),
    # The workshop slides: the same background job as the PDF, the consultant's only (a
    # read-only link never offers them).
    "reports:slides_pptx": Spec(slug, get=consultant_only(ACCEPTED), query="?lang=en"),
    "reports:slides_status": Spec(
        slug, get=consultant_only(), query="?lang=en&signature=" + "0" * 64
    ),
    # The item analysis shows answers of one campaign: the dashboard's rule, staff too.
    "reports:item_analysis": Spec(slug, get=consultant_only()),
    # Read-only report links: made and revoked by the campaign's consultants only.
    "reports:report_links": Spec(
        slug,
        get=consultant_only(),
        post=Post(
            lambda w: {"label": "MT by a POST", "expires_on": in_days(30)},
            consultant_only(OK),  # the page again, with the new link shown once
        ),
    ),
    "reports:report_link_revoke": Spec(
        lambda w: {"slug": w.slug, "pk": w.report_link_pk},
        get=consultant_only(),  # the confirmation
        post=Post(
            lambda w: {},
            consultant_only(to(lambda w: w.url("reports:report_links", slug=w.slug) + "#links")),
        ),
    ),
    # Business results: entered and removed by the campaign's consultants only.
    "reports:business_results": Spec(
        slug,
        get=consultant_only(),
        post=Post(
            lambda w: {
                "metric": "nps",
                "value": "35",
                "period_start": "2025-01-01",
                "period_end": "2025-12-31",
            },
            consultant_only(
                to(lambda w: w.url("reports:business_results", slug=w.slug) + "#figures")
            ),
        ),
    ),
    "reports:business_result_remove": Spec(
        lambda w: {"slug": w.slug, "metric": "nps"},
        get=consultant_only(),  # asks first
        post=Post(
            lambda w: {},
            consultant_only(
                to(lambda w: w.url("reports:business_results", slug=w.slug) + "#figures")
            ),
        ),
    ),
    # The action plan: written by the campaign's consultants only; an action is found
    # only under its own campaign (carried over: under the next round's).
    "reports:action_create": Spec(
        slug,
        get=consultant_only(),  # without ?dimension=: choose the dimension first
        post=Post(
            lambda w: action_form_data(w, title="Added by a POST"),
            consultant_only(to_prefix("/campaigns/owners-campaign/dashboard/#action-")),
        ),
        query="?dimension=" + QUICK_DIMENSION,
    ),
    "reports:action_edit": Spec(
        action_pk,
        get=consultant_only(),
        post=Post(
            lambda w: action_form_data(w, title="Renamed by a POST"),
            consultant_only(
                to(lambda w: w.url("reports:dashboard", slug=w.slug) + f"#action-{w.action_pk}")
            ),
        ),
    ),
    "reports:action_note": Spec(
        action_pk,
        get=post_only(),
        post=Post(
            lambda w: {"written_on": in_days(0), "text": "Progress by a POST"},
            consultant_only(
                to(lambda w: w.url("reports:action_edit", slug=w.slug, pk=w.action_pk) + "#notes")
            ),
        ),
    ),
    "reports:action_delete": Spec(
        action_pk,
        get=consultant_only(),  # the confirmation
        post=Post(
            lambda w: {},
            consultant_only(to(lambda w: w.url("reports:dashboard", slug=w.slug) + "#actions")),
        ),
    ),
    "reports:action_carry_over": Spec(
        lambda w: {"slug": w.slug, "pk": w.previous_action_pk},
        get=post_only(),
        post=Post(
            lambda w: {},
            consultant_only(to_prefix("/campaigns/owners-campaign/actions/")),
        ),
    ),
    # ---------------------------------------------------------------- read-only link
    # Public by design: the token is the key, for anyone who holds it (the world's link
    # shows the dashboard and offers the PDF). Its visits are a log, left out of the
    # snapshot; what a link may not show is tested in tests/reports/test_report_links.py.
    "shared:dashboard": Spec(shared_token, get=same(OK)),
    # The first visitor has the report made (202, the progress page; the immediate task
    # backend makes it in that request); everybody after downloads it.
    "shared:report_pdf": Spec(shared_token, get={**same(OK), ANON: ACCEPTED}, query="?lang=en"),
    "shared:report_status": Spec(
        shared_token, get=same(OK), query="?lang=en&signature=" + "0" * 64
    ),
    # ---------------------------------------------------------------- respondent flow
    # Public by design: anyone with the link may answer. What needs the respondent's
    # cookie (their own response) is refused, storing nothing, without it.
    "respondent:campaign": Spec(
        campaign_token,
        get={**same(OK), RESPONDENT: CONTINUE},
        post=Post(start_data, {**same(PAGE_ONE), RESPONDENT: CONTINUE}),
    ),
    "respondent:team": Spec(
        lambda w: {"token": w.team.token},
        get={**same(OK), RESPONDENT: CONTINUE},
        post=Post(lambda w: {"role": Response.BOARD}, {**same(PAGE_ONE), RESPONDENT: CONTINUE}),
    ),
    "respondent:invitation": Spec(
        lambda w: {"token": w.invitation_token},
        get=same(OK),
        # the first POST starts the invitee's response; later ones continue it
        post=Post(start_data, same(PAGE_ONE)),
    ),
    "respondent:page": Spec(
        lambda w: {"token": w.campaign.token, "number": 1},
        get=respondent_page(OK),
        post=Post(page_one_data, {**same(FORBIDDEN), RESPONDENT: CONTINUE}),
    ),
    "respondent:review": Spec(campaign_token, get=respondent_page(OK)),
    "respondent:submit": Spec(
        campaign_token,
        get=same(NOT_ALLOWED),
        post=Post(
            lambda w: {},
            {**same(FORBIDDEN), RESPONDENT: to(lambda w: w.url("respondent:thanks"))},
        ),
    ),
    "respondent:thanks": Spec(campaign_token, get=respondent_page(CONTINUE)),
    "respondent:saved": Spec(campaign_token, get=respondent_page(OK)),
    "respondent:resume": Spec(
        campaign_token,
        get=same(OK),
        # The code is the credential: whoever holds it continues that response (the
        # respondent here); a wrong code is refused (the others), and changes nothing.
        post=Post(
            lambda w, role: {"code": w.resume_code if role == RESPONDENT else "ABCD-EFGH"},
            {**same(INVALID), RESPONDENT: CONTINUE},
            changes=False,
            per_role=True,
        ),
    ),
}


def unclassified_message(route: Route) -> str:
    return (
        f"URL {route.name!r} (/{route.route}) is not in the authorization matrix. Add it "
        f"to MATRIX in {MATRIX_FILE} with the expected outcome for every role "
        f"({', '.join(ROLES)}), and a Post(...) if the view changes anything."
    )


# =========================================================================== the world


@dataclass
class World:
    owner: Any
    other: Any
    staff: Any
    colleague: Any
    organisation: Any
    campaign: Campaign
    team: Any
    other_campaign: Campaign
    invitation_token: str
    clients: dict[str, Client]
    resume_code: str = ""
    role: str = ""
    report_token: str = ""  # a read-only link to the campaign: dashboard and PDF
    report_link_pk: int = 0
    action_pk: int = 0  # an action of the campaign
    previous_action_pk: int = 0  # an action of its previous round

    @property
    def slug(self) -> str:
        return self.campaign.slug

    @property
    def org_pk(self) -> int:
        return self.organisation.pk

    def url(self, name: str, **kwargs) -> str:
        if name.startswith("respondent:"):
            kwargs.setdefault("token", self.campaign.token)
        return reverse(name, kwargs=kwargs)


def respondent_credentials(client: Client, campaign: Campaign) -> respondent_cookie.Credentials:
    """What the respondent's browser holds, read the way the views read it."""
    name = respondent_cookie.cookie_name(campaign)
    request = HttpRequest()
    request.COOKIES = {name: client.cookies[name].value}
    value = request.get_signed_cookie(name, None, salt=respondent_cookie.cookie_salt(campaign))
    return respondent_cookie.unpack_cookie(value)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(banks, quick_version, settings) -> World:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed
    owner = UserFactory(username="owner-a")
    other = UserFactory(username="other-b")
    staff = UserFactory(username="staff-s", is_staff=True, is_superuser=True)
    colleague = UserFactory(username="colleague-c")
    organisation = OrganisationFactory(name="Owner's client BV", owner=owner)
    organisation.shared_with.add(colleague)
    campaign = CampaignFactory(
        organisation=organisation,
        name="Owner's campaign",
        slug="owners-campaign",
        questionnaire_version=quick_version,
        language="en",
    )
    team = TeamFactory(campaign=campaign, name="Sales", expected_size=10)
    plan = page_plan.get_page_plan(quick_version)
    for index in range(5):  # enough submitted responses (k = 3) for real dashboards
        role = Response.MANAGER if index < 3 else Response.EMPLOYEE
        response = Response.objects.create(
            campaign=campaign,
            team=team,
            role=role,
            status=Response.SUBMITTED,
            key_digest=digest("response", new_token()),
            resume_code_digest=digest("resume", new_token()),
        )
        Answer.objects.bulk_create(
            Answer(
                response=response,
                item_id=pk,
                value=None if (pk + index) % 7 == 0 else 1 + (pk * 3 + index) % 5,
            )
            for pk in sorted(plan.item_ids)
        )
    token = new_token()
    Invitation.objects.create(
        campaign=campaign, email="invitee@example.nl", token_digest=digest("invitation", token)
    )
    other_org = OrganisationFactory(name="Other's client BV", owner=other)
    other_campaign = CampaignFactory(organisation=other_org, slug="others-campaign")

    respondent = Client()
    assert (
        respondent.post(f"/s/{campaign.token}/", {"role": "employee", "team": team.pk}).status_code
        == 302
    )
    # Every page but page 2, so that page 2 is where the respondent continues and the
    # response has enough answers to be submitted (the campaign's minimum_answered).
    for page in plan.pages:
        if page.number == 2:
            continue
        data = {f"i-{item.pk}": "4" for item in page.items}
        assert respondent.post(f"/s/{campaign.token}/p/{page.number}/", data).status_code == 302
    credentials = respondent_credentials(respondent, campaign)
    shared = create_report_link(
        campaign=campaign,
        label="MT Owner's client",
        expires_on=timezone.localdate() + dt.timedelta(days=30),
        shows_comments=False,
        allows_pdf=True,
        created_by=owner,
    )
    # A business figure, for the page that removes one.
    set_result(
        campaign=campaign,
        metric="nps",
        value=Decimal(20),
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
    )
    action = create_action(
        campaign=campaign, data=ActionInput(dimension=QUICK_DIMENSION, title="Map the journey")
    )
    previous = CampaignFactory(
        organisation=organisation, slug="owners-last-round", questionnaire_version=quick_version
    )
    Campaign.objects.filter(pk=previous.pk).update(
        created_at=campaign.created_at - dt.timedelta(days=365)
    )
    previous_action = create_action(
        campaign=previous, data=ActionInput(dimension=QUICK_DIMENSION, title="Last year's")
    )
    clients = {
        ANON: Client(),
        RESPONDENT: respondent,
        OWNER: logged_in(owner),
        OTHER: logged_in(other),
        STAFF: logged_in(staff),
    }
    # One task in the database queue, for its admin pages.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    make_report.enqueue(job_id=0, slug=campaign.slug, language="en", team=None)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    return World(
        owner,
        other,
        staff,
        colleague,
        organisation,
        campaign,
        team,
        other_campaign,
        token,
        clients,
        resume_code=credentials.code,
        report_token=shared.token,
        report_link_pk=shared.link.pk,
        action_pk=action.pk,
        previous_action_pk=previous_action.pk,
    )


# =========================================================================== the state


def snapshot() -> str:
    """A fingerprint of every row a view could change (plus the mail outbox)."""
    digest_ = hashlib.sha256()
    for model in apps.get_models():
        if model._meta.app_label in ("sessions", "axes", "admin", "contenttypes"):
            continue
        # A report job and its queued task stand for a file that a GET of the report
        # makes on demand, as a cache does; what the report shows is in the rows above.
        if model is ReportJob or model._meta.app_label == "django_tasks_database":
            continue
        # A read-only link's visits are its log (the time of each opening), as axes' are.
        if model is ReportLinkVisit:
            continue
        fields = [
            f.attname for f in model._meta.concrete_fields if f.attname not in ("last_login",)
        ]
        rows = model._default_manager.order_by("pk").values_list(*fields)
        digest_.update(f"{model._meta.label}:{list(rows)!r}".encode())
        for m2m in model._meta.local_many_to_many:
            through = m2m.remote_field.through
            digest_.update(repr(list(through.objects.order_by("pk").values_list())).encode())
    digest_.update(f"mail:{len(mail.outbox)}".encode())
    return digest_.hexdigest()


# =========================================================================== the tests


@pytest.mark.parametrize("route", SITE_ROUTES, ids=[r.name for r in SITE_ROUTES])
def test_every_url_has_the_expected_outcome_for_every_role(route: Route, world: World):
    spec = MATRIX.get(route.name)
    if spec is None:
        pytest.fail(unclassified_message(route))
    kwargs = spec.kwargs(world)
    assert set(kwargs) == set(route.keys), (
        f"{route.name}: the matrix fills {sorted(kwargs)} but the URL takes {sorted(route.keys)}"
    )
    url = reverse(route.name, kwargs=kwargs) + spec.query.format(team=world.team.pk)
    assert spec.get, f"{route.name}: give the expected GET outcome for every role"

    before = snapshot()
    for role in ROLES:
        jobs = ReportJob.objects.count()
        response = world.clients[role].get(url)
        spec.get[role].check(response, world, url, f"GET {url} as {role}")
        if spec.get[role].refused:  # the snapshot leaves report jobs out; a refusal makes none
            assert ReportJob.objects.count() == jobs, f"GET {url} as {role} queued a report"
    assert snapshot() == before, f"GET {url} changed the database"

    if spec.post is None:
        return
    refused = [role for role in ROLES if spec.post.expect[role].refused]
    allowed = [role for role in ROLES if not spec.post.expect[role].refused]
    for role in refused:
        response = world.clients[role].post(url, spec.post.data_for(world, role))
        spec.post.expect[role].check(response, world, url, f"POST {url} as {role}")
        assert snapshot() == before, f"POST {url} as {role} was refused but changed something"
    for role in allowed:
        response = world.clients[role].post(url, spec.post.data_for(world, role))
        spec.post.expect[role].check(response, world, url, f"POST {url} as {role}")
    if allowed and spec.post.changes:
        assert snapshot() != before, f"POST {url} as {allowed} should have changed something"


def test_matrix_has_no_stale_entries():
    names = {route.name for route in ALL_ROUTES}
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"remove these from MATRIX in {MATRIX_FILE}, they are no URLs: {stale}"


def test_every_route_is_checked():
    """The walk finds the URLs of every include (guards the collector itself)."""
    names = {route.name for route in ALL_ROUTES}
    for expected in ("home", "assessment:campaign_detail", "respondent:page", "admin:index"):
        assert expected in names
    assert all(route.name != "<unnamed>" for route in SITE_ROUTES), (
        "every URL outside the admin needs a name; "
        + "; ".join(unclassified_message(r) for r in SITE_ROUTES if r.name == "<unnamed>")
    )


def test_downloads_of_another_consultant_leak_nothing(world: World):
    """Strangers get the same 404 for another's campaign as for one that does not exist."""
    client = world.clients[OTHER]
    for name in (
        "reports:export_csv",
        "reports:export_xlsx",
        "reports:export_json",
        "reports:export_actions",
        "reports:item_analysis",
        "reports:dashboard",
        "reports:report_pdf",
        "reports:report_status",
        "reports:slides_pptx",
        "reports:slides_status",
        "reports:report_links",
        "reports:present",
        "reports:present_notes",
        "reports:present_count",
    ):
        theirs = client.get(reverse(name, kwargs={"slug": world.campaign.slug}))
        missing = client.get(reverse(name, kwargs={"slug": "no-such-campaign"}))
        assert theirs.status_code == missing.status_code == 404
        assert theirs.content == missing.content
        assert b"Owner" not in theirs.content
        assert "Content-Disposition" not in theirs
    own = world.clients[OWNER].post(reverse("reports:export_csv", kwargs={"slug": world.slug}))
    assert own.status_code == 200 and own["Content-Disposition"].startswith("attachment")


# =========================================================================== the admin

MODEL_URLS = ("changelist", "add", "change", "delete", "history")
OBJECT_URLS = ("change", "delete", "history")


def admin_model(route_name: str):
    """The registered model of ``admin:<app>_<model>_<what>``, and <what>."""
    name = route_name.split(":", 1)[1]
    for model in admin.site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            return model, name[len(prefix) :]
    return None, None


def admin_urls(world: World) -> Iterator[tuple[str, str, dict[str, Outcome]]]:
    """(name, url, outcome per role) for every admin URL pattern."""
    refused = dict.fromkeys((ANON, RESPONDENT, OWNER, OTHER), ADMIN_LOGIN)
    objects = {
        model: model._default_manager.order_by("pk").first() for model in admin.site._registry
    }
    # An item the world's answered campaign uses (edition 1's archived items are in no
    # answered version).
    objects[Item] = (
        Item.objects.filter(versions__in=QuestionnaireVersion.objects.frozen())
        .order_by("pk")
        .first()
    )
    seen_unnamed = False
    for route in ADMIN_ROUTES:
        name = route.name
        short = name.split(":", 1)[1]
        staff = OK
        if short == "<unnamed>":
            if "(?P<url>" in route.route:  # the catch-all
                yield name, "/admin/no-such-page/", {**refused, STAFF: NOT_FOUND}
                continue
            # "<app>/<model>/<id>/": redirects to the change page; one is enough
            if not seen_unnamed:
                seen_unnamed = True
                campaign = world.campaign
                url = f"/admin/assessment/campaign/{campaign.pk}/"
                yield name, url, {**refused, STAFF: Outcome(302, location_prefix=url + "change/")}
            continue
        if short == "index":
            yield name, reverse(name), {**refused, STAFF: OK}
        elif short == "login":
            yield name, reverse(name), {**same(OK), STAFF: to_prefix("/admin/")}
        elif short == "logout":  # the admin sends non-staff to its index (then the login)
            index = Outcome(302, location=lambda w, u: "/admin/", refused=True)
            yield name, reverse(name), {**dict.fromkeys(refused, index), STAFF: NOT_ALLOWED}
        elif short in ("password_change", "password_change_done", "jsi18n"):
            yield name, reverse(name), {**refused, STAFF: OK}
        elif short == "autocomplete":  # needs its query parameters
            yield name, reverse(name), {**refused, STAFF: FORBIDDEN}
        elif short == "view_on_site":  # staff only; our models have no public page
            ct = world.campaign._meta
            from django.contrib.contenttypes.models import ContentType

            content_type = ContentType.objects.get(app_label=ct.app_label, model=ct.model_name)
            url = reverse(name, args=[content_type.pk, world.campaign.pk])
            yield name, url, {**refused, STAFF: NOT_FOUND}
        elif short == "app_list":
            for label in sorted({m._meta.app_label for m in admin.site._registry}):
                yield name, reverse(name, kwargs={"app_label": label}), {**refused, STAFF: OK}
        elif short == "auth_user_password_change":
            yield name, reverse(name, args=[world.owner.pk]), {**refused, STAFF: OK}
        elif short == "questionnaires_questionnaireversion_new_version":
            version = world.campaign.questionnaire_version
            yield name, reverse(name, args=[version.pk]), {**refused, STAFF: NOT_ALLOWED}
        else:
            model, what = admin_model(name)
            assert model is not None and what in MODEL_URLS, (
                f"admin URL {name!r} (/{route.route}) is not classified: add it to "
                f"admin_urls() in {MATRIX_FILE}"
            )
            obj = objects[model]
            if what in OBJECT_URLS:
                if obj is None:
                    pytest.fail(f"the world has no {model._meta.label} for {name}: create one")
                url = reverse(name, args=[obj.pk])
            else:
                url = reverse(name)
            staff = STAFF_EXCEPTIONS.get((model._meta.label, what), OK)
            yield name, url, {**refused, STAFF: staff}


# What the admin itself refuses to staff: rows the app writes itself, and items that an
# answered questionnaire version uses.
STAFF_EXCEPTIONS = {
    ("questionnaires.Item", "delete"): FORBIDDEN,
    ("axes.AccessAttempt", "add"): FORBIDDEN,
    ("axes.AccessLog", "add"): FORBIDDEN,
    ("axes.AccessFailureLog", "add"): FORBIDDEN,
    ("assessment.Invitation", "add"): FORBIDDEN,
    ("assessment.Response", "add"): FORBIDDEN,
    # The task queue's rows are the workers' own: staff read them, nobody adds one by hand.
    ("django_tasks_database.DBTaskResult", "add"): FORBIDDEN,
    ("django_tasks_database.DBTaskResult", "delete"): FORBIDDEN,
}


def test_admin_is_for_staff_only(world: World):
    # A row to open in every admin model: a group, and logins for django-axes' logs.
    Group.objects.create(name="Editors")
    Client().post("/login/", {"username": world.owner.username, "password": PASSWORD})
    Client().post("/login/", {"username": world.owner.username, "password": "wrong"})
    if not AccessFailureLog.objects.exists():  # only logged with AXES_ENABLE_ACCESS_FAILURE_LOG
        AccessFailureLog.objects.create(
            user_agent="test",
            ip_address="127.0.0.1",
            username="x",
            http_accept="*/*",
            path_info="/login/",
        )
    before = snapshot()
    checked, problems = 0, []
    for name, url, expect in admin_urls(world):
        for role in ROLES:
            response = world.clients[role].get(url)
            try:
                expect[role].check(response, world, url, f"GET {url} ({name}) as {role}")
            except AssertionError as error:
                problems.append(str(error).split("\n")[0])
            checked += 1
    assert not problems, "\n".join(problems)
    assert snapshot() == before
    assert checked >= 5 * 5 * len(admin.site._registry)

    # Changing through the admin: refused for everyone but staff, and nothing changes.
    campaign = world.campaign
    delete_url = reverse("admin:assessment_campaign_delete", args=[campaign.pk])
    new_version = reverse(
        "admin:questionnaires_questionnaireversion_new_version",
        args=[campaign.questionnaire_version.pk],
    )
    change_user = reverse("admin:auth_user_change", args=[world.owner.pk])
    for role in (ANON, RESPONDENT, OWNER, OTHER):
        for url, data in (
            (delete_url, {"post": "yes"}),
            (new_version, {}),
            (change_user, {"username": world.owner.username, "is_staff": "on"}),
        ):
            response = world.clients[role].post(url, data)
            ADMIN_LOGIN.check(response, world, url, f"POST {url} as {role}")
    assert snapshot() == before
    assert not get_user_model().objects.get(pk=world.owner.pk).is_staff
    response = world.clients[STAFF].post(delete_url, {"post": "yes"})
    assert response.status_code == 302
    assert not Campaign.objects.filter(pk=campaign.pk).exists()
