"""Builders shared by the tests: a small hand-made questionnaire with answers written as
Answer rows (for numbers checked by hand), and submitted responses on a shipped
questionnaire (for pages and reports)."""

from __future__ import annotations

import json
import re

from django.urls import reverse
from django.utils import timezone

from assessment.models import Answer, Comment, Response
from questionnaires.models import (
    Dimension,
    Framework,
    Item,
    Questionnaire,
    QuestionnaireVersion,
    Recommendation,
    VersionItem,
)
from tests.factories import (
    ClosedCampaignFactory,
    OrganisationFactory,
    ResponseFactory,
    TeamFactory,
)

# --------------------------------------------------------------------------- hand-made

# framework alpha (mean):          alpha.one (3 items, the third reverse-keyed), alpha.two (2)
# framework beta (weakest link):   beta.three (1 item), beta.four (1 item)
ITEMS = {
    "alpha.one.1": False,
    "alpha.one.2": False,
    "alpha.one.3": True,  # reverse-keyed
    "alpha.two.1": False,
    "alpha.two.2": False,
    "beta.three.1": False,
    "beta.four.1": False,
}
DIMENSIONS = ("alpha.one", "alpha.two", "beta.three", "beta.four")


def make_questionnaire() -> QuestionnaireVersion:
    """A small questionnaire of its own, so the hand computations do not depend on the
    shipped banks."""
    alpha = Framework.objects.create(
        code="alpha",
        order=90,
        aggregation=Framework.MEAN,
        source="Test source",
        name_nl="Alfa",
        name_en="Alpha",
        description_nl="Alfa-beschrijving",
        description_en="Alpha description",
    )
    beta = Framework.objects.create(
        code="beta", order=91, aggregation=Framework.WEAKEST_LINK, name_nl="Bèta", name_en="Beta"
    )
    frameworks = {"alpha": alpha, "beta": beta}
    dimensions = {}
    for order, full in enumerate(DIMENSIONS):
        fw, code = full.split(".")
        dimensions[full] = Dimension.objects.create(
            framework=frameworks[fw],
            code=code,
            order=order,
            name_nl=f"{code} (nl)",
            name_en=f"{code} (en)",
            description_nl=f"Beschrijving {code}",
            description_en=f"Description {code}",
            discussion_question_nl=f"Vraag over {code}?",
            discussion_question_en=f"Question about {code}?",
        )
    for order, text in enumerate(("First step", "Second step")):
        Recommendation.objects.create(
            dimension=dimensions["alpha.one"],
            order=order,
            text_nl=f"{text} (nl)",
            text_en=text,
        )
    questionnaire = Questionnaire.objects.create(
        code="handmade", name_nl="Handwerk", name_en="Handmade"
    )
    version = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)
    for order, (code, reverse_keyed) in enumerate(ITEMS.items()):
        dim = dimensions[code.rsplit(".", 1)[0]]
        item = Item.objects.create(
            dimension=dim,
            code=code,
            order=order,
            reverse_keyed=reverse_keyed,
            text_nl=f"Stelling {code}",
            text_en=f"Statement {code}",
        )
        VersionItem.objects.create(version=version, item=item, order=order)
    return version


def add_response(
    campaign,
    answers: dict[str, int | str],
    *,
    team=None,
    role: str = Response.EMPLOYEE,
    status: str = Response.SUBMITTED,
    comment: str | None = None,
) -> Response:
    """A response with Answer rows: 1-5, or "dk" for don't know; absent = unanswered."""
    response = ResponseFactory(campaign=campaign, team=team, role=role, status=status)
    items = dict(Item.objects.filter(code__in=answers).values_list("code", "pk"))
    Answer.objects.bulk_create(
        Answer(response=response, item_id=items[code], value=None if v == "dk" else v)
        for code, v in answers.items()
    )
    if comment:
        Comment.objects.create(response=response, topic="", text=comment)
    return response


def level(value: int) -> dict[str, int]:
    """Every item answered so that the keyed value is ``value`` (reverse items 6 - v)."""
    return {code: (6 - value if reverse_keyed else value) for code, reverse_keyed in ITEMS.items()}


def scored_rounds(owner, answers=(3, 4), names=("Round 1", "Round 2")) -> list:
    """Closed rounds of one organisation of `owner` on one `make_questionnaire()`, oldest
    first: three respondents answer every item of round i with answers[i] (3 scores
    50.0, 4 scores 75.0, as do the rounds' indexes)."""
    version = make_questionnaire()
    organisation = OrganisationFactory(owner=owner)
    rounds = [
        ClosedCampaignFactory(organisation=organisation, questionnaire_version=version, name=name)
        for name in names
    ]
    for campaign, answer in zip(rounds, answers, strict=True):
        for _ in range(3):
            add_response(campaign, level(answer))
    return rounds


# --------------------------------------------------------------------------- teams and the JSON

PEOPLE = [
    ("North", Response.MANAGER, 5, "North manager speaking"),
    ("North", Response.MANAGER, 5, None),
    ("North", Response.MANAGER, 5, None),
    ("North", Response.EMPLOYEE, 3, None),
    ("North", Response.EMPLOYEE, 3, None),
    ("South", Response.BOARD, 4, "South board remark"),
    ("South", Response.EMPLOYEE, 2, "South employee remark"),
    ("South", Response.EMPLOYEE, 2, None),
    ("South", Response.EMPLOYEE, 2, None),
    ("Tiny", Response.EMPLOYEE, 1, "Tiny team remark"),
    ("Tiny", Response.EMPLOYEE, 1, None),
    (None, Response.EMPLOYEE, 3, "No team remark"),
]


