"""How a PDF report reads on paper: its smallest text, repeated sentences, near-empty pages.

    .venv/bin/python scripts/report_quality.py report-nl.pdf report-en.pdf team.pdf
    .venv/bin/python scripts/report_quality.py --demo          # makes the three reports first
    .venv/bin/python scripts/report_quality.py --demo --json

Per report:

* text size: every character's printed size in points (chart text scaled down with its
  chart counts at the size it is printed), the smallest, and the share of characters
  under 7 pt, with the pages that have any;
* repeated sentences: sentences of eight or more words printed three or more times;
* near-empty pages: pages whose content ends in the top third of the printable height,
  except the last page of a section (a page followed by one where a top-level bookmark
  starts) and the last page.

`--demo` makes the demo's Dutch and English reports and a team report of its final round
(after `manage.py seed_demo`) with `manage.py export_report`. Targets of the report issue:
smallest text >= 7 pt, no repeated sentences, no near-empty pages.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL_PT = 7.0
MIN_WORDS = 8
REPEATS = 3
DEMO_SLUG = "demo-vervolgmeting"
DEMO_TEAM = "Sales"


@dataclass
class PageFigures:
    number: int
    characters: int
    small_characters: int
    smallest_pt: float | None
    filled: float  # share of the printable height down to the last content


@dataclass
class ReportFigures:
    name: str
    pages: int
    smallest_pt: float
    small_share: float
    pages_with_small_text: list[int]
    repeated_sentences: dict[str, int]
    near_empty_pages: list[int]
    per_page: list[PageFigures] = field(default_factory=list)


def text_sizes(path: Path) -> list[list[float]]:
    """Per page, the printed size in points of every visible character (pdfminer reads
    the text of the charts' vector images too): the height of its box, or for text
    turned on its side (an axis title) its width."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar

    def characters(node):
        if isinstance(node, LTChar):
            yield node
        elif hasattr(node, "__iter__"):
            for child in node:
                yield from characters(child)

    pages = []
    for page in extract_pages(path):
        sizes = []
        for char in characters(page):
            if char.get_text().strip():
                a, b = char.matrix[0], char.matrix[1]
                sizes.append(round(char.height if abs(a) >= abs(b) else char.width, 2))
        pages.append(sizes)
    return pages


def filled_share(png: Path) -> float:
    """How far down the page area the content reaches, as a share of its height. The page
    area is inside the report's margins (static/css/report.css: 22 mm top, 20 mm bottom of
    297 mm), so the running header and the page number do not count."""
    from PIL import Image

    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.load()
    top, bottom = round(height * 23 / 297), round(height * (297 - 21) / 297)
    rows = [y for y in range(top, bottom) if any(pixels[x, y] < 235 for x in range(0, width, 2))]
    if not rows:
        return 0.0
    return (rows[-1] - top) / (bottom - top)


def sentences(text: str) -> list[str]:
    text = re.sub(r"(?<=\w)-\n\s*(?=[a-z])", "", text)  # words hyphenated over a line break
    text = re.sub(r"\s+", " ", text)
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def section_starts(reader) -> set[int]:
    """Page numbers (1-based) where a top-level bookmark starts."""
    starts: set[int] = set()
    for entry in reader.outline:
        if isinstance(entry, list):
            continue
        starts.add(reader.get_destination_page_number(entry) + 1)
    return starts


def measure(path: Path) -> ReportFigures:
    from pypdf import PdfReader

    reader = PdfReader(path)
    per_page: list[PageFigures] = []
    all_sizes: list[float] = []
    sentence_counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), f"{scratch}/page"], check=True)
        pngs = sorted(Path(scratch).glob("page-*.png"))
        sizes_per_page = text_sizes(path)
        for number, (sizes, png) in enumerate(zip(sizes_per_page, pngs, strict=True), start=1):
            all_sizes += sizes
            small = [s for s in sizes if s < SMALL_PT]
            per_page.append(
                PageFigures(number, len(sizes), len(small), min(sizes) if sizes else None, 0.0)
            )
            per_page[-1].filled = round(filled_share(png), 2)
        plain = subprocess.run(
            # Reading order (not -layout, which runs side-by-side columns together).
            ["pdftotext", "-nopgbrk", str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    for sentence in sentences(plain):
        if len(sentence.split()) >= MIN_WORDS:
            sentence_counts[sentence] += 1
    starts = section_starts(reader)
    last = len(per_page)
    near_empty = [
        p.number
        for p in per_page
        if p.filled < 1 / 3 and p.number != last and (p.number + 1) not in starts
    ]
    return ReportFigures(
        name=path.name,
        pages=last,
        smallest_pt=min(all_sizes) if all_sizes else 0.0,
        small_share=round(sum(s < SMALL_PT for s in all_sizes) / max(1, len(all_sizes)), 4),
        pages_with_small_text=[p.number for p in per_page if p.small_characters],
        repeated_sentences={s: n for s, n in sentence_counts.items() if n >= REPEATS},
        near_empty_pages=near_empty,
        per_page=per_page,
    )


def demo_reports(directory: Path) -> list[Path]:
    made = []
    for language, team in (("nl", None), ("en", None), ("nl", DEMO_TEAM)):
        name = f"{DEMO_SLUG}-{language}{'-' + team.lower() if team else ''}.pdf"
        command = [sys.executable, "manage.py", "export_report", DEMO_SLUG, "-o"]
        command += [str(directory / name), "--lang", language]
        if team:
            command += ["--team", team]
        subprocess.run(command, check=True, cwd=ROOT)
        made.append(directory / name)
    return made


def report(figures: ReportFigures) -> str:
    lines = [
        f"{figures.name}: {figures.pages} pages",
        f"  smallest text {figures.smallest_pt:.1f} pt; "
        f"{figures.small_share:.1%} of characters under {SMALL_PT:.0f} pt"
        + (f" (pages {figures.pages_with_small_text})" if figures.pages_with_small_text else ""),
        f"  sentences of {MIN_WORDS}+ words printed {REPEATS}+ times: "
        f"{len(figures.repeated_sentences)}",
    ]
    lines += [f"    {n}x {s[:100]}" for s, n in figures.repeated_sentences.items()]
    under = [f"{p.number} ({p.filled:.0%})" for p in figures.per_page if p.filled < 1 / 3]
    lines.append(f"  pages under a third full: {', '.join(under) or 'none'}")
    lines.append(f"  of which not a section's end: {figures.near_empty_pages}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--demo", action="store_true", help="make the demo's three reports")
    parser.add_argument("--keep", type=Path, help="with --demo: keep the PDFs in this folder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        pdfs = list(args.pdfs) + (demo_reports(folder) if args.demo else [])
        if not pdfs:
            parser.error("give PDF files, or --demo")
        results = [measure(pdf) for pdf in pdfs]
    if args.json:
        print(json.dumps([asdict(r) for r in results], ensure_ascii=False))
    else:
        print("\n\n".join(report(r) for r in results))
    met = all(
        r.smallest_pt >= SMALL_PT and not r.repeated_sentences and not r.near_empty_pages
        for r in results
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
