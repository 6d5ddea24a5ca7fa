import factory
from django.contrib.auth import get_user_model

from assessment.models import Answer, Campaign, Organisation, Response, Team
from assessment.tokens import digest, new_token
from questionnaires.models import Questionnaire

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    owner = factory.SubFactory(UserFactory)


def latest_version(code: str):
    return Questionnaire.objects.get(code=code).latest_version()


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")
    questionnaire_version = factory.LazyFunction(lambda: latest_version("quick"))
    status = Campaign.OPEN
    anonymity_threshold = 3
    language = "en"  # tests read in English; Dutch tests say so explicitly


class ClosedCampaignFactory(CampaignFactory):
    """A campaign whose fieldwork has ended: its results are final, with every group
    the anonymity rule allows (an open campaign shows only interim, whole-campaign
    results)."""

    status = Campaign.CLOSED


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    campaign = factory.SubFactory(CampaignFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    campaign = factory.SubFactory(CampaignFactory)
    role = Response.EMPLOYEE
    status = Response.SUBMITTED
    key_digest = factory.LazyFunction(lambda: digest("response", new_token()))
    resume_code_digest = factory.LazyFunction(lambda: digest("resume", new_token()))


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    value = 4
