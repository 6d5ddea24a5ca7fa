"""The consultant's pages: organisations, campaigns, distribution and invitations.

Every view looks objects up through `Organisation.objects.for_user(user)` (or the
campaign equivalent), so anything outside the consultant's organisations is a 404,
whether the id or slug was guessed or not. Rules live in campaigns.py/invitations.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import campaigns as rules
from . import customer_mirror, data_safety, invitations
from . import progress as fieldwork
from . import teams as team_rules
from .access import consultant_campaign, consultant_organisation
from .forms import (
    CampaignForm,
    ConfirmDeletionForm,
    CustomerMirrorForm,
    InvitationForm,
    OrganisationForm,
    ShareForm,
)
from .models import Answer, Campaign, Comment, Invitation, Response, Team
from .qr import qr_svg

if TYPE_CHECKING:
    from django.contrib.auth.models import User

REFRESH_SECONDS = 30


class AuthenticatedHttpRequest(HttpRequest):
    """The request of a @login_required view, whose user is never anonymous."""

    user: User


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


# --------------------------------------------------------------------------- organisations


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    organisations = rules.organisations_overview(request.user)
    return render(request, "assessment/organisation_list.html", {"organisations": organisations})


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = rules.create_organisation(name=form.cleaned_data["name"], owner=request.user)
        messages.success(
            request,
            _("Organisation “%(name)s” created. Next: create its first campaign.")
            % {"name": organisation.name},
        )
        return redirect("assessment:organisation_detail", pk=organisation.pk)
    return render(request, "assessment/organisation_form.html", {"form": form})


def _organisation_page(request, organisation, share_form=None, status=200) -> HttpResponse:
    is_owner = organisation.owner_id == request.user.pk
    context = {
        "organisation": organisation,
        "campaigns": rules.organisation_campaigns(organisation),
        "is_owner": is_owner,
        "shared_with": organisation.shared_with.order_by("username"),
        "share_form": share_form
        or (ShareForm(organisation=organisation, user=request.user) if is_owner else None),
    }
    return render(request, "assessment/organisation_detail.html", context, status=status)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _organisation_page(request, consultant_organisation(request, pk))


@login_required
@require_POST
def organisation_share(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = consultant_organisation(request, pk)
    if organisation.owner_id != request.user.pk:
        raise PermissionDenied(_("Only the owner of an organisation can share it."))
    form = ShareForm(request.POST, organisation=organisation, user=request.user)
    if form.is_valid():
        try:
            user = form.save()
        except ValidationError:
            pass
        else:
            messages.success(
                request,
                _("%(username)s now has access to %(organisation)s.")
                % {"username": user.get_username(), "organisation": organisation.name},
            )
            return redirect("assessment:organisation_detail", pk=organisation.pk)
    return _organisation_page(request, organisation, share_form=form, status=400)


@login_required
@require_POST
def organisation_unshare(request: HttpRequest, pk: int, user_id: int) -> HttpResponse:
    organisation = consultant_organisation(request, pk)
    if organisation.owner_id != request.user.pk:
        raise PermissionDenied(_("Only the owner of an organisation can change who has access."))
    rules.unshare_organisation(organisation, request.user, user_id)
    messages.success(request, _("Access removed."))
    return redirect("assessment:organisation_detail", pk=organisation.pk)


# --------------------------------------------------------------------------- campaigns


@login_required
def campaign_create(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = consultant_organisation(request, pk)
    form = CampaignForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid() and (campaign := _save(form, request)):
        messages.success(
            request,
            _(
                "Campaign “%(name)s” created as a draft. Share the links below, then press "
                "“Open campaign” when respondents may start."
            )
            % {"name": campaign.name},
        )
        return redirect("assessment:campaign_detail", slug=campaign.slug)
    return render(
        request,
        "assessment/campaign_form.html",
        {"form": form, "organisation": organisation, "campaign": None},
    )


@login_required
def campaign_edit(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = consultant_campaign(request, slug)
    form = CampaignForm(request.POST or None, instance=campaign, organisation=campaign.organisation)
    if request.method == "POST" and form.is_valid() and (saved := _save(form, request)):
        messages.success(request, _("Campaign saved."))
        return redirect("assessment:campaign_detail", slug=saved.slug)
    if request.method == "POST":  # keep the URL's slug even if the form changed it
        campaign.refresh_from_db()
    return render(
        request,
        "assessment/campaign_form.html",
        {"form": form, "organisation": campaign.organisation, "campaign": campaign},
    )


def _save(form: CampaignForm, request: HttpRequest) -> Campaign | None:
    """The saved campaign, or None when the rules refused (the form then says why)."""
    try:
        return form.save(user=request.user)
    except ValidationError:
        return None


def _campaign_page(
    request, campaign, invitation_form=None, mirror_form=None, status=200
) -> HttpResponse:
    teams = list(campaign.teams.all())
    root = base_url(request)
    progress = fieldwork.campaign_progress(campaign, teams)
    context = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "questionnaire": campaign.questionnaire_version.questionnaire,
        "progress": progress,
        # the same rule as rules.results_are_final, from the counts already at hand
        "results_final": campaign.fieldwork_ended() and progress.submitted > 0,
        "refresh_seconds": REFRESH_SECONDS,
        "shared_link": rules.absolute(root, rules.shared_path(campaign)),
        "team_links": [(team, rules.absolute(root, rules.team_path(team))) for team in teams],
        "invitations": fieldwork.invitation_summary(campaign),
        "invitation_form": invitation_form or InvitationForm(campaign=campaign),
        "closes_on": rules.closing_day(campaign.closes_at),
        "opens_on": rules.opening_day(campaign.opens_at),
        "accepting": campaign.is_accepting_responses(),
        "customer_mirror": fieldwork.customer_mirror_of(campaign),
        "mirror_form": mirror_form or CustomerMirrorForm(),
    }
    return render(request, "assessment/campaign_detail.html", context, status=status)


@login_required
@require_POST
def campaign_add_customer_mirror(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Give the campaign its customer mirror; its page then has the customer links."""
    campaign = consultant_campaign(request, slug)
    if campaign.is_customer_mirror:
        raise Http404("a customer mirror has no customer mirror")
    form = CustomerMirrorForm(request.POST)
    if form.is_valid():
        try:
            mirror = customer_mirror.add_customer_mirror(
                campaign=campaign,
                segments=form.cleaned_data["segments"],
                anonymity_threshold=form.cleaned_data["anonymity_threshold"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "The customer mirror is ready as a draft. Open it when customers may "
                    "answer, then share its link or QR code."
                ),
            )
            return redirect("assessment:campaign_detail", slug=mirror.slug)
    return _campaign_page(request, campaign, mirror_form=form, status=400)


