"""Probe finding: `seed_demo` ran in production and created the superuser admin/admin-demo,
whose password is printed in the README. It now refuses there and creates nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from assessment import demo
from assessment.models import Campaign, Organisation


def test_seed_demo_refuses_in_production(settings, banks):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production") as refused:
        call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert "Nothing was created" in str(refused.value)
    assert not get_user_model().objects.exists()
    assert not Organisation.objects.exists() and not Campaign.objects.exists()
    with pytest.raises(demo.RefusedInProduction):
        demo.create_demo()
    assert not get_user_model().objects.exists()


def test_seed_demo_still_works_outside_production(settings, banks):
    settings.PRODUCTION = False
    call_command("seed_demo", stdout=io.StringIO(), stderr=io.StringIO())
    assert get_user_model().objects.filter(username=demo.ADMIN_USERNAME).exists()
