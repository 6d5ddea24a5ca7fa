"""Loading the shipped question banks (YAML files in `questionnaires/banks/`).

The loader is idempotent: it compares what is in the database with the files and only
writes differences. Texts and flags of items that a frozen questionnaire version uses
(one that has answers, see `QuestionnaireVersionQuerySet.frozen`) are never changed;
when a shipped questionnaire's latest version is frozen and the files select other
items, a new version is created instead. The versions it writes are published: the
shipped banks are ready for campaigns.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from . import versions
from .models import (
    Dimension,
    Framework,
    Item,
    Questionnaire,
    QuestionnaireVersion,
    Recommendation,
    Stage,
    VersionItem,
)

BANKS_DIR = Path(__file__).resolve().parent / "banks"
FRAMEWORK_CODES = ("diamond", "shifts", "keys", "care", "listening")


class BankError(ValueError):
    """A bank file is malformed; the message names the file and the place."""


@dataclass
class LoadReport:
    counts: Counter = field(default_factory=Counter)
    skipped_frozen: list[str] = field(default_factory=list)

    def note(self, kind: str, action: str) -> None:
        self.counts[(kind, action)] += 1

    @property
    def changed(self) -> bool:
        return any(action != "unchanged" for (_, action) in self.counts)

    def lines(self) -> list[str]:
        kinds = sorted({kind for kind, _ in self.counts})
        lines = []
        for kind in kinds:
            parts = [
                f"{self.counts[(kind, action)]} {action}"
                for action in ("created", "updated", "unchanged")
                if self.counts[(kind, action)]
            ]
            lines.append(f"{kind}: {', '.join(parts)}")
        if self.skipped_frozen:
            lines.append(f"left alone (used by a frozen version): {', '.join(self.skipped_frozen)}")
        return lines


def bilingual(data: dict[str, Any], key: str, where: str, required: bool = True) -> dict:
    value = data.get(key)
    if value is None and not required:
        return {f"{key}_nl": "", f"{key}_en": ""}
    if not isinstance(value, dict) or not value.get("nl") or not value.get("en"):
        raise BankError(f"{where}: '{key}' needs both an 'nl' and an 'en' text")
    return {f"{key}_nl": str(value["nl"]).strip(), f"{key}_en": str(value["en"]).strip()}


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise BankError(f"{path.name}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise BankError(f"{path.name}: expected a mapping at the top level")
    return data


def sync(model, lookup: dict, values: dict, report: LoadReport, kind: str, frozen=False):
    """Create or update one row; unchanged rows are not written at all."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.note(kind, "created")
        return obj
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if not changed:
        report.note(kind, "unchanged")
    elif frozen:
        report.skipped_frozen.append(str(obj))
        report.note(kind, "unchanged")
    else:
        for k, v in changed.items():
            setattr(obj, k, v)
        obj.save(update_fields=list(changed))
        report.note(kind, "updated")
    return obj


def load_stages(path: Path, report: LoadReport) -> None:
    data = read_yaml(path)
    stages = data.get("stages") or []
    codes = [s.get("code") for s in stages]
    if sorted(codes) != sorted(Stage.CODES):
        raise BankError(f"{path.name}: expected the stages {', '.join(Stage.CODES)}")
    for stage in stages:
        where = f"{path.name}: stage {stage['code']}"
        sync(
            Stage,
            {"code": stage["code"]},
            {
                "order": Stage.CODES.index(stage["code"]),
                **bilingual(stage, "name", where),
                **bilingual(stage, "description", where),
            },
            report,
            "stages",
        )