@login_required
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _campaign_page(request, consultant_campaign(request, slug))


@login_required
def campaign_progress(request: HttpRequest, slug: str) -> HttpResponse:
    """The live counts panel alone; the campaign page reloads it every 30 seconds."""
    campaign = consultant_campaign(request, slug)
    context = {
        "campaign": campaign,
        "progress": fieldwork.campaign_progress(campaign),
        "refresh_seconds": REFRESH_SECONDS,
    }
    return render(request, "assessment/includes/progress.html", context)


@login_required
@require_POST
def campaign_open(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = consultant_campaign(request, slug)
    try:
        rules.open_campaign(campaign=campaign)
    except ValidationError as error:
        return _refused(request, error, campaign_url(campaign))
    if campaign.is_accepting_responses():
        messages.success(
            request,
            _("The customer mirror is open: customers can answer now.")
            if campaign.is_customer_mirror
            else _("The campaign is open: respondents can answer now."),
        )
    else:
        messages.warning(
            request,
            _(
                "The campaign is open, but its dates do not accept answers right now. "
                "Check the opening and closing days."
            ),
        )
    # Opened from the QR page or the invitations of a draft: straight back there.
    then = request.POST.get("then")
    if then == "qr":
        return redirect("assessment:campaign_qr", slug=campaign.slug)
    if then == "invitations":
        return redirect(campaign_url(campaign, "invitations"))
    return redirect("assessment:campaign_detail", slug=campaign.slug)


@login_required
@require_POST
def team_workshop_tablet(request: HttpRequest, slug: str, team_pk: int) -> HttpResponse:
    """Switch a team link's workshop-tablet mode on (`on=1`) or off."""
    campaign = consultant_campaign(request, slug)
    team = get_object_or_404(campaign.teams, pk=team_pk)
    on = request.POST.get("on") == "1"
    team_rules.set_workshop_tablet(team=team, on=on)
    if on:
        message = _(
            "Workshop tablet on for %(team)s: after each submission on its link, the next "
            "person starts a new questionnaire on the same device."
        )
    else:
        message = _("Workshop tablet off for %(team)s: each device answers once.")
    messages.success(request, message % {"team": team.name})
    return redirect(campaign_url(campaign, f"team-link-{team.pk}"))


@login_required
@require_POST
def campaign_close(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = consultant_campaign(request, slug)
    rules.close_campaign(campaign=campaign)
    messages.success(request, _("The campaign is closed: no new answers are accepted."))
    return redirect("assessment:campaign_detail", slug=campaign.slug)


@login_required
def campaign_qr(request: HttpRequest, slug: str) -> HttpResponse:
    """A page to print or project: a large QR code, the name and the short link."""
    campaign = consultant_campaign(request, slug)
    if campaign.status == Campaign.DRAFT:
        refusal = _(
            "This campaign is still a draft. Open it before showing its QR code, so that "
            "nobody scans a link that does not work yet."
        )
        context = {"campaign": campaign, "organisation": campaign.organisation, "refusal": refusal}
        return render(request, "assessment/campaign_qr.html", context)
    team = None
    team_id = request.GET.get("team", "")
    if team_id:
        if not team_id.isdigit():
            team_id = "0"
        team = get_object_or_404(campaign.teams, pk=int(team_id))
    path = rules.team_path(team) if team else rules.shared_path(campaign)
    link = rules.absolute(base_url(request), path)
    context = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "team": team,
        "link": link,
        "short_link": link.split("://", 1)[-1],
        "qr_svg": qr_svg(link),
    }
    return render(request, "assessment/campaign_qr.html", context)


# --------------------------------------------------------------------------- invitations


@login_required
@require_POST
def campaign_invite(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign = consultant_campaign(request, slug)
    try:
        invitations.check_sendable(campaign)
    except ValidationError as error:
        return _refused(request, error, campaign_url(campaign, "invitations"))
    form = InvitationForm(request.POST, campaign=campaign)
    if not form.is_valid():
        return _campaign_page(request, campaign, invitation_form=form, status=400)
    result = invitations.invite(
        campaign,
        form.cleaned_data["addresses"],
        invitations.link_builder(base_url(request)),
        team=form.cleaned_data["team"],
        reply_to=request.user.email or None,
    )
    _report(request, result, reminder=False)
    return redirect(campaign_url(campaign, "invitations"))


@login_required
@require_POST
def campaign_remind(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign = consultant_campaign(request, slug)
    try:
        result = invitations.send_reminders(
            campaign,
            invitations.link_builder(base_url(request)),
            reply_to=request.user.email or None,
        )
    except ValidationError as error:
        return _refused(request, error, campaign_url(campaign, "invitations"))
    if not result.sent and not result.failed:
        messages.info(request, _("Everyone who was invited has finished: no reminders sent."))
    _report(request, result, reminder=True)
    return redirect(campaign_url(campaign, "invitations"))


def campaign_url(campaign: Campaign, card: str = "") -> str:
    """The campaign's page, scrolled to `card` (an element id) when given."""
    url = reverse("assessment:campaign_detail", kwargs={"slug": campaign.slug})
    return f"{url}#{card}" if card else url


def _refused(request: HttpRequest, error: ValidationError, back: str) -> HttpResponse:
    """A rule refused the action and nothing changed: say why, back on the page."""
    messages.error(request, " ".join(error.messages))
    return redirect(back)


def _report(request, result: invitations.InvitationResult, *, reminder: bool) -> None:
    if result.sent:
        count = len(result.sent)
        text = (
            ngettext("Sent %(count)d reminder.", "Sent %(count)d reminders.", count)
            if reminder
            else ngettext("Sent %(count)d invitation.", "Sent %(count)d invitations.", count)
        )
        messages.success(request, text % {"count": count})
    if result.skipped:
        messages.info(
            request,
            _("Skipped, already invited: %(addresses)s.")
            % {"addresses": ", ".join(result.skipped)},
        )
    if result.failed:
        messages.error(
            request,
            _("Sending failed for: %(addresses)s. Try again later.")
            % {"addresses": ", ".join(result.failed)},
        )


# --------------------------------------------------------------------------- deleting data


def _deletion_counts(responses) -> dict[str, int]:
    return {
        "submitted": responses.filter(status=Response.SUBMITTED).count(),
        "in_progress": responses.filter(status=Response.IN_PROGRESS).count(),
        "answers": Answer.objects.filter(response__in=responses).count(),
        "comments": Comment.objects.filter(response__in=responses).count(),
    }


@login_required
def organisation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete an organisation with everything in it (owner only, after typing its name)."""
    organisation = consultant_organisation(request, pk)
    if organisation.owner_id != request.user.pk:
        raise PermissionDenied(_("Only the owner of an organisation can delete it."))
    form = ConfirmDeletionForm(
        request.POST if request.method == "POST" else None,
        expected_name=organisation.name,
        button=_("Delete this organisation and all its data"),
    )
    if request.method == "POST" and form.is_valid():
        name = organisation.name
        data_safety.delete_organisation(organisation, request.user)
        messages.success(
            request,
            _("Organisation “%(name)s” and all its campaigns and responses were deleted.")
            % {"name": name},
        )
        return redirect("assessment:organisation_list")
    responses = Response.objects.filter(campaign__organisation=organisation)
    context = {
        "organisation": organisation,
        "form": form,
        "campaigns": list(organisation.campaigns.order_by("name").values_list("name", flat=True)),
        "teams": Team.objects.filter(campaign__organisation=organisation).count(),
        "invitations": Invitation.objects.filter(campaign__organisation=organisation).count(),
        "shared_with": organisation.shared_with.count(),
        **_deletion_counts(responses),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "assessment/organisation_confirm_delete.html", context, status=status)


@login_required
def campaign_responses_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete every response of a campaign (owner of the organisation only)."""
    campaign = consultant_campaign(request, slug)
    if campaign.organisation.owner_id != request.user.pk:
        raise PermissionDenied(
            _("Only the owner of the organisation can delete the responses of a campaign.")
        )
    form = ConfirmDeletionForm(
        request.POST if request.method == "POST" else None,
        expected_name=campaign.name,
        button=_("Delete all responses of this campaign"),
    )
    if request.method == "POST" and form.is_valid():
        entry = data_safety.delete_campaign_responses(campaign, request.user)
        messages.success(
            request,
            ngettext(
                "Deleted %(count)d response with its answers and comments.",
                "Deleted %(count)d responses with their answers and comments.",
                entry.details["responses"],
            )
            % {"count": entry.details["responses"]},
        )
        return redirect("assessment:campaign_detail", slug=campaign.slug)
    context = {
        "campaign": campaign,
        "organisation": campaign.organisation,
        "form": form,
        "invitations": campaign.invitations.count(),
        **_deletion_counts(Response.objects.filter(campaign=campaign)),
    }
    status = 400 if request.method == "POST" else 200
    return render(
        request, "assessment/campaign_responses_confirm_delete.html", context, status=status
    )
