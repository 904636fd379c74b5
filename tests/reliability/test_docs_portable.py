"""Issue 12 item 16: docs name no developer-machine paths; the README says where rnn-studio is."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Absolute paths that exist only on one developer's machine.
MACHINE_PATHS = re.compile(r"(?<![\w.])/(work|home|root|Users)/[\w.-]+")


def test_no_developer_machine_paths_in_docs_scripts_and_fixtures():
    places = [
        *ROOT.glob("*.md"),
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "benchmarks").glob("*"),
        *(ROOT / "tests" / "fixtures").glob("*.py"),
        *(ROOT / "packaging").glob("*.md"),
        ROOT / "dev.sh",
    ]
    found = []
    for path in places:
        if path.is_file() and path.suffix in ("", ".md", ".py", ".sh"):
            for line in path.read_text(encoding="utf-8").splitlines():
                if MACHINE_PATHS.search(line):
                    found.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert not found, "\n".join(found)


def test_readme_says_how_to_call_rnn_studio_after_dev_sh_run():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/rnn-studio" in text and "./dev.sh run" in text
    assert 'pip install -e ".[bench]"' in (ROOT / "benchmarks" / "README.md").read_text("utf-8")
