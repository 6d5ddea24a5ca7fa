import io

import pytest
from django.core.management import call_command
from django.db import transaction

from assessment.models import Response
from tests.browser import REPORT_BROWSER
from tests.builders import EVIL_COMMENT, add_responses
from tests.factories import ClosedCampaignFactory, OrganisationFactory, TeamFactory


@pytest.fixture(scope="session", autouse=True)
def _report_browser():
    """The report's browser tests share one Chromium (launched by the first of them);
    it is closed when the session ends."""
    yield
    REPORT_BROWSER.stop()


@pytest.fixture
def report_campaign(quick_version, consultant):
    """A quick scan (k = 5) of consultant's "Rapport & Co": Alpha 6 employees, Beta 6
    managers (one comment each, an attempt at markup), Gamma 2 employees (below k)."""
    campaign = ClosedCampaignFactory(
        organisation=OrganisationFactory(owner=consultant, name="Rapport & Co"),
        questionnaire_version=quick_version,
        anonymity_threshold=5,
        slug="report-round",
        name="Voorjaar 2026",
    )
    alpha = TeamFactory(campaign=campaign, name="Alpha", order=1, expected_size=8)
    beta = TeamFactory(campaign=campaign, name="Beta", order=2, expected_size=8)
    gamma = TeamFactory(campaign=campaign, name="Gamma", order=3, expected_size=4)
    add_responses(campaign, 6, team=alpha)
    add_responses(campaign, 6, team=beta, role=Response.MANAGER, shift=1, comment=EVIL_COMMENT)
    add_responses(campaign, 2, team=gamma)
    return campaign


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup, django_db_blocker) -> None:
    """`seed_demo` once for the tests of a module that only read the demo: the module
    keeps a transaction open around its tests, each test's own transaction nests in it (a
    savepoint, rolled back after the test as always), and the module's transaction is
    rolled back after its last test. Not for transactional tests."""
    from tests.conftest import ensure_banks_loaded

    module_transaction = transaction.atomic()
    with django_db_blocker.unblock():
        module_transaction.__enter__()
        try:
            ensure_banks_loaded()
            call_command("seed_demo", stdout=io.StringIO())
        except BaseException:
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        module_transaction.__exit__(None, None, None)
