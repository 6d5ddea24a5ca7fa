"""The bank linter (questionnaires/bank_lint.py) and `manage.py check_banks`.

Each case starts from a small clean framework bank and changes one thing so that exactly
one rule breaks; the expected line is looked up in the YAML text that was written.
"""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from questionnaires.bank_lint import Problem, lint_files

# "FW" is replaced by the framework code, so two copies of the bank do not share texts.
CLEAN = """\
code: FW
order: 1
source: "Seed book FW"
name: {nl: "Model FW", en: "Model FW (English)"}
description: {nl: "Een klein model FW.", en: "A small model FW."}
concepts:
  - code: C1
    name: {nl: "Eerste begrip", en: "First concept"}
    source: "Seed FW, chapter 1"
  - code: C2
    name: {nl: "Tweede begrip", en: "Second concept"}
    source: "Seed FW, chapter 2"
stages:
  rough:
    looks_like: {nl: "Ruw FW.", en: "Rough FW."}
    next_step: {nl: "Stap ruw FW.", en: "Step rough FW."}
  clear:
    looks_like: {nl: "Helder FW.", en: "Clear FW."}
    next_step: {nl: "Stap helder FW.", en: "Step clear FW."}
  cut:
    looks_like: {nl: "Geslepen FW.", en: "Cut FW."}
    next_step: {nl: "Stap geslepen FW.", en: "Step cut FW."}
  shining:
    looks_like: {nl: "Stralend FW.", en: "Shining FW."}
    next_step: {nl: "Stap stralend FW.", en: "Step shining FW."}
dimensions:
  - code: alpha
    name: {nl: "Alfa FW", en: "Alpha FW"}
    description: {nl: "Over alfa FW.", en: "About alpha FW."}
    discussion_question: {nl: "Wat doen we met alfa FW?", en: "What do we do with alpha FW?"}
    recommendations:
      - {nl: "Doe alfa FW een.", en: "Do alpha FW one."}
      - {nl: "Doe alfa FW twee.", en: "Do alpha FW two."}
    items:
      - code: FW.alpha.1
        concept: C1
        text: {nl: "Alfa FW een.", en: "Alpha FW one."}
        quick: true
      - code: FW.alpha.2
        concept: C1
        text:
          nl: "Alfa FW twee."
          en: "Alpha FW two."
        quick: true
        audience: everyone
      - code: FW.alpha.3
        concept: C2
        text: {nl: "Alfa FW drie.", en: "Alpha FW three."}
        reverse: true
        audience: management
  - code: beta
    name: {nl: "Beta FW", en: "Beta FW (English)"}
    description: {nl: "Over beta FW.", en: "About beta FW."}
    discussion_question: {nl: "Wat doen we met beta FW?", en: "What do we do with beta FW?"}
    recommendations:
      - {nl: "Doe beta FW een.", en: "Do beta FW one."}
      - {nl: "Doe beta FW twee.", en: "Do beta FW two."}
    items:
      - code: FW.beta.1
        concept: C2
        scale: bipolar
        text: {nl: "Beta FW stam een", en: "Beta FW stem one"}
        from: {nl: "Oud een FW.", en: "Old one FW."}
        to: {nl: "Nieuw een FW.", en: "New one FW."}
      - code: FW.beta.2
        concept: C2
        scale: bipolar
        text: {nl: "Beta FW stam twee", en: "Beta FW stem two"}
        from: {nl: "Oud twee FW.", en: "Old two FW."}
        to: {nl: "Nieuw twee FW.", en: "New two FW."}
        reverse: true
      - code: FW.beta.3
        concept: C1
        scale: bipolar
        text: {nl: "Beta FW stam drie", en: "Beta FW stem three"}
        from: {nl: "Oud drie FW.", en: "Old three FW."}
        to: {nl: "Nieuw drie FW.", en: "New three FW."}
  - code: gamma
    name: {nl: "Gamma FW", en: "Gamma FW (English)"}
    description: {nl: "Over gamma FW.", en: "About gamma FW."}
    discussion_question: {nl: "Wat doen we met gamma FW?", en: "What do we do with gamma FW?"}
    recommendations:
      - {nl: "Doe gamma FW een.", en: "Do gamma FW one."}
      - {nl: "Doe gamma FW twee.", en: "Do gamma FW two."}
    items:
      - code: FW.gamma.1
        concept: C1
        text: {nl: "Gamma FW een.", en: "Gamma FW one."}
      - code: FW.gamma.2
        concept: C2
        text: {nl: "Gamma FW twee.", en: "Gamma FW two."}
        reverse: true
      - code: FW.gamma.3
        concept: C1
        text: {nl: "Gamma FW drie.", en: "Gamma FW three."}
"""


