"""The respondent's pages: thin views around `assessment.responding`.

Every page is declared with `respondent_visit.respondent_page` (no-store, its methods,
CSRF on forms). The entry links (campaign, team, invitation) start or continue a
response; the pages after them get the visit (campaign, cookie, response) of a campaign
that takes answers.
"""

from __future__ import annotations

from typing import TypeVar

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import page_plan, respondent_cookie, responding
from .item_markup import item_markup
from .models import Availability, Campaign, Comment, Invitation, Response, Team
from .respondent_cookie import Credentials, read_cookie, set_cookie
from .respondent_forms import ResumeForm, StartForm
from .respondent_http import (
    activate_language,
    already_submitted_page,
    message_page,
    unavailable_page,
)
from .respondent_visit import (
    Visit,
    continue_url,
    no_response,
    respondent_page,
    resume_context,
)

T = TypeVar("T")


# --------------------------------------------------------------------------- entry links


def _entry(
    request: HttpRequest,
    campaign: Campaign,
    *,
    fixed_team: Team | None = None,
    invitation: Invitation | None = None,
    invitation_token: str = "",
) -> HttpResponse:
    language = activate_language(request, campaign)
    availability = campaign.availability()
    if availability is not Availability.OPEN:
        return unavailable_page(request, campaign, availability)

    credentials = respondent_cookie.link_credentials(
        read_cookie(request, campaign), invitation_token
    )
    response = responding.find_response(campaign, credentials)
    if invitation is None and responding.starts_afresh(fixed_team, response):
        credentials, response = Credentials(), None  # the next person on a shared tablet

    if response is not None:
        if response.is_submitted:
            if invitation is not None and not invitation.completed:
                # Submitted on a device that only had the resume code: catch up now.
                responding.mark_invitation_completed(campaign.pk, invitation_token)
            return already_submitted_page(request, campaign)
        plan = page_plan.get_page_plan(campaign.questionnaire_version, response.role)
        redirect = HttpResponseRedirect(continue_url(campaign, plan, response))
        if invitation_token:
            set_cookie(redirect, campaign, credentials)
        return redirect
    if invitation is not None and invitation.completed:
        return already_submitted_page(request, campaign)  # one submitted response per invitation

    asks_team = fixed_team is None and not campaign.is_customer_mirror
    teams = list(campaign.teams.all()) if asks_team else []
    form = StartForm(
        request.POST if request.method == "POST" else None,
        campaign=campaign,
        teams=teams,
        fixed_team=fixed_team,
    )
    if request.method == "POST" and form.is_valid():
        try:
            started = responding.start_response(
                campaign,
                role=form.chosen_role(),
                team=form.chosen_team(),
                language=language,
                key=invitation_token or None,
                is_test=request.user.is_authenticated,
                on_workshop_tablet=(
                    invitation is None and fixed_team is not None and fixed_team.workshop_tablet
                ),
            )
        except responding.AlreadySubmitted:
            return already_submitted_page(request, campaign)
        except responding.LinkReplaced:
            raise Http404("unknown invitation") from None
        if started.response.is_submitted:
            return already_submitted_page(request, campaign)
        redirect = HttpResponseRedirect(reverse("respondent:page", args=[campaign.token, 1]))
        set_cookie(redirect, campaign, started.credentials)
        return redirect

    plan = page_plan.get_page_plan(campaign.questionnaire_version)
    context = {
        "campaign": campaign,
        "form": form,
        "fixed_team": fixed_team,
        "via_invitation": invitation is not None,  # the logo then keeps the personal link
        "role_choices": Response.ROLES,
        "item_count": plan.item_count,
        "page_count": plan.page_count,
        "minutes": responding.estimated_minutes(plan.item_count),
        "questionnaire": campaign.questionnaire_version.questionnaire,
        "resume_url": reverse("respondent:resume", args=[campaign.token]),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "respondent/welcome.html", context, status=status)


@respondent_page("GET", "HEAD", "POST", visit=False)
def campaign_entry(request: HttpRequest, token: str) -> HttpResponse:
    """The campaign link: the respondent chooses a team (if any) and a role."""
    return _entry(request, _found(responding.find_campaign(token), "campaign"))


