from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.test.utils import override_settings

from questionnaires.models import Framework, Questionnaire, QuestionnaireVersion

_DEFAULT_HASHERS = list(settings.PASSWORD_HASHERS)


# The rows of the questionnaires app once the shipped banks are loaded, table by table:
# taken after the one load of the session, written back where a transactional test
# flushed the database (the loader itself is tested in tests/questionnaires).
_BANK_ROWS: list[tuple[type[Model], list[dict[str, Any]]]] = []


def ensure_banks_loaded() -> None:
    if Framework.objects.exists():
        return
    if _BANK_ROWS:
        _restore_banks()
    else:
        call_command("load_question_banks", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _bank_models() -> list[type[Model]]:
    return list(apps.get_app_config("questionnaires").get_models(include_auto_created=True))


def _remember_banks() -> None:
    _BANK_ROWS[:] = [
        (model, list(model.objects.values(*(f.attname for f in model._meta.concrete_fields))))
        for model in _bank_models()
    ]


def _restore_banks() -> None:
    """The banks as loaded at the start of the session: the same rows, the same keys."""
    from assessment import page_plan

    with transaction.atomic():
        for model, rows in _BANK_ROWS:
            model.objects.bulk_create((model(**row) for row in rows), batch_size=500)
        statements = connection.ops.sequence_reset_sql(no_style(), _bank_models())
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
    page_plan.clear_page_plan_cache()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the shipped question banks once into the test database."""
    with django_db_blocker.unblock():
        ensure_banks_loaded()
        _remember_banks()
    yield
    # SQLite leaves its write-ahead log beside a test database deleted while a thread
    # still held a connection.
    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME") or ""
    if test_name.endswith(".sqlite3"):
        for suffix in ("-wal", "-shm"):
            Path(f"{test_name}{suffix}").unlink(missing_ok=True)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hashes():
    """Tests hash passwords with MD5: every test user (UserFactory, `seed_demo`) would
    otherwise cost a full-strength PBKDF2 hash, and so would every login of a browser
    test. The default hashers stay behind it, so a stored PBKDF2 hash still verifies.
    Production's hasher is Django's default (config/settings.py sets none)."""
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher", *_DEFAULT_HASHERS]
    ):
        yield


@pytest.fixture
def banks(db) -> None:
    """The shipped banks; reloaded where a transactional test flushed them."""
    ensure_banks_loaded()


@pytest.fixture
def quick_version(banks) -> QuestionnaireVersion:
    return Questionnaire.objects.get(code="quick").latest_version()


@pytest.fixture
def full_version(banks) -> QuestionnaireVersion:
    return Questionnaire.objects.get(code="full").latest_version()


@pytest.fixture
def consultant(db):
    from tests.factories import UserFactory

    return UserFactory(username="consultant-a")


@pytest.fixture
def other_consultant(db):
    from tests.factories import UserFactory

    return UserFactory(username="consultant-b")


@pytest.fixture
def staff_user(db):
    from tests.factories import UserFactory

    return UserFactory(username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def client(client):
    """Test pages read in English; tests of the Dutch default make their own Client."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def report_cache(settings, tmp_path) -> Path:
    """Every test keeps its PDF reports in a directory of its own, and makes them in the
    request (the immediate task backend); tests of the worker choose its backend. No
    heartbeat is written during the test's own transaction (on SQLite it would wait for
    that transaction's lock); tests of the heartbeat set its interval."""
    location = tmp_path / "reports"
    settings.STORAGES = {
        **settings.STORAGES,
        "reports": {
            "BACKEND": "reports.report_storage.ReportFileStorage",
            "OPTIONS": {"location": location},
        },
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.REPORT_HEARTBEAT_SECONDS = 3600
    return location
