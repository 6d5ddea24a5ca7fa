"""The consultant's pages of the action plan: a new action (first the dimension, when the
link did not give one), editing one with its progress notes, deleting one after a
confirmation, and carrying an action of the previous round over into this one.

Who may open them: `consultant_results_campaign`, as on every consultant page, and an action
must belong to the campaign of the URL (else 404; a carried-over action to its previous
round). The views are thin: every write and every rule of what may be stored is in
`reports.action_services`, whose refusals the forms show as the fields' errors. A
page may be given a `next` (the present mode's closing slide) to return to afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from assessment.access import consultant_results_campaign
from assessment.models import Campaign
from questionnaires.models import Recommendation, Stage
from reports import action_services
from reports.action_forms import ActionForm, DimensionChoices, DimensionPickForm, NoteForm
from reports.action_plan import dimension_names, version_dimensions
from reports.action_services import ActionInput, ActionRefused
from reports.models import Action
from reports.previous_round import previous_campaign
from reports.views import page_language, page_profile


def _plan_url(campaign: Campaign) -> str:
    return reverse("reports:dashboard", args=[campaign.slug]) + "#actions"


def _next(request: HttpRequest) -> str:
    """The page to return to (the present mode's closing slide), only when it is one of
    this site's; "" otherwise."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else ""


def _done(request: HttpRequest, campaign: Campaign, anchor: str = "#actions") -> HttpResponse:
    target = _next(request) or reverse("reports:dashboard", args=[campaign.slug]) + anchor
    return HttpResponseRedirect(target)


def _priorities(campaign: Campaign) -> tuple[str, ...]:
    """The campaign's priorities, when its dashboard shows results (so a suggestion
    gives away nothing the dashboard does not)."""
    profile, state = page_profile(campaign, team=None, final=campaign.fieldwork_ended())
    return profile.priorities if profile is not None and state == "results" else ()


def _dimensions(campaign: Campaign) -> DimensionChoices:
    codes = version_dimensions(campaign.questionnaire_version)
    names = dimension_names(set(codes), page_language())
    suggested = [code for code in _priorities(campaign) if code in names]
    return DimensionChoices(
        suggested=tuple((code, names[code]) for code in suggested),
        others=tuple((code, names[code]) for code in codes if code not in suggested),
    )


def _recommendations(dimension: str) -> list[str]:
    framework, _sep, code = dimension.partition(".")
    found = Recommendation.objects.filter(
        dimension__framework__code=framework, dimension__code=code
    ).order_by("order", "pk")
    return [r.tr("text", page_language()) for r in found]


def _stages() -> list[tuple[str, str]]:
    return [(s.code, s.tr("name", page_language())) for s in Stage.objects.order_by("order")]


def _action_form(
    campaign: Campaign, dimension: str, data: Any = None, initial: Any = None
) -> ActionForm:
    return ActionForm(
        data,
        initial=initial,
        dimensions=_dimensions(campaign),
        recommendations=_recommendations(dimension),
        stages=_stages(),
    )


def _flag_past_due(request: HttpRequest, action: Action) -> None:
    if action.due_on is not None and action.due_on < timezone.localdate():
        messages.warning(
            request,
            _("The due date of “%(title)s” lies in the past: the action shows as overdue.")
            % {"title": action.title},
        )


def _form_url(request: HttpRequest, campaign: Campaign, action: Action | None) -> str:
    """Where the action's form posts to: a new action's URL as it came (its dimension, its
    `next`); an action's own page, also from the page its note was refused on."""
    if action is None:
        return request.get_full_path()
    edit = reverse("reports:action_edit", args=[campaign.slug, action.pk])
    return edit + ("?" + urlencode({"next": _next(request)}) if _next(request) else "")


def _form_page(
    request: HttpRequest,
    campaign: Campaign,
    form: ActionForm,
    *,
    action: Action | None = None,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "form": form,
        "action": action,
        "notes": list(action.notes.order_by("-written_on", "-pk")) if action else [],
        "note_form": note_form or NoteForm(),
        "next": _next(request),
        "back_url": _next(request) or _plan_url(campaign),
        "form_url": _form_url(request, campaign, action),
        "today": timezone.localdate(),
    }
    return render(request, "reports/actions/form.html", context, status=status)


def _campaign_action(request: HttpRequest, slug: str, pk: int) -> tuple[Campaign, Action]:
    campaign = consultant_results_campaign(request, slug)
    return campaign, get_object_or_404(Action, campaign=campaign, pk=pk)


def _store(
    request: HttpRequest,
    campaign: Campaign,
    form: ActionForm,
    write: Callable[[ActionInput], Action],
    done: str,
) -> HttpResponse | None:
    """Store the form's action with `write` and go back where the consultant came from;
    None when the form or the service refuses it (the reasons are then on the form)."""
    if not form.is_valid():
        return None
    try:
        action = write(form.to_input())
    except ActionRefused as refused:
        form.show_refusal(refused)
        return None
    messages.success(request, done % {"title": action.title})
    _flag_past_due(request, action)
    return _done(request, campaign, f"#action-{action.pk}")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: HttpRequest, slug: str) -> HttpResponse:
    """GET without a dimension: choose one (the priorities suggested first); GET with
    one (`?dimension=keys.journey`): the form, with that dimension's recommendations to
    start from. POST: store the action, or the form again with the reasons."""
    campaign = consultant_results_campaign(request, slug)
    dimension = request.GET.get("dimension", "").strip()
    if request.method == "GET" and not dimension:
        context = {
            "campaign": campaign,
            "organisation": campaign.organisation,
            "form": DimensionPickForm(dimensions=_dimensions(campaign)),
            "next": _next(request),
            "back_url": _next(request) or _plan_url(campaign),
        }
        return render(request, "reports/actions/pick_dimension.html", context)
    if request.method == "GET":
        return _form_page(
            request, campaign, _action_form(campaign, dimension, None, {"dimension": dimension})
        )
    # The starting points offered are the posted dimension's: one of another dimension's
    # is refused as not a choice, and the form comes back with the right ones.
    form = _action_form(campaign, request.POST.get("dimension", dimension), request.POST)
    user = request.user if request.user.is_authenticated else None
    saved = _store(
        request,
        campaign,
        form,
        lambda data: action_services.create_action(campaign=campaign, data=data, created_by=user),
        _("Action “%(title)s” added."),
    )
    return saved or _form_page(request, campaign, form, status=400)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: the action's form, its progress notes and the form for a new one. POST:
    store the changes, or the form again with the reasons."""
    campaign, action = _campaign_action(request, slug, pk)
    if request.method == "GET":
        form = _action_form(campaign, action.dimension)
        form.initial = ActionForm.initial_for(action, form.recommendations)
        return _form_page(request, campaign, form, action=action)
    form = _action_form(campaign, request.POST.get("dimension", action.dimension), request.POST)
    saved = _store(
        request,
        campaign,
        form,
        lambda data: action_services.update_action(action=action, data=data),
        _("Action “%(title)s” saved."),
    )
    return saved or _form_page(request, campaign, form, action=action, status=400)


@never_cache
@login_required
@require_POST
def action_note(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Add a dated progress note; on bad input the action's page with the note's errors."""
    campaign, action = _campaign_action(request, slug, pk)
    note_form = NoteForm(request.POST)
    if note_form.is_valid():
        user = request.user if request.user.is_authenticated else None
        try:
            action_services.add_note(
                action=action,
                text=note_form.cleaned_data["text"],
                written_on=note_form.cleaned_data["written_on"],
                created_by=user,
            )
        except ActionRefused as refused:
            note_form.show_refusal(refused)
        else:
            messages.success(request, _("Progress note added."))
            edit = reverse("reports:action_edit", args=[campaign.slug, action.pk])
            query = "?" + urlencode({"next": _next(request)}) if _next(request) else ""
            return redirect(f"{edit}{query}#notes")
    form = _action_form(campaign, action.dimension)
    form.initial = ActionForm.initial_for(action, form.recommendations)
    return _form_page(request, campaign, form, action=action, note_form=note_form, status=400)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def action_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """GET: what deleting does, and the button; POST: delete, back to the plan."""
    campaign, action = _campaign_action(request, slug, pk)
    if request.method == "POST":
        title = action.title
        action_services.delete_action(action=action)
        messages.success(request, _("Action “%(title)s” deleted.") % {"title": title})
        return _done(request, campaign)
    context = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "action": action,
        "notes": action.notes.count(),
        "next": _next(request),
        "back_url": reverse("reports:action_edit", args=[campaign.slug, action.pk]),
    }
    return render(request, "reports/actions/delete.html", context)


@never_cache
@login_required
@require_POST
def action_carry_over(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Continue an action of the previous round in this one (linked to it), then edit
    it: it starts planned, without a due date."""
    campaign = consultant_results_campaign(request, slug)
    previous = previous_campaign(campaign)
    if previous is None:
        return redirect(_plan_url(campaign))
    action = get_object_or_404(Action, campaign=previous, pk=pk)
    user = request.user if request.user.is_authenticated else None
    try:
        carried = action_services.carry_over(action=action, campaign=campaign, created_by=user)
    except ActionRefused as refused:
        messages.error(request, " ".join(str(p) for p in refused.problems.values()))
        return redirect(reverse("reports:dashboard", args=[campaign.slug]) + "#follow-up")
    messages.success(
        request,
        _("“%(title)s” is carried over into this round. Give it a new due date.")
        % {"title": carried.title},
    )
    return redirect(reverse("reports:action_edit", args=[campaign.slug, carried.pk]))