@respondent_page("GET", "HEAD", "POST", visit=False)
def team_entry(request: HttpRequest, token: str) -> HttpResponse:
    """A team's link (or QR code): the team is known, the respondent chooses a role."""
    team = _found(responding.find_team(token), "team")
    return _entry(request, team.campaign, fixed_team=team)


def _found(found: T | None, what: str) -> T:
    if found is None:
        raise Http404(f"unknown {what}")
    return found


@respondent_page("GET", "HEAD", "POST", visit=False)
def invitation_entry(request: HttpRequest, token: str) -> HttpResponse:
    invitation = responding.find_invitation(token)
    if invitation is None:
        raise Http404("unknown invitation")
    return _entry(
        request,
        invitation.campaign,
        fixed_team=invitation.team,
        invitation=invitation,
        invitation_token=token,
    )


# --------------------------------------------------------------------------- questionnaire


def _render_page(
    request: HttpRequest,
    visit: Visit,
    page: page_plan.Page,
    values: dict[int, str],
    comment: str,
    entry: responding.PageEntry | None = None,
    status: int = 200,
) -> HttpResponse:
    plan = visit.plan
    language = visit.language
    item_errors = entry.item_errors if entry else {}
    sections = [
        {
            "title": section.title(language),
            "items": [
                item_markup(
                    plan, item, language, values.get(item.pk, ""), item_errors.get(item.pk, "")
                )
                for item in section.items
            ],
        }
        for section in page.sections
    ]
    error_items = [
        {"pk": item.pk, "number": item.number, "error": item_errors[item.pk]}
        for item in page.items
        if item.pk in item_errors
    ]
    context = {
        "campaign": visit.campaign,
        "page": page,
        "page_title": page.title(language),
        "page_number": page.number,
        "page_count": plan.page_count,
        "item_count": plan.item_count,
        "sections": sections,
        "has_bipolar": any(item.bipolar for item in page.items),
        "has_agreement": any(not item.bipolar for item in page.items),
        "comment": comment,
        "comment_max": Comment.MAX_LENGTH,
        "errors": entry.errors if entry else [],
        "comment_error": entry.comment_error if entry else "",
        "error_items": error_items,
        "is_last": page.number == plan.page_count,
        "anonymity_threshold": visit.campaign.anonymity_threshold,
        **resume_context(visit),
    }
    return render(request, "respondent/page.html", context, status=status)


@respondent_page("GET", "HEAD", "POST", in_progress=True)
def page(request: HttpRequest, visit: Visit, number: int) -> HttpResponse:
    plan = visit.plan
    current = plan.page(number)
    if current is None:
        return message_page(
            request,
            title=_("This page does not exist"),
            text=_("The questionnaire has %(count)d pages; nothing was saved.")
            % {"count": plan.page_count},
            status=404,
            campaign=visit.campaign,
            link=(reverse("respondent:page", args=[visit.campaign.token, 1]), _("Go to page 1")),
            tone="warning",
        )
    if request.method != "POST":
        values, comment = responding.page_values(visit.answering, current)
        return _render_page(request, visit, current, values, comment)

    entry = responding.parse_page(plan, current, request.POST)
    if not entry.is_valid:
        comment = entry.comment if entry.comment is not None else ""
        return _render_page(request, visit, current, entry.values, comment, entry, status=400)
    try:
        responding.save_page(visit.answering, current, entry, language=visit.language)
    except responding.AlreadySubmitted:
        return already_submitted_page(request, visit.campaign)

    token = visit.campaign.token
    action = request.POST.get("action", "next")
    if action == "later":
        target = reverse("respondent:saved", args=[token])
    elif action == "previous" and number > 1:
        target = reverse("respondent:page", args=[token, number - 1])
    elif action == "review" or number >= plan.page_count:
        target = reverse("respondent:review", args=[token])
    else:
        target = reverse("respondent:page", args=[token, number + 1])
    return HttpResponseRedirect(target)


