"""The backup and restore paths of the README ("Backup and restore"), as round trips.

* any database: ``dumpdata`` (natural foreign keys, without content types, permissions,
  sessions and django-axes' logs) -> ``flush`` -> ``loaddata``: every profile and count
  is the same afterwards;
* SQLite: the online backup (Python's backup API and ``sqlite3 DB ".backup FILE"``), and
  the restore: the copy holds exactly the same rows as the original;
* PostgreSQL: ``pg_dump -Fc`` and ``pg_restore`` into another database: same rows.
"""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from assessment import demo
from assessment.data_safety import delete_campaign_responses
from assessment.models import (
    Answer,
    AuditEntry,
    Campaign,
    Comment,
    Invitation,
    Organisation,
    Response,
    Team,
)
from questionnaires.models import Item, QuestionnaireVersion
from reports.profile_builder import build_profile
from tests.factories import CampaignFactory, ResponseFactory

# The README's command, word for word (after `manage.py dumpdata`).
DUMPDATA_ARGS = [
    "--natural-foreign",
    "--exclude",
    "contenttypes",
    "--exclude",
    "auth.permission",
    "--exclude",
    "sessions",
    "--exclude",
    "axes",
]
COUNTED = (
    Organisation,
    Campaign,
    Team,
    Invitation,
    Response,
    Answer,
    Comment,
    AuditEntry,
    Item,
    QuestionnaireVersion,
)


def quiet() -> io.StringIO:
    return io.StringIO()


def seed() -> None:
    """The demo (two campaigns, ~70 responses on the full scan) and an audit entry."""
    call_command("seed_demo", stdout=quiet())
    user = Organisation.objects.get(name=demo.DEMO_ORGANISATION).owner
    scratch = CampaignFactory(organisation__owner=user, slug="scratch")
    ResponseFactory(campaign=scratch)
    delete_campaign_responses(scratch, user)


def profiles() -> dict:
    return {
        c.slug: build_profile(c, language="en").as_dict() for c in Campaign.objects.order_by("slug")
    }


def counts() -> dict[str, int]:
    from django.contrib.auth import get_user_model

    result = {model._meta.label: model.objects.count() for model in COUNTED}
    result["users"] = get_user_model().objects.count()
    return result


def test_dumpdata_flush_loaddata_round_trip(banks, tmp_path):
    seed()
    before_profiles, before_counts = profiles(), counts()
    assert before_counts["assessment.Response"] >= 60 and before_counts["assessment.Answer"] > 5000
    assert before_profiles[demo.CURRENT_SLUG]["overall"]["score"] is not None
    backup = tmp_path / "backup.json"

    call_command("dumpdata", *DUMPDATA_ARGS, "--output", str(backup), stdout=quiet())
    connection.check_constraints()  # PostgreSQL: fire deferred checks before TRUNCATE
    call_command("flush", "--noinput", stdout=quiet())
    ContentType.objects.clear_cache()
    assert Response.objects.count() == 0 and Item.objects.count() == 0
    call_command("loaddata", str(backup), stdout=quiet())

    assert counts() == before_counts
    assert profiles() == before_profiles
    owner = Organisation.objects.get(name=demo.DEMO_ORGANISATION).owner
    assert owner.check_password(demo.DEMO_PASSWORD)  # logins survive too


# --------------------------------------------------------------------------- raw copies


def sqlite_rows(path) -> dict[str, list]:
    """Every row of every table of a SQLite file."""
    with sqlite3.connect(path) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: db.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}  # noqa: S608


@pytest.mark.django_db(transaction=True)
def test_sqlite_online_backup_and_restore(banks, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    seed()
    source = connection.settings_dict["NAME"]
    original = sqlite_rows(source)
    assert len(original["assessment_answer"]) > 5000

    # Python's backup API (what `.backup` does), safe while the app runs.
    copy = tmp_path / "backup.sqlite3"
    with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
        live.backup(target)
    assert sqlite_rows(copy) == original

    if shutil.which("sqlite3"):
        cli_copy = tmp_path / "backup-cli.sqlite3"
        subprocess.run(["sqlite3", source, f".backup '{cli_copy}'"], check=True)
        assert sqlite_rows(cli_copy) == original

    # Restore (the app stopped): write the backup over a damaged database.
    damaged = tmp_path / "db.sqlite3"
    with sqlite3.connect(copy) as backup, sqlite3.connect(damaged) as target:
        backup.backup(target)
        target.execute("DELETE FROM assessment_answer")
        target.commit()
        assert sqlite_rows(damaged) != original
        backup.backup(target)
    assert sqlite_rows(damaged) == original
    if shutil.which("sqlite3"):  # the README's `.restore`
        with sqlite3.connect(damaged) as target:
            target.execute("DELETE FROM assessment_response")
        subprocess.run(["sqlite3", str(damaged), f".restore '{copy}'"], check=True)
        assert sqlite_rows(damaged) == original


def pg_command(name: str, *args: str) -> subprocess.CompletedProcess:
    settings = connection.settings_dict
    options = ["-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432)]
    options += ["-U", settings["USER"] or "postgres"]
    env = {"PGPASSWORD": settings["PASSWORD"] or ""}
    return subprocess.run(
        [name, *options, *args], check=True, capture_output=True, env={**os.environ, **env}
    )


def pg_rows(database: str) -> dict[str, str]:
    """A checksum of every row of every table of the public schema."""
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"] or "postgres",
        password=settings["PASSWORD"] or None,
        dbname=database,
    ) as db:
        tables = [
            name
            for (name,) in db.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            t: db.execute(
                f"SELECT count(*), md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM \"{t}\" x"  # noqa: S608, E501
            ).fetchone()
            for t in tables
        }


@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore(banks, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore not installed")
    seed()
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "backup.dump"
    pg_command("pg_dump", "-Fc", "-f", str(dump), source)
    target = f"klantscan_restore_{uuid.uuid4().hex[:8]}"
    pg_command("createdb", target)
    try:
        pg_command("pg_restore", "--no-owner", "-d", target, str(dump))
        original, restored = pg_rows(source), pg_rows(target)
        assert original["assessment_answer"][0] > 5000
        assert restored == original
    finally:
        pg_command("dropdb", "--if-exists", target)
