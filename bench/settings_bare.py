"""The bare floor of bench/respondent_page.py outside the app: the bench settings with no
middleware at all and only the bare-template page (bench/bare_urls.py), so the floor is
Django's request handling and template rendering alone, as a bare Django project has it."""

from bench.settings import *  # noqa: F403

MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.bare_urls"
