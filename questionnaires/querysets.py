"""The question bank's querysets, among them the filters that keep the customer mirror
apart from everything internal (`Item.objects.internal()`,
`Questionnaire.objects.internal()`).

The audiences are defined here because these filters use them; the models name them as
`Item.CUSTOMER`, `Questionnaire.INTERNAL` and `Questionnaire.CUSTOMER`.
"""

from __future__ import annotations

from django.db import models

# Who answers: the organisation's own people (internal) or its customers (the mirror).
INTERNAL_AUDIENCE = "internal"
CUSTOMER_AUDIENCE = "customer"


class ItemQuerySet(models.QuerySet):
    def internal(self) -> ItemQuerySet:
        """Items for the organisation's own people: what internal questionnaires and the
        internal index are made of."""
        return self.exclude(audience=CUSTOMER_AUDIENCE)

    def for_customers(self) -> ItemQuerySet:
        """The customer mirror's statements."""
        return self.filter(audience=CUSTOMER_AUDIENCE)


class QuestionnaireQuerySet(models.QuerySet):
    def internal(self) -> QuestionnaireQuerySet:
        """The questionnaires an internal campaign may use: never the customer mirror."""
        return self.filter(audience=INTERNAL_AUDIENCE)

    def for_customers(self) -> QuestionnaireQuerySet:
        return self.filter(audience=CUSTOMER_AUDIENCE)


class QuestionnaireVersionQuerySet(models.QuerySet):
    def frozen(self) -> QuestionnaireVersionQuerySet:
        """Versions that people have answered on: the one rule for freezing.

        A campaign alone does not freeze its version (it may still be a draft nobody has
        seen); the first answer does, because from then on an edit would change what
        someone answered.
        """
        return self.filter(campaigns__responses__answers__isnull=False).distinct()

    def published(self) -> QuestionnaireVersionQuerySet:
        return self.filter(published_at__isnull=False)


class VersionItemQuerySet(models.QuerySet):
    def in_column_order(self) -> VersionItemQuerySet:
        """The order of a version's items as columns of scores and response files:
        framework, dimension, then the position in the version."""
        return self.order_by(
            "item__dimension__framework__order",
            "item__dimension__framework__code",
            "item__dimension__order",
            "item__dimension__code",
            "order",
            "item__code",
        )
