from django.urls import reverse
from django.utils import translation


def test_home_page_in_dutch_by_default(client, db):
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert 'lang="nl"' in page.content.decode()


def test_language_switch_to_english(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("home"))
    assert 'lang="en"' in page.content.decode()
    assert "Log in as consultant" in page.content.decode()


def test_dutch_messages_are_compiled():
    with translation.override("nl"):
        assert translation.gettext("Log in as consultant") != "Log in as consultant"


def test_bootstrap_is_served_from_our_static_files(client, db):
    page = client.get(reverse("home")).content.decode()
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in page
    assert "cdn" not in page.lower()
