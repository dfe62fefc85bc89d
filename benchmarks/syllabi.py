"""Give every course of a synthetic catalog a syllabus, the same for coursegen and for Hugo.

    python benchmarks/syllabi.py COURSEGEN_CONTENT HUGO_SITE

The shared kit's catalogs (make_catalog.py) have no syllabus; issue 16's bar is a catalog whose
courses have one: 5–12 sections of 3–8 lessons, with a quiz, a price and the facts of SPEC §7.
Course `id`'s syllabus depends only on its id, so both generators get the same data: appended to
each coursegen course file, and put into each Hugo page's front matter, whose layout
(benchmarks/peers/hugo-syllabus/, copied over the kit's) lists the sections and lessons as our
course page does. Running it again on the same folders changes nothing.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
WORDS = ("Getting started", "Foundations", "Practice", "Projects", "Going further", "Review", "Tools",
         "Case studies", "Patterns", "Workshop", "Deep dive", "Wrap-up")
LEVELS = ("beginner", "intermediate", "advanced")
MARK = "sections:"  # a course file or front matter that has it is done already


def syllabus(course_id: int, course_type: str) -> dict:
    """Return the §7 fields of one course: its sections and lessons, facts and price."""
    rng = random.Random(course_id)
    sections = []
    for s in range(rng.randint(5, 12)):
        lessons = [{"id": course_id * 1000 + s * 10 + n, "name": f"{rng.choice(WORDS)} lesson {n + 1}"}
                   for n in range(rng.randint(3, 8))]
        lessons[-1]["type"] = "quiz"
        section = {"id": course_id * 100 + s, "name": f"{WORDS[s % len(WORDS)]} {s + 1}", "lessons": lessons}
        if course_type == "structured":
            section["drip_delay"] = 7 * s
        elif course_type == "scheduled":
            section["dripped_at"] = f"2027-{1 + s % 12:02d}-{1 + s:02d}T09:00:00Z"
        sections.append(section)
    facts = {"sections": sections, "enforce_lessons_order": rng.random() < 0.3,
             "level": rng.choice(LEVELS), "workload": f"{len(sections)} weeks, about 3 hours a week"}
    price = rng.random()
    if price > 0.5:
        amount = {"unit_amount": rng.choice((1900, 4900, 9900)), "currency": "EUR"}
        if price > 0.8:
            amount = {"unit_amount": 900, "currency": "EUR", "recurring_interval": "month"}
        facts["paywalls"] = [{"name": "Full access", "payment_prices": [amount]}]
    return facts


def add_to_coursegen(content: Path) -> int:
    done = 0
    for path in sorted((content / "courses").glob("*.yaml")):
        text = path.read_text("utf-8")
        if f"\n{MARK}" in text:
            continue
        course_id = int(re.search(r"^id: (\d+)$", text, re.MULTILINE).group(1))
        course_type = re.search(r"^type: (\S+)$", text, re.MULTILINE).group(1)
        path.write_text(text + yaml.safe_dump(syllabus(course_id, course_type), sort_keys=False), "utf-8")
        done += 1
    return done


def add_to_hugo(site: Path) -> int:
    shutil.copytree(HERE / "peers" / "hugo-syllabus", site, dirs_exist_ok=True)
    done = 0
    for path in sorted((site / "content" / "courses").glob("*.md")):
        text = path.read_text("utf-8")
        _, front, body = text.split("---\n", 2)
        if f"\n{MARK}" in "\n" + front:
            continue
        course_id = int(re.search(r"^id: (\d+)$", front, re.MULTILINE).group(1))
        course_type = re.search(r"^course_type: (\S+)$", front, re.MULTILINE).group(1)
        front += yaml.safe_dump(syllabus(course_id, course_type), sort_keys=False)
        path.write_text(f"---\n{front}---\n{body}", "utf-8")
        done += 1
    return done


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(f"syllabi added: {add_to_coursegen(Path(sys.argv[1]))} coursegen courses, "
          f"{add_to_hugo(Path(sys.argv[2]))} Hugo pages", file=sys.stderr)