def bank_text(code: str = "t", *edits: tuple[str, str]) -> str:
    text = CLEAN.replace("FW", code)
    for old, new in edits:
        assert text.count(old) == 1, f"edit {old!r} must match exactly once"
        text = text.replace(old, new)
    return text


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the `occurrence`-th `fragment`."""
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    return lines[occurrence - 1]


def lint_one(tmp_path: Path, *edits: tuple[str, str]) -> tuple[Path, str, list[Problem]]:
    text = bank_text("t", *edits)
    path = write(tmp_path, "t.yaml", text)
    return path, text, lint_files([path])


def test_clean_bank_with_concepts_passes(tmp_path):
    paths = [write(tmp_path, f"{code}.yaml", bank_text(code)) for code in ("t", "u")]
    assert lint_files(paths) == []


def test_problem_prints_as_path_line_rule_message():
    problem = Problem("banks/t.yaml", 7, "item-code", "item code 'x' should be 't.a.1'")
    assert str(problem) == "banks/t.yaml:7: item-code: item code 'x' should be 't.a.1'"


# (rule, edits, a fragment on the line the problem points at, the whole message)
CASES = [
    pytest.param(
        "concepts-covered",
        [(CLEAN[CLEAN.index("concepts:") : CLEAN.index("stages:")].replace("FW", "t"), "")],
        "code: t",
        "no concepts: list",
        id="no-concepts-list",
    ),
    pytest.param(
        "concepts-covered",
        [
            (
                "        concept: C1\n        scale: bipolar",
                "        concept: C9\n        scale: bipolar",
            )
        ],
        "concept: C9",
        "t.beta.3: unknown concept C9",
        id="unknown-concept",
    ),
    pytest.param(
        "concepts-covered",
        [
            (
                "stages:\n",
                '  - code: C3\n    name: Third\n    source: "Seed t, ch. 3"\nstages:\n',
            )
        ],
        "code: C3",
        "concept C3 is named by no item",
        id="concept-not-named",
    ),
    pytest.param(
        "concepts-covered",
        [('    source: "Seed t, chapter 2"\n', "")],
        "code: C2",
        "concept C2 has no source passage",
        id="concept-without-source",
    ),
    pytest.param(
        "concepts-covered",
        [("      - code: t.gamma.1\n        concept: C1\n", "      - code: t.gamma.1\n")],
        "code: t.gamma.1",
        "t.gamma.1 names no concept",
        id="item-without-concept",
    ),
    pytest.param(
        "dimension-size",
        [
            (
                "      - code: t.gamma.3\n        concept: C1\n"
                '        text: {nl: "Gamma t drie.", en: "Gamma t three."}\n',
                "",
            )
        ],
        "code: gamma",
        "dimension gamma has 2 items, at least 3 needed",
        id="too-few-items",
    ),
    pytest.param(
        "dimension-reverse",
        [
            (
                '        to: {nl: "Nieuw twee t.", en: "New two t."}\n        reverse: true\n',
                '        to: {nl: "Nieuw twee t.", en: "New two t."}\n        reverse: false\n',
            )
        ],
        "code: beta",
        "dimension beta has no reverse-keyed item",
        id="bipolar-dimension-without-reverse",
    ),
    pytest.param(
        "quick-coverage",
        [('          en: "Alpha t two."\n        quick: true\n', '          en: "Alpha t two."\n')],
        "code: alpha",
        "the quick scan has 1 item of dimension alpha, at least 2 needed",
        id="one-quick-item",
    ),
    pytest.param(
        "languages",
        [('          en: "Alpha t two."\n', "")],
        'nl: "Alfa t twee."',
        "dimensions[1].items[2].text has no 'en' text",
        id="missing-en",
    ),
    pytest.param(
        "languages",
        [
            (
                'description: {nl: "Een klein model t.", en: "A small model t."}',
                'description: {nl: "", en: "A small model t."}',
            )
        ],
        'description: {nl: ""',
        "description: the 'nl' text is empty",
        id="empty-nl",
    ),
    pytest.param(
        "languages",
        [
            (
                '{nl: "Gamma t twee.", en: "Gamma t two."}',
                '{nl: "Gamma t twee.", en: "gamma t  twee"}',
            )
        ],
        "gamma t  twee",
        "dimensions[3].items[2].text: the NL and EN texts are the same",
        id="same-text",
    ),
    pytest.param(
        "languages",
        [
            (
                '    source: "Seed t, chapter 1"\n',
                '    source: "Seed t, chapter 1"\n    note_nl: "Alleen Nederlands"\n',
            )
        ],
        "note_nl",
        "concepts[1].note has no 'note_en' text",
        id="suffixed-field-without-en",
    ),
    pytest.param(
        "duplicate-text",
        [('{nl: "Gamma t een.", en: "Gamma t one."}', '{nl: "Gamma t een.", en: "alpha T one!"}')],
        "code: t.gamma.1",
        "EN item text repeats the one at {path}:{alpha1}",
        id="item-text-repeated",
    ),
    pytest.param(
        "duplicate-text",
        [
            (
                '{nl: "Wat doen we met gamma t?", en: "What do we do with gamma t?"}',
                '{nl: "Wat doen we met alfa t?", en: "What do we do with gamma t?"}',
            )
        ],
        "What do we do with gamma t?",
        "NL discussion question repeats the one at {path}:{alpha_q}",
        id="discussion-question-repeated",
    ),
    pytest.param(
        "item-code",
        [("code: t.gamma.3", "code: t.gamma.third")],
        "code: t.gamma.third",
        "item code 't.gamma.third' should be 't.gamma.<n>'",
        id="not-a-number",
    ),
    pytest.param(
        "item-code",
        [("code: t.beta.2", "code: t.delta.2")],
        "code: t.delta.2",
        "item code 't.delta.2' should be 't.beta.<n>'",
        id="wrong-dimension",
    ),
    pytest.param(
        "stages",
        [
            (
                '  cut:\n    looks_like: {nl: "Geslepen t.", en: "Cut t."}\n'
                '    next_step: {nl: "Stap geslepen t.", en: "Step cut t."}\n',
                "",
            )
        ],
        "  rough:",
        "stage cut is missing",
        id="stage-missing",
    ),
    pytest.param(
        "stages",
        [('    next_step: {nl: "Stap stralend t.", en: "Step shining t."}\n', "")],
        'looks_like: {nl: "Stralend t."',
        "stage shining has no next_step: {{nl, en}}",
        id="stage-without-next-step",
    ),
    pytest.param(
        "edition",
        [
            (
                '        concept: C2\n        text: {nl: "Gamma t twee."',
                "        concept: C2\n        replaces: [t.gamma.7]\n"
                '        text: {nl: "Gamma t twee."',
            )
        ],
        "replaces: [t.gamma.7]",
        "t.gamma.2 replaces t.gamma.7, which no earlier edition of t has",
        id="replaces-unknown",
    ),
    pytest.param(
        "audience",
        [("audience: everyone", "audience: customers")],
        "audience: customers",
        "t.alpha.2: audience 'customers' is not one of everyone, management",
        id="unknown-audience",
    ),
    pytest.param(
        "audience",
        [
            (
                "        reverse: true\n        audience: management",
                "        reverse: true\n        quick: true\n        audience: management",
            )
        ],
        "audience: management",
        "t.alpha.3 is for management only and cannot be in the quick scan",
        id="management-item-in-quick-scan",
    ),
]


@pytest.mark.parametrize(("rule", "edits", "fragment", "message"), CASES)
def test_each_rule_reports_file_and_line(tmp_path, rule, edits, fragment, message):
    path, text, problems = lint_one(tmp_path, *edits)
    message = message.format(
        path=path,
        alpha1=line_of(text, "code: t.alpha.1"),
        alpha_q=line_of(text, "Wat doen we met alfa t?"),
    )
    expected = f"{path}:{line_of(text, fragment)}: {rule}: {message}"
    assert [str(problem) for problem in problems] == [expected]


def test_recommendation_repeated_across_frameworks(tmp_path):
    first = write(tmp_path, "t.yaml", bank_text("t"))
    copied = '{nl: "Doe beta u twee.", en: "Do beta t two."}'
    text = bank_text("u", ('{nl: "Doe beta u twee.", en: "Do beta u two."}', copied))
    second = write(tmp_path, "u.yaml", text)
    problems = [str(problem) for problem in lint_files([first, second])]
    original = line_of(bank_text("t"), "Do beta t two.")
    assert problems == [
        f"{second}:{line_of(text, copied)}: duplicate-text: "
        f"EN recommendation repeats the one at {first}:{original}"
    ]


def test_item_code_used_in_two_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write(tmp_path / "a", "t.yaml", bank_text("t"))
    second = write(tmp_path / "b", "t.yaml", bank_text("t"))
    problems = [str(problem) for problem in lint_files([first, second])]
    line = line_of(bank_text("t"), "code: t.alpha.1")
    assert f"{second}:{line}: item-code: item code t.alpha.1 is also used at {first}:{line}" in (
        problems
    )


def test_framework_code_must_match_file_name(tmp_path):
    path = write(tmp_path, "other.yaml", bank_text("t").replace("code: t\n", "code: x\n", 1))
    problems = [p for p in lint_files([path]) if "file name" in p.message]
    assert [str(p) for p in problems] == [
        f"{path}:1: item-code: framework code must be 'other' (the file name)"
    ]


def test_invalid_yaml_is_reported_with_its_line(tmp_path):
    path = write(tmp_path, "t.yaml", "code: t\ndimensions:\n  - code: [alpha\n  x: 1\n")
    problems = lint_files([path])
    assert len(problems) == 1
    assert problems[0].rule == "yaml"
    assert str(problems[0]).startswith(f"{path}:4: yaml: not valid YAML")


def test_stages_file_gets_the_language_and_next_step_rules(tmp_path):
    stages = "stages:\n  - code: rough\n    name: {nl: Ruw, en: Ruw}\n"
    path = write(tmp_path, "stages.yaml", stages)
    assert [str(p) for p in lint_files([path])] == [
        f"{path}:2: stages: stage rough has no next_step: {{nl, en}}",
        f"{path}:3: languages: stages[1].name: the NL and EN texts are the same",
    ]


def test_other_bank_files_only_get_the_language_rule(tmp_path):
    text = "questionnaires:\n  - code: full\n    name: {nl: Vol, en: Vol}\n"
    path = write(tmp_path, "questionnaires.yaml", text)
    assert [str(p) for p in lint_files([path])] == [
        f"{path}:3: languages: questionnaires[1].name: the NL and EN texts are the same"
    ]


def archive(tmp_path: Path, text: str) -> None:
    (tmp_path / "edition1").mkdir()
    write(tmp_path / "edition1", "t.yaml", text)


def test_an_earlier_editions_code_keeps_its_wording(tmp_path):
    archive(tmp_path, bank_text("t"))
    text = bank_text(
        "t",
        ('{nl: "Gamma t een.", en: "Gamma t one."}', '{nl: "Gamma t één.", en: "Gamma t one."}'),
    )
    path = write(tmp_path, "t.yaml", text)
    assert [str(p) for p in lint_files([path])] == [
        f"{path}:{line_of(text, 'code: t.gamma.1')}: edition: t.gamma.1 has another wording, "
        "scale or keying than in an earlier edition: give the changed item a new code "
        "(and replaces: the old one)"
    ]


GAMMA_2 = '        concept: C2\n        text: {nl: "Gamma t twee.", en: "Gamma t two."}\n'


def test_a_changed_keying_needs_a_new_code_too(tmp_path):
    archive(tmp_path, bank_text("t"))
    text = bank_text(
        "t",
        (
            GAMMA_2 + "        reverse: true",
            GAMMA_2 + "        reverse: false\n"
            "      - code: t.gamma.9\n        concept: C2\n"
            '        text: {nl: "Gamma t negen.", en: "Gamma t nine."}\n        reverse: true',
        ),
    )
    path = write(tmp_path, "t.yaml", text)
    assert [p.message for p in lint_files([path])] == [
        "t.gamma.2 has another wording, scale or keying than in an earlier edition: give the "
        "changed item a new code (and replaces: the old one)"
    ]


def test_a_reworded_item_with_a_new_code_replaces_the_old_one(tmp_path):
    archive(tmp_path, bank_text("t"))
    text = bank_text(
        "t",
        (
            "      - code: t.gamma.1\n        concept: C1\n"
            '        text: {nl: "Gamma t een.", en: "Gamma t one."}',
            "      - code: t.gamma.4\n        concept: C1\n        replaces: [t.gamma.1]\n"
            '        text: {nl: "Gamma t vier.", en: "Gamma t four."}',
        ),
    )
    path = write(tmp_path, "t.yaml", text)
    assert lint_files([path]) == []


def run_check_banks(*paths: Path) -> str:
    out = StringIO()
    call_command("check_banks", *[str(path) for path in paths], stdout=out)
    return out.getvalue()


def test_command_succeeds_on_clean_banks(tmp_path):
    write(tmp_path, "t.yaml", bank_text("t"))
    write(tmp_path, "u.yaml", bank_text("u"))
    output = run_check_banks(tmp_path)
    assert output.strip() == "Question banks OK: 2 files checked, no problems."


def test_command_prints_problems_and_fails(tmp_path):
    text = bank_text("t", ("code: t.gamma.3", "code: t.gamma.x9"))
    path = write(tmp_path, "t.yaml", text)
    out = StringIO()
    with pytest.raises(CommandError, match=r"^1 problem in the question banks \(item-code 1\)$"):
        call_command("check_banks", str(path), stdout=out)
    line = line_of(text, "code: t.gamma.x9")
    assert out.getvalue().splitlines() == [
        f"{path}:{line}: item-code: item code 't.gamma.x9' should be 't.gamma.<n>'"
    ]


def test_command_counts_every_problem(tmp_path):
    edits = [("audience: everyone", "audience: all"), ("code: t.gamma.3", "code: t.gamma.x9")]
    path = write(tmp_path, "t.yaml", bank_text("t", *edits))
    with pytest.raises(CommandError, match=r"^2 problems .*\(audience 1, item-code 1\)$"):
        call_command("check_banks", str(path), stdout=StringIO())


def test_command_rejects_a_missing_path(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        call_command("check_banks", str(tmp_path / "missing.yaml"), stdout=StringIO())
