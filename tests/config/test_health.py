"""/healthz: what a load balancer asks each node."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import OperationalError


@pytest.mark.django_db
def test_healthy_node(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "cache": True}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_a_node_without_its_cache_is_unavailable(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(cache, "set", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": True, "cache": False}


@pytest.mark.django_db
def test_a_node_without_its_database_is_unavailable(client, monkeypatch):
    from django.db.backends.utils import CursorWrapper

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": False, "cache": True}


def test_only_get(client, db):
    assert client.post("/healthz").status_code == 405