def build_teams_campaign(version, people=PEOPLE, **kwargs):
    kwargs = {"anonymity_threshold": 3, "language": "en"} | kwargs
    campaign = ClosedCampaignFactory(questionnaire_version=version, **kwargs)
    teams = {
        name: TeamFactory(campaign=campaign, name=name, order=i, expected_size=size)
        for i, (name, size) in enumerate(
            (("North", 6), ("South", 4), ("Tiny", None), ("East", None))
        )
    }
    for team, role, value, comment in people:
        add_response(
            campaign, level(value), team=teams[team] if team else None, role=role, comment=comment
        )
    return campaign


CAMPAIGN_KEYS = {
    "slug",
    "name",
    "organisation",
    "questionnaire",
    "version",
    "respondents",
    "anonymity_threshold",
    "stage_thresholds",
}
FRAMEWORK_KEYS = {"code", "name", "aggregation", "score", "mean", "stage", "dimensions"}
DIMENSION_KEYS = {"code", "name", "score", "stage", "n", "agreement", "favourable", "dont_know"}
GROUP_KEYS = {"name", "n", "suppressed", "overall", "dimensions"}
GAP_KEYS = {"dimension", "management", "employees", "gap", "flagged"}
ACTION_KEYS = {
    "id",
    "dimension",
    "title",
    "recommendation",
    "owner",
    "due_on",
    "target_score",
    "target_stage",
    "status",
    "overdue",
    "notes",
    "carried_from",
}
FOLLOW_UP_KEYS = ACTION_KEYS | {"then", "now", "change", "verdict", "carried_to"}
MIRROR_KEYS = {"state", "k", "n", "final", "dimensions", "segments", "headline", "comments"}
MIRROR_DIMENSION_KEYS = {
    "dimension",
    "management",
    "employees",
    "customers",
    "n_customers",
    "self_image_gap",
    "flagged",
}


def assert_design_shape(data: dict) -> None:
    """The profile JSON of docs/design.md, key for key."""
    assert set(data) == {
        "campaign",
        "overall",
        "frameworks",
        "groups",
        "gaps",
        "priorities",
        "strengths",
    }
    assert set(data["campaign"]) == CAMPAIGN_KEYS
    assert set(data["overall"]) == {"score", "stage"}
    for fw in data["frameworks"]:
        assert set(fw) == FRAMEWORK_KEYS
        for dim in fw["dimensions"]:
            assert set(dim) == DIMENSION_KEYS
    assert set(data["groups"]) == {"team", "role"}
    for kind in ("team", "role"):
        for group in data["groups"][kind]:
            if group["suppressed"]:
                assert set(group) == {"name", "n", "suppressed"}
            else:
                assert set(group) == GROUP_KEYS
    for gap in data["gaps"]:
        assert set(gap) == GAP_KEYS
    assert all(isinstance(code, str) for code in data["priorities"] + data["strengths"])


# --------------------------------------------------------------------------- shipped banks

EVIL_COMMENT = '<img src="file:///etc/hostname"> <script>alert(1)</script> http://example.com/x.png'


def value(i: int, j: int, shift: int) -> int:
    return max(1, min(5, 1 + (i + j) % 4 + shift))


def add_responses(campaign, count, *, team=None, role=Response.EMPLOYEE, shift=0, comment=None):
    """`count` submitted responses answering every item of the campaign's version."""
    items = list(campaign.questionnaire_version.items.values_list("pk", flat=True))
    for i in range(count):
        response = ResponseFactory(
            campaign=campaign, team=team, role=role, submitted_at=timezone.now()
        )
        Answer.objects.bulk_create(
            Answer(response=response, item_id=pk, value=value(i, j, shift))
            for j, pk in enumerate(items)
        )
        if comment:
            Comment.objects.create(response=response, topic="", text=comment)


def dashboard_url(campaign, **params) -> str:
    url = reverse("reports:dashboard", args=[campaign.slug])
    if params:
        url += "?" + "&".join(f"{k}={v}" for k, v in params.items())
    return url


def figure_blocks(html: str) -> dict[str, dict]:
    """The JSON figures of the page, by chart id."""
    blocks = re.findall(
        r'<script type="application/json" id="(chart-[\w-]+)-data">(.*?)</script>', html, re.S
    )
    return {chart_id: json.loads(text) for chart_id, text in blocks}


def assert_export_shape(data: dict) -> None:
    """The JSON of `export_profile` in docs/design.md: the profile, and the action plan
    and the business results and the customer mirror beside it."""
    beside = ("actions", "follow_up", "results", "customers")
    assert_design_shape({k: v for k, v in data.items() if k not in beside})
    for action in data["actions"]:
        assert set(action) == ACTION_KEYS
    for follow_up in data["follow_up"]:
        assert set(follow_up) == FOLLOW_UP_KEYS
    assert set(data["results"]) == {"figures", "trend"}
    for figure in data["results"]["figures"]:
        assert set(figure) == {"metric", "value", "unit", "period_start", "period_end", "source"}
    for point in data["results"]["trend"]:
        assert set(point) == {"round", "index", "figures"}
    if data["customers"] is not None:
        assert set(data["customers"]) == MIRROR_KEYS
        for row in data["customers"]["dimensions"]:
            assert set(row) == MIRROR_DIMENSION_KEYS
        for segment in data["customers"]["segments"]:
            assert set(segment) == {"name", "n", "dimensions"}
