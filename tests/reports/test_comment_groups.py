"""Comments grouped by the framework they were written at the end of: in the profile, on
the dashboard (with a filter) and in the PDF appendix; still only for groups of k."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from assessment.models import Comment, Response
from reports import pdf
from reports.presentation import comment_groups
from reports.profile_builder import build_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(report_campaign):
    """Rapport & Co (k = 5): Beta's six managers commented on the whole response; three of
    Alpha's employees comment on the keys, the diamond (a comment of the time when each
    page asked for one, on a dimension) and the care checklist; Gamma (below k) too."""
    alpha = Response.objects.filter(campaign=report_campaign, team__name="Alpha")
    topics = ["keys", "diamond.belief", "care"]
    for response, topic in zip(alpha, topics, strict=False):
        Comment.objects.create(response=response, topic=topic, text=f"Alpha on {topic}")
    gamma = Response.objects.filter(campaign=report_campaign, team__name="Gamma").first()
    Comment.objects.create(response=gamma, topic="keys", text="Gamma on keys")
    return report_campaign


def test_the_profile_lists_each_comment_with_its_framework(campaign):
    profile = build_profile(campaign, language="en")
    by_text = {c.text: c.framework for c in profile.comments}
    assert by_text["Alpha on keys"] == "keys"
    assert by_text["Alpha on diamond.belief"] == "diamond"  # its dimension's framework
    assert by_text["Alpha on care"] == "care"
    assert "Gamma on keys" not in by_text  # Gamma has fewer than k
    assert profile.comments_hidden == 1


def test_groups_follow_the_questionnaire_with_the_whole_response_last(campaign):
    profile = build_profile(campaign, language="en")
    with translation.override("en"):
        groups = comment_groups(profile)
    assert [g.code for g in groups] == ["diamond", "keys", "care", ""]
    assert [g.name for g in groups][-1] == "About the questionnaire as a whole"
    assert groups[1].texts == ("Alpha on keys",)
    assert len(groups[-1].texts) == 6  # Beta's comments on the whole response
    shuffled = [c.text for c in profile.comments if c.framework == ""]
    assert list(groups[-1].texts) == shuffled  # the profile's order kept inside a group


def test_the_dashboard_groups_the_comments_and_offers_a_filter(client, consultant, campaign):
    client.force_login(consultant)
    html = client.get(
        reverse("reports:dashboard", args=[campaign.slug]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    section = html[html.index('id="comments"') :]
    assert '<select class="form-select form-select-sm" id="comment-filter"' in section
    for code in ("diamond", "keys", "care", "-"):
        assert f'data-framework="{code}"' in section
    assert '<option value="keys">' in section
    headings = re.findall(r'<h3 class="h6 mt-3" id="comments-[\w-]+">([^<]+)', section)
    assert [h.strip() for h in headings][-1] == "About the questionnaire as a whole"
    assert "Gamma on keys" not in html


def test_the_pdf_appendix_groups_the_comments(campaign):
    data = pdf.render_pdf(pdf.report_input(campaign, "en"), with_charts=False)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    flat = re.sub(r"\s+", " ", text)
    appendix = flat[flat.index("In random order, without names or dates") :]
    assert appendix.index("(1) Alpha on diamond.belief") < appendix.index("Alpha on keys")
    assert "About the questionnaire as a whole (6)" in appendix
    assert "Gamma on keys" not in text
