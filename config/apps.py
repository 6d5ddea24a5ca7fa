from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project package as an app, for what must be registered at start-up."""

    name = "config"
    verbose_name = "Site configuration"

    def ready(self) -> None:
        # The deploy checks, and the receiver that counts failed log-ins per address.
        from django.contrib.auth.signals import user_logged_in

        from config import checks, ratelimit  # noqa: F401
        from config.sessions import mark_renewed

        user_logged_in.connect(mark_renewed, dispatch_uid="config.sessions.mark_renewed")