def _render_review(
    request: HttpRequest, visit: Visit, response: Response, error: str = "", status: int = 200
) -> HttpResponse:
    plan = visit.plan
    answered = responding.answered_item_ids(response)
    missing = [
        {
            "title": gap.framework.title(visit.language),
            "count": gap.count,
            "first_number": gap.first.number,
            "url": reverse("respondent:page", args=[visit.campaign.token, gap.framework.number])
            + f"#q-{gap.first.pk}",
        }
        for gap in responding.open_statements_by_framework(plan, answered)
    ]
    answered_count = len(answered & plan.item_ids)
    needed = responding.answers_needed(plan.item_count, visit.campaign.minimum_answered)
    context = {
        "campaign": visit.campaign,
        "missing": missing,
        "answered_count": answered_count,
        "needed_count": needed,
        "more_needed": max(0, needed - answered_count),
        "item_count": plan.item_count,
        "page_count": plan.page_count,
        "error": error,
        **resume_context(visit),
    }
    return render(request, "respondent/review.html", context, status=status)


@respondent_page("GET", "HEAD", in_progress=True)
def review(request: HttpRequest, visit: Visit) -> HttpResponse:
    return _render_review(request, visit, visit.answering)


@respondent_page("POST")
def submit(request: HttpRequest, visit: Visit) -> HttpResponse:
    if visit.response is None:
        return no_response(request, visit)
    try:
        responding.submit_response(
            visit.response,
            visit.credentials,
            is_test=request.user.is_authenticated,
            campaign=visit.campaign,
        )
    except responding.AlreadySubmitted:
        return already_submitted_page(request, visit.campaign)
    except responding.NothingAnswered:
        error = _("Please answer at least one statement before you submit.")
        return _render_review(request, visit, visit.response, error=error, status=400)
    except responding.NotEnoughAnswered as refused:
        error = _(
            "You answered %(answered)d of %(total)d statements; at least %(needed)d are "
            "needed for your answers to count. Go back to the pages with open statements "
            "below."
        ) % {"answered": refused.answered, "total": refused.total, "needed": refused.needed}
        return _render_review(request, visit, visit.response, error=error, status=400)
    return HttpResponseRedirect(reverse("respondent:thanks", args=[visit.campaign.token]))


@respondent_page("GET")
def thanks(request: HttpRequest, visit: Visit) -> HttpResponse:
    if visit.response is None:
        return no_response(request, visit)
    if not visit.response.is_submitted:
        return HttpResponseRedirect(continue_url(visit.campaign, visit.plan, visit.response))
    team = visit.response.team
    context = {
        "campaign": visit.campaign,
        "threshold": visit.campaign.anonymity_threshold,
        "is_test": visit.response.is_test,
        "next_person_url": (
            reverse("respondent:team", args=[team.token])
            if team is not None and responding.starts_afresh(team, visit.response)
            else ""
        ),
    }
    return render(request, "respondent/thanks.html", context)


@respondent_page("GET", in_progress=True)
def saved(request: HttpRequest, visit: Visit) -> HttpResponse:
    context = {
        "campaign": visit.campaign,
        "continue_url": continue_url(visit.campaign, visit.plan, visit.answering),
        "link_url": request.build_absolute_uri(
            reverse("respondent:campaign", args=[visit.campaign.token])
        ),
        "resume_absolute_url": request.build_absolute_uri(
            reverse("respondent:resume", args=[visit.campaign.token])
        ),
        **resume_context(visit),
    }
    return render(request, "respondent/saved.html", context)


@respondent_page("GET", "HEAD", "POST")
def resume(request: HttpRequest, visit: Visit) -> HttpResponse:
    form = ResumeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            found = responding.find_response_by_resume_code(
                visit.campaign, form.cleaned_data["code"]
            )
            if found is None:
                form.add_error(
                    "code",
                    _(
                        "We could not find a questionnaire with this code for this link. "
                        "Check the code and try again; nothing was changed."
                    ),
                )
            else:
                response, code = found
                if response.is_submitted:
                    return already_submitted_page(request, visit.campaign)
                redirect = HttpResponseRedirect(continue_url(visit.campaign, visit.plan, response))
                same = visit.response is not None and visit.response.pk == response.pk
                key = visit.credentials.key if same else ""
                set_cookie(redirect, visit.campaign, Credentials(key=key, code=code))
                return redirect
    context = {"campaign": visit.campaign, "form": form}
    return render(request, "respondent/resume.html", context, status=status)
