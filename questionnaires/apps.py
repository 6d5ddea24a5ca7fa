from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "questionnaires"
    verbose_name = _("Question banks")

    def ready(self) -> None:
        from . import versions  # noqa: F401 - connects the content-revision signals
