"""The respondent's hottest reads and writes in hand-written SQL.

Every questionnaire page reads the response with its campaign and questionnaire version,
then either the page's answers and comment (GET) or writes the page (POST). Built by the
ORM, each of these statements costs several times its database round trip in query
building, compilation and model machinery, so here they are plain, parameterised SQL
that runs alike on SQLite and PostgreSQL (`ON CONFLICT ... DO UPDATE` is in both). The
statements take their table and column names from the models, so a renamed column still
follows its model, and the read applies the ORM's value converters, so the instances it
returns are the ORM's own.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any, cast

from django.db import connection
from django.db.models import Field, Model

from questionnaires.models import QuestionnaireVersion

from .models import Answer, Campaign, Comment, Response

Converter = Callable[[Any, Any, Any], Any]


# The statements below are put together from the models' table and column names only
# (hence the noqa: S608); every value goes in as a parameter.


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[Model]) -> str:
    return _quote(model._meta.db_table)


def _column(model: type[Model], field_name: str) -> str:
    field = model._meta.get_field(field_name)
    assert isinstance(field, Field)  # a concrete column of the model
    return _quote(field.column)


class _SelectedModel:
    """One model's concrete columns in a SELECT, and the instance built from them as the
    ORM builds it: the database values go through the ORM's converters (on SQLite, for
    instance, text to aware datetimes and integers to booleans). Made for the connection's
    vendor at hand, see `_visit_statement`."""

    def __init__(self, model: type[Model], alias: str) -> None:
        self.model = model
        fields = list(model._meta.concrete_fields)
        self.width = len(fields)
        self.attnames = [field.attname for field in fields]
        self.columns = ", ".join(f"{alias}.{_quote(field.column)}" for field in fields)
        self.converters: list[tuple[int, list[Converter], Any]] = []
        for position, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(column) + column.get_db_converters(
                connection
            )
            if converters:
                self.converters.append((position, converters, column))

    def instance(self, values: Sequence[Any]) -> Model:
        row = list(values)
        for position, converters, column in self.converters:
            for converter in converters:
                row[position] = converter(row[position], column, connection)
        return self.model.from_db(connection.alias, self.attnames, row)


@cache
def _visit_statement(lookup_field: str, vendor: str) -> tuple[str, tuple[_SelectedModel, ...]]:
    response = _SelectedModel(Response, "r")
    campaign = _SelectedModel(Campaign, "c")
    version = _SelectedModel(QuestionnaireVersion, "v")
    sql = (
        f"SELECT {response.columns}, {campaign.columns}, {version.columns}"  # noqa: S608
        f" FROM {_table(Response)} r"
        f" INNER JOIN {_table(Campaign)} c ON c.{_column(Campaign, 'id')}"
        f" = r.{_column(Response, 'campaign')}"
        f" INNER JOIN {_table(QuestionnaireVersion)} v ON v.{_column(QuestionnaireVersion, 'id')}"
        f" = c.{_column(Campaign, 'questionnaire_version')}"
        f" WHERE r.{_column(Response, 'campaign')} = %s AND c.{_column(Campaign, 'token')} = %s"
        f" AND r.{_column(Response, lookup_field)} = %s"
    )
    return sql, (response, campaign, version)


def response_with_campaign(
    campaign_id: int, campaign_token: str, lookup_field: str, lookup_value: str
) -> Response | None:
    """The response of campaign `campaign_id` (whose token must be `campaign_token`) with
    `lookup_field` (a unique digest column) equal to `lookup_value`, its campaign and the
    campaign's questionnaire version read along in the same row."""
    sql, (response_model, campaign_model, version_model) = _visit_statement(
        lookup_field, connection.vendor
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign_id, campaign_token, lookup_value])
        row = cursor.fetchone()
    if row is None:
        return None
    first = response_model.width
    second = first + campaign_model.width
    response = cast(Response, response_model.instance(row[:first]))
    campaign = cast(Campaign, campaign_model.instance(row[first:second]))
    version = cast(QuestionnaireVersion, version_model.instance(row[second:]))
    campaign.questionnaire_version = version
    response.campaign = campaign
    return response


def page_answers_and_comment(
    response_id: int, item_ids: Iterable[int], comment_topic: str
) -> tuple[dict[int, int | None], str | None]:
    """The response's stored answers to `item_ids` (item id -> 1..5, None for "don't
    know") and its comment on `comment_topic` (None without one), in one statement."""
    ids = list(item_ids)
    answer_item, answer_value = _column(Answer, "item"), _column(Answer, "value")
    sql = (
        f"SELECT 0, {answer_item}, {answer_value}, NULL FROM {_table(Answer)}"  # noqa: S608
        f" WHERE {_column(Answer, 'response')} = %s"
        f" AND {answer_item} IN ({', '.join(['%s'] * len(ids))})"
    )
    params: list[Any] = [response_id, *ids]
    if comment_topic:
        sql += (
            f" UNION ALL SELECT 1, NULL, NULL, {_column(Comment, 'text')}"  # noqa: S608
            f" FROM {_table(Comment)} WHERE {_column(Comment, 'response')} = %s"
            f" AND {_column(Comment, 'topic')} = %s"
        )
        params += [response_id, comment_topic]
    answers: dict[int, int | None] = {}
    comment = None
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for is_comment, item_id, value, text in cursor.fetchall():
            if is_comment:
                comment = text
            else:
                answers[item_id] = value
    return answers, comment


def touch_response_in_progress(response_id: int, now: datetime.datetime, language: str) -> bool:
    """Mark the response updated (its language too) while it is in progress; False when
    it is not (submitted meanwhile). On PostgreSQL this takes the row lock that a
    concurrent submit waits for."""
    sql = (
        f"UPDATE {_table(Response)} SET {_column(Response, 'updated_at')} = %s,"  # noqa: S608
        f" {_column(Response, 'language')} = %s"
        f" WHERE {_column(Response, 'id')} = %s AND {_column(Response, 'status')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                connection.ops.adapt_datetimefield_value(now),
                language,
                response_id,
                Response.IN_PROGRESS,
            ],
        )
        return cursor.rowcount > 0


def upsert_answers(response_id: int, values: dict[int, int | None]) -> None:
    """Store the answers (item id -> 1..5, None for "don't know"), replacing earlier ones."""
    response, item, value = (
        _column(Answer, "response"),
        _column(Answer, "item"),
        _column(Answer, "value"),
    )
    sql = (
        f"INSERT INTO {_table(Answer)} ({response}, {item}, {value})"  # noqa: S608
        f" VALUES {', '.join(['(%s, %s, %s)'] * len(values))}"
        f" ON CONFLICT ({response}, {item}) DO UPDATE SET {value} = excluded.{value}"
    )
    params = [part for item_id, answer in values.items() for part in (response_id, item_id, answer)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
