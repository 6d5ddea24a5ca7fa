"""Shared by the security tests: Hypothesis profiles and fresh rate-limit counters."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.core.cache import caches
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

# A modest number of examples keeps the suite fast; HYPOTHESIS_PROFILE=thorough digs deeper.
hypothesis_settings.register_profile(
    "klantscan",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "thorough",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "klantscan"))


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counters():
    """Every security test starts with no requests counted against any limit."""
    caches[settings.RATELIMIT_CACHE].clear()
    yield
    caches[settings.RATELIMIT_CACHE].clear()
