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

from . import models as bank
from . import versions
from .codes import mirror_code_prefix

BANKS_DIR = Path(__file__).resolve().parent / "banks"
# Earlier editions of the framework files, kept so that their items (and the rounds
# answered on them) stay loadable and comparable; see `load_archived_edition`.
ARCHIVED_EDITIONS = ("edition1",)
FRAMEWORK_CODES = ("diamond", "shifts", "keys", "care", "listening")
# Audiences a framework file may give its items; customer items come only from the mirror.
AUDIENCES = (bank.Item.EVERYONE, bank.Item.MANAGEMENT)
MIRROR_FILE = "mirror.yaml"
# The select rule of the customer mirror; it makes its questionnaire a customer one.
CUSTOMER_SELECTION = "audience:customer"


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


def sync(
    model,
    lookup: dict,
    values: dict,
    report: LoadReport,
    kind: str,
    frozen=False,
    create_only=False,
):
    """Create or update one row; unchanged rows are not written at all. `frozen`: an
    existing row is reported as left alone; `create_only`: an existing row is kept as is."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        report.note(kind, "created")
        return obj
    if create_only:
        report.note(kind, "unchanged")
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
    if sorted(codes) != sorted(bank.Stage.CODES):
        raise BankError(f"{path.name}: expected the stages {', '.join(bank.Stage.CODES)}")
    for stage in stages:
        where = f"{path.name}: stage {stage['code']}"
        sync(
            bank.Stage,
            {"code": stage["code"]},
            {
                "order": bank.Stage.CODES.index(stage["code"]),
                **bilingual(stage, "name", where),
                **bilingual(stage, "description", where),
                **bilingual(stage, "next_step", where, required=False),
            },
            report,
            "stages",
        )


@dataclass
class LoadedItems:
    """The item codes a set of framework files defines, in file order, and the
    `replaces:` links they declare."""

    codes: list[str] = field(default_factory=list)
    replaces: dict[str, list[str]] = field(default_factory=dict)


def sync_item(
    loaded: LoadedItems,
    item: dict,
    values: dict,
    report: LoadReport,
    kind: str,
    frozen_item_codes: set[str],
    *,
    create_only: bool = False,
) -> None:
    """Store one item of a bank file (`sync`) and note its code and `replaces:` links in
    `loaded`, for the links made once every file is in."""
    code = item["code"]
    sync(
        bank.Item,
        {"code": code},
        values,
        report,
        kind,
        frozen=code in frozen_item_codes,
        create_only=create_only,
    )
    loaded.codes.append(code)
    replaced = item.get("replaces") or []
    loaded.replaces[code] = [replaced] if isinstance(replaced, str) else replaced


def load_framework_stages(framework: bank.Framework, data: dict, where: str, report: LoadReport):
    stages = data.get("stages")
    if stages is None:
        return
    if not isinstance(stages, dict) or sorted(stages) != sorted(bank.Stage.CODES):
        raise BankError(f"{where}: 'stages' needs the stages {', '.join(bank.Stage.CODES)}")
    for code in bank.Stage.CODES:
        s_where = f"{where}: stage {code}"
        sync(
            bank.FrameworkStage,
            {"framework": framework, "stage": code},
            {
                **bilingual(stages[code], "looks_like", s_where),
                **bilingual(stages[code], "next_step", s_where),
            },
            report,
            "framework stages",
        )


def load_framework(
    path: Path,
    report: LoadReport,
    frozen_item_codes: set[str],
    *,
    create_only: bool = False,
) -> LoadedItems:
    """Load one framework file. `create_only` (an archived edition) adds what is missing
    and changes nothing that exists: the current edition owns the shared texts."""
    data = read_yaml(path)
    loaded = LoadedItems()
    code = data.get("code")
    where = path.name
    if code != path.stem:
        raise BankError(f"{where}: 'code' must be '{path.stem}' (the file name)")
    aggregation = data.get("aggregation", bank.Framework.MEAN)
    if aggregation not in (bank.Framework.MEAN, bank.Framework.WEAKEST_LINK):
        raise BankError(f"{where}: aggregation must be 'mean' or 'weakest_link'")
    framework = sync(
        bank.Framework,
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
        create_only=create_only,
    )
    if not create_only:
        load_framework_stages(framework, data, where, report)
    for d_order, dim in enumerate(data.get("dimensions") or [], start=1):
        d_where = f"{where}: dimension {dim.get('code')}"
        dimension = sync(
            bank.Dimension,
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
            create_only=create_only,
        )
        for r_order, rec in enumerate(dim.get("recommendations") or [], start=1):
            sync(
                bank.Recommendation,
                {"dimension": dimension, "order": r_order},
                {"text_nl": str(rec["nl"]).strip(), "text_en": str(rec["en"]).strip()},
                report,
                "recommendations",
                create_only=create_only,
            )
        for i_order, item in enumerate(dim.get("items") or [], start=1):
            i_where = f"{d_where}: item {item.get('code')}"
            expected_prefix = f"{code}.{dim['code']}."
            if not str(item.get("code", "")).startswith(expected_prefix):
                raise BankError(f"{i_where}: code must start with '{expected_prefix}'")
            scale = item.get("scale", bank.Item.AGREEMENT)
            audience = item.get("audience", bank.Item.EVERYONE)
            if audience not in AUDIENCES:
                raise BankError(f"{i_where}: audience must be one of {', '.join(AUDIENCES)}")
            if audience == bank.Item.MANAGEMENT and item.get("quick"):
                raise BankError(f"{i_where}: an item for management only is never quick")
            values = {
                "dimension": dimension,
                "order": i_order,
                "scale": scale,
                "reverse_keyed": bool(item.get("reverse", False)),
                "quick_scan": bool(item.get("quick", False)),
                "audience": audience,
                "concept": str(item.get("concept") or ""),
                **bilingual(item, "text", i_where),
            }
            if scale == bank.Item.BIPOLAR:
                poles = {**bilingual(item, "from", i_where), **bilingual(item, "to", i_where)}
                values |= {
                    "pole_from_nl": poles["from_nl"],
                    "pole_from_en": poles["from_en"],
                    "pole_to_nl": poles["to_nl"],
                    "pole_to_en": poles["to_en"],
                }
            elif scale != bank.Item.AGREEMENT:
                raise BankError(f"{i_where}: scale must be 'agreement' or 'bipolar'")
            sync_item(
                loaded, item, values, report, "items", frozen_item_codes, create_only=create_only
            )
    return loaded


def link_replaced_items(loaded: LoadedItems, report: LoadReport) -> None:
    """`replaces:` of the current edition, as links between items (the trend reads them)."""
    wanted_codes = {code for codes in loaded.replaces.values() for code in codes}
    by_code = {item.code: item for item in bank.Item.objects.filter(code__in=wanted_codes)}
    for item in bank.Item.objects.filter(code__in=loaded.codes).prefetch_related("replaces"):
        wanted = {by_code[code].pk for code in loaded.replaces[item.code] if code in by_code}
        if {linked.pk for linked in item.replaces.all()} == wanted:
            report.note("item links", "unchanged")
            continue
        item.replaces.set(wanted)
        report.note("item links", "updated")


def load_mirror(path: Path, report: LoadReport, frozen_item_codes: set[str]) -> LoadedItems:
    """The customer mirror's statements, each an item in the internal dimension it mirrors
    (after the framework files, which create those dimensions)."""
    data = read_yaml(path)
    loaded = LoadedItems()
    for position, item in enumerate(data.get("items") or [], start=1):
        where = f"{path.name}: item {item.get('code')}"
        framework_code, _, dimension_code = str(item.get("dimension", "")).partition(".")
        dimension = bank.Dimension.objects.filter(
            framework__code=framework_code, code=dimension_code
        ).first()
        if dimension is None:
            raise BankError(f"{where}: unknown dimension '{item.get('dimension')}'")
        prefix = mirror_code_prefix(dimension.full_code)
        if not str(item.get("code", "")).startswith(prefix):
            raise BankError(f"{where}: code must start with '{prefix}'")
        if item.get("scale", bank.Item.AGREEMENT) != bank.Item.AGREEMENT:
            raise BankError(f"{where}: customer statements use the agreement scale")
        values = {
            "dimension": dimension,
            "order": position,  # the order customers read them in
            "scale": bank.Item.AGREEMENT,
            "reverse_keyed": bool(item.get("reverse", False)),
            "quick_scan": False,
            "audience": bank.Item.CUSTOMER,
            "concept": str(item.get("concept") or ""),
            **bilingual(item, "text", where),
        }
        sync_item(loaded, item, values, report, "customer items", frozen_item_codes)
    return loaded


def select_items(rule: str, codes: list[str]) -> list[bank.Item]:
    """The items of `codes` (one edition's) that a questionnaire's `select` rule picks.

    Every rule but the customer one picks internal items only: a customer statement
    never enters an internal questionnaire, and so never an internal score."""
    items = bank.Item.objects.filter(dimension__framework__code__in=FRAMEWORK_CODES, code__in=codes)
    if rule == CUSTOMER_SELECTION:
        return list(items.for_customers().order_by("order", "code"))
    items = items.internal()
    if rule == "quick":
        items = items.filter(quick_scan=True)
    elif rule.startswith("framework:"):
        items = items.filter(dimension__framework__code=rule.removeprefix("framework:"))
    elif rule != "all":
        raise BankError(f"questionnaires.yaml: unknown select rule '{rule}'")
    return list(items.order_by("dimension__framework__order", "dimension__order", "order"))


def load_questionnaires(
    path: Path, report: LoadReport, codes: list[str], *, archived_edition: str = ""
) -> None:
    """Keep each questionnaire's latest version equal to its selection from `codes`.

    An archived edition only gives a questionnaire that has no version yet its first
    version, so that a new installation holds the earlier edition as history (rounds
    answered on it can be imported and compared) while campaigns take the latest."""
    data = read_yaml(path)
    for entry in data.get("questionnaires") or []:
        where = f"{path.name}: questionnaire {entry.get('code')}"
        rule = str(entry.get("select", "all"))
        for_customers = rule == CUSTOMER_SELECTION
        questionnaire = sync(
            bank.Questionnaire,
            {"code": entry["code"]},
            {
                "audience": (
                    bank.Questionnaire.CUSTOMER if for_customers else bank.Questionnaire.INTERNAL
                ),
                **bilingual(entry, "name", where),
                **bilingual(entry, "description", where),
            },
            report,
            "questionnaires",
        )
        # The mirror came after edition 1: it starts as its own version 1.
        if archived_edition and (for_customers or questionnaire.versions.exists()):
            continue
        wanted = [item.pk for item in select_items(rule, codes)]
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
        if version is None or version.is_frozen or version.bank_edition:
            version = bank.QuestionnaireVersion.objects.create(
                questionnaire=questionnaire,
                number=(version.number + 1) if version else 1,
                note=(
                    f"Shipped question banks, {archived_edition}"
                    if archived_edition
                    else "Loaded from the shipped question banks"
                ),
                published_at=timezone.now(),
                bank_edition=archived_edition,
            )
            report.note("questionnaire versions", "created")
        else:
            version.versionitem_set.all().delete()
            if not version.is_published:
                versions.publish_version(version=version)
            report.note("questionnaire versions", "updated")
        bank.VersionItem.objects.bulk_create(
            bank.VersionItem(version=version, item_id=pk, order=n) for n, pk in enumerate(wanted, 1)
        )
        # bulk_create sends no post_save: tell cached page plans the selection changed.
        versions.bump_content_revision(bank.QuestionnaireVersion.objects.filter(pk=version.pk))


@transaction.atomic
def load_question_banks(directory: Path = BANKS_DIR) -> LoadReport:
    report = LoadReport()
    frozen_item_codes = set(
        bank.Item.objects.filter(
            versions__in=bank.QuestionnaireVersion.objects.frozen()
        ).values_list("code", flat=True)
    )
    load_stages(directory / "stages.yaml", report)
    for edition in ARCHIVED_EDITIONS:
        load_archived_edition(directory, edition, report)
    current = LoadedItems()
    for code in FRAMEWORK_CODES:
        loaded = load_framework(directory / f"{code}.yaml", report, frozen_item_codes)
        current.codes += loaded.codes
        current.replaces |= loaded.replaces
    if (directory / MIRROR_FILE).exists():
        mirror = load_mirror(directory / MIRROR_FILE, report, frozen_item_codes)
        current.codes += mirror.codes
        current.replaces |= mirror.replaces
    link_replaced_items(current, report)
    load_questionnaires(directory / "questionnaires.yaml", report, current.codes)
    return report


def load_archived_edition(directory: Path, edition: str, report: LoadReport) -> None:
    """Create what an earlier edition has and the database lacks (its items above all);
    change nothing that exists. Questionnaires without any version get the edition's
    selection as their first version."""
    folder = directory / edition
    if not folder.is_dir():
        return
    codes: list[str] = []
    for code in FRAMEWORK_CODES:
        if (folder / f"{code}.yaml").exists():
            codes += load_framework(folder / f"{code}.yaml", report, set(), create_only=True).codes
    load_questionnaires(directory / "questionnaires.yaml", report, codes, archived_edition=edition)