def load_framework(path: Path, report: LoadReport, frozen_item_codes: set[str]) -> None:
    data = read_yaml(path)
    code = data.get("code")
    where = path.name
    if code != path.stem:
        raise BankError(f"{where}: 'code' must be '{path.stem}' (the file name)")
    aggregation = data.get("aggregation", Framework.MEAN)
    if aggregation not in (Framework.MEAN, Framework.WEAKEST_LINK):
        raise BankError(f"{where}: aggregation must be 'mean' or 'weakest_link'")
    framework = sync(
        Framework,
        {"code": code},
        {
            "order": int(data.get("order", 0)),
            "aggregation": aggregation,
            "source": str(data.get("source", "")),
            **bilingual(data, "name", where),
            **bilingual(data, "description", where),
        },
        report,
        "frameworks",
    )
    for d_order, dim in enumerate(data.get("dimensions") or [], start=1):
        d_where = f"{where}: dimension {dim.get('code')}"
        dimension = sync(
            Dimension,
            {"framework": framework, "code": dim.get("code")},
            {
                "order": d_order,
                "weight": float(dim.get("weight", 1)),
                **bilingual(dim, "name", d_where),
                **bilingual(dim, "description", d_where),
                **bilingual(dim, "discussion_question", d_where),
            },
            report,
            "dimensions",
        )
        for r_order, rec in enumerate(dim.get("recommendations") or [], start=1):
            sync(
                Recommendation,
                {"dimension": dimension, "order": r_order},
                {"text_nl": str(rec["nl"]).strip(), "text_en": str(rec["en"]).strip()},
                report,
                "recommendations",
            )
        for i_order, item in enumerate(dim.get("items") or [], start=1):
            i_where = f"{d_where}: item {item.get('code')}"
            expected_prefix = f"{code}.{dim['code']}."
            if not str(item.get("code", "")).startswith(expected_prefix):
                raise BankError(f"{i_where}: code must start with '{expected_prefix}'")
            scale = item.get("scale", Item.AGREEMENT)
            values = {
                "dimension": dimension,
                "order": i_order,
                "scale": scale,
                "reverse_keyed": bool(item.get("reverse", False)),
                "quick_scan": bool(item.get("quick", False)),
                **bilingual(item, "text", i_where),
            }
            if scale == Item.BIPOLAR:
                poles = {**bilingual(item, "from", i_where), **bilingual(item, "to", i_where)}
                values |= {
                    "pole_from_nl": poles["from_nl"],
                    "pole_from_en": poles["from_en"],
                    "pole_to_nl": poles["to_nl"],
                    "pole_to_en": poles["to_en"],
                }
            elif scale != Item.AGREEMENT:
                raise BankError(f"{i_where}: scale must be 'agreement' or 'bipolar'")
            sync(
                Item,
                {"code": item["code"]},
                values,
                report,
                "items",
                frozen=item["code"] in frozen_item_codes,
            )


def select_items(rule: str) -> list[Item]:
    items = Item.objects.filter(dimension__framework__code__in=FRAMEWORK_CODES)
    if rule == "quick":
        items = items.filter(quick_scan=True)
    elif rule.startswith("framework:"):
        items = items.filter(dimension__framework__code=rule.removeprefix("framework:"))
    elif rule != "all":
        raise BankError(f"questionnaires.yaml: unknown select rule '{rule}'")
    return list(items.order_by("dimension__framework__order", "dimension__order", "order"))


def load_questionnaires(path: Path, report: LoadReport) -> None:
    data = read_yaml(path)
    for entry in data.get("questionnaires") or []:
        where = f"{path.name}: questionnaire {entry.get('code')}"
        questionnaire = sync(
            Questionnaire,
            {"code": entry["code"]},
            {**bilingual(entry, "name", where), **bilingual(entry, "description", where)},
            report,
            "questionnaires",
        )
        wanted = [item.pk for item in select_items(str(entry.get("select", "all")))]
        if not wanted:
            raise BankError(f"{where}: the selection is empty")
        version = questionnaire.latest_version()
        current = (
            list(version.versionitem_set.order_by("order").values_list("item_id", flat=True))
            if version
            else None
        )
        if current == wanted:
            report.note("questionnaire versions", "unchanged")
            continue
        if version is None or version.is_frozen:
            version = QuestionnaireVersion.objects.create(
                questionnaire=questionnaire,
                number=(version.number + 1) if version else 1,
                note="Loaded from the shipped question banks",
                published_at=timezone.now(),
            )
            report.note("questionnaire versions", "created")
        else:
            version.versionitem_set.all().delete()
            if not version.is_published:
                versions.publish_version(version=version)
            report.note("questionnaire versions", "updated")
        VersionItem.objects.bulk_create(
            VersionItem(version=version, item_id=pk, order=n) for n, pk in enumerate(wanted, 1)
        )
        # bulk_create sends no post_save: tell cached page plans the selection changed.
        versions.bump_content_revision(QuestionnaireVersion.objects.filter(pk=version.pk))


@transaction.atomic
def load_question_banks(directory: Path = BANKS_DIR) -> LoadReport:
    report = LoadReport()
    frozen_item_codes = set(
        Item.objects.filter(versions__in=QuestionnaireVersion.objects.frozen()).values_list(
            "code", flat=True
        )
    )
    load_stages(directory / "stages.yaml", report)
    for code in FRAMEWORK_CODES:
        load_framework(directory / f"{code}.yaml", report, frozen_item_codes)
    load_questionnaires(directory / "questionnaires.yaml", report)
    return report
