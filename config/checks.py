"""`manage.py check --deploy`: settings whose mistakes only show on a real server."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def client_address_check(app_configs, **kwargs) -> list[Warning]:
    """Behind a proxy, without the client-address header every client has the proxy's
    address: the rate limits count everyone together and five wrong passwords for one
    user name lock that user out for everyone (django-axes uses the same address)."""
    behind_proxy = settings.BEHIND_PROXY or settings.SECURE_PROXY_SSL_HEADER is not None
    if not behind_proxy or settings.RATELIMIT_CLIENT_IP_HEADER:
        return []
    return [
        Warning(
            "The app runs behind a reverse proxy (DJANGO_BEHIND_PROXY or "
            "SECURE_PROXY_SSL_HEADER), but RATELIMIT_CLIENT_IP_HEADER is empty: all "
            "clients share the proxy's address in the rate limits and the log-in lockout.",
            hint="Set RATELIMIT_CLIENT_IP_HEADER=HTTP_X_FORWARDED_FOR and "
            "RATELIMIT_TRUSTED_PROXIES to the number of proxies in front of the app "
            "(usually 1), and let the proxy append the client's address to "
            "X-Forwarded-For (nginx: proxy_set_header X-Forwarded-For "
            "$proxy_add_x_forwarded_for; Caddy does it by itself).",
            id="config.W001",
        )
    ]
