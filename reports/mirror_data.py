"""Reading a campaign's customer mirror from the database (`reports.mirror` computes).

The mirror is a campaign of its own, so its results are counted exactly as any
campaign's are (`reports.results.counted_results`): never test responses, in steps of
the mirror's own k (or nothing) while its fieldwork runs, and released by the anonymity
rule. Its segments are its teams and its respondents have no role, so the rule's
candidate groups are the customers as a whole, each segment and the customers without
a segment: a segment below k is hidden, and so is any segment that the whole minus the
other shown segments would give away.
"""

from __future__ import annotations

from assessment.anonymity import EVERYONE, Group
from assessment.models import Campaign
from reports.data import full_code, load_structure, load_teams
from reports.mirror import CustomerMirror, customer_mirror
from reports.profile import Profile
from reports.profile_builder import released_comments
from reports.results import counted_results


def mirror_for(campaign: Campaign, profile: Profile) -> CustomerMirror | None:
    """The customer mirror of `campaign` beside its whole-campaign `profile` (names in
    the profile's language); None when the campaign has no mirror. At most one query
    without a mirror, six with one, whatever the number of customers."""
    try:
        # No query where the campaign was read with its mirror (`consultant_results_campaign`).
        mirror = campaign.customer_mirror
    except Campaign.DoesNotExist:
        mirror = None
    if mirror is None:
        return None
    structure = load_structure(mirror.questionnaire_version)
    teams = load_teams(mirror)
    results = counted_results(mirror, structure, teams)
    release, prepared = results.release, results.prepared
    waiting = (
        not results.final and mirror.results_during_fieldwork == Campaign.RESULTS_AFTER_CLOSING
    )
    # Comments only once the mirror has closed, of whole segments of at least k, as
    # the internal comments are listed (`Release.comment_teams`): one list, no segment's.
    listed = release.comment_teams if results.final else frozenset()
    comments, comments_hidden = released_comments(mirror, results, group=EVERYONE, listed=listed)
    segments = []
    for team in teams.values():
        scores = release.scores(prepared, Group(team=team.name))
        if scores is not None:
            segments.append((team.name, scores))
    return customer_mirror(
        k=release.k,
        final=results.final,
        customers=release.scores(prepared, EVERYONE),
        segments=segments,
        names={full_code(d): d.tr("name", profile.language) for d in structure.dimensions},
        sides=profile.sides,
        waiting=waiting,
        comments=[comment.text for comment in comments],
        comments_hidden=comments_hidden,
    )
