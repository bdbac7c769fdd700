"""Docs that stay true: the README's layout names what the tree holds, and no document points outside the repository.

The layout section is the fenced block under "## Layout and how to extend it". An entry starts at column 0 (a
path from the repository's root) or column 2 (a path under the entry above it, `src/flowsuite/`); its
description may name sub-folders (`services/`) and modules (`router.py`) of it, or paths from the root.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "flowsuite"
README = ROOT / "README.md"
LAYOUT_HEADING = "## Layout and how to extend it"
# Top-level folders that are packages of their own kind (a distribution, the test suite, the benchmarks).
TOP_LEVEL_PACKAGES = ("clients/python", "tests", "bench")
# Documents a reader of the repository gets; whatever they name must be in it.
DOCUMENTS = ("README.md", "bench/README.md", "clients/python/README.md")
# Where a file referred to by a document would live: an extension worth checking.
FILE_REFERENCE = re.compile(r"(?<![\w/.-])((?:\.\./)*[\w.-]+(?:/[\w<>*.-]+)+\.(?:md|py|yaml|yml|json|lua|toml|txt))\b")
OUTSIDE_RELATIVE = re.compile(r"(?<![\w/.-])((?:\.\./)+[\w.-][\w/.-]*)")
ABSOLUTE_PATH = re.compile(r"(?<![\w.~/:-])/(?:work|home|root|tmp|mnt|opt|srv|var|Users)/[\w/.-]*")
# A path-like word of a description: "services/", "router.py", "tests/client/", "services/<module>.py".
PATH_WORD = re.compile(r"[\w<>./+-]+")


def layout_lines(readme: str) -> list[str]:
    """The lines of the fenced block in the README's layout section."""
    _, found, after = readme.partition(f"\n{LAYOUT_HEADING}\n")
    assert found, f"README.md has no {LAYOUT_HEADING!r} section"
    section = after.split("\n## ", 1)[0]
    fences = section.split("```")
    assert len(fences) >= 3, "the layout section has no fenced block"
    return fences[1].splitlines()[1:]


@dataclass
class Layout:
    """What the layout block names: folders and files, as paths from the repository's root."""

    folders: set[str] = field(default_factory=set)
    files: set[str] = field(default_factory=set)


def _name(layout: Layout, base: str, word: str) -> None:
    """Records a path word of an entry based at `base` (a folder path from the root, "" for the root)."""
    if word.startswith("/") or ("/" not in word and not word.endswith(".py")):
        return
    parts = word.strip("/").split("/")
    # "tests/client/" under the entry tests/ is a path from the root; "services/legacy.py" one from the entry.
    start = "" if base and parts[0] == base.split("/")[0] else base
    path = start
    for position, part in enumerate(parts):
        if "<" in part or "*" in part:
            return
        path = f"{path}/{part}" if path else part
        is_last = position == len(parts) - 1
        if is_last and not word.endswith("/"):
            layout.files.add(path)
        else:
            layout.folders.add(path)


def parse_layout(lines: list[str]) -> Layout:
    layout = Layout()
    top, base = "", ""
    for line in lines:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent <= 2:
            word, _, description = line.strip().partition(" ")
            if indent == 0:
                base = word.strip("/")
                if word.endswith("/"):
                    top = base
            else:
                base = f"{top}/{word.strip('/')}" if word.endswith("/") else top
                _name(layout, top, word)
            if word.endswith("/"):
                layout.folders.add(base)
        else:
            description = line
        for path_word in PATH_WORD.findall(description):
            _name(layout, base, path_word.rstrip(".,;:"))
    return layout


def packages() -> set[str]:
    """Every package of the server (a folder of src/flowsuite with an __init__.py) and the top-level ones."""
    found = {str(init.parent.relative_to(ROOT)) for init in SOURCE.rglob("__init__.py")}
    return found | set(TOP_LEVEL_PACKAGES)


def top_level_modules() -> set[str]:
    """The modules directly in src/flowsuite, other than the package's own __init__ and __main__."""
    return {
        str(module.relative_to(ROOT))
        for module in SOURCE.glob("*.py")
        if module.name not in ("__init__.py", "__main__.py")
    }


@pytest.fixture(scope="module")
def layout() -> Layout:
    return parse_layout(layout_lines(README.read_text()))


def test_the_layout_parser_reads_entries_descriptions_and_placeholders() -> None:
    lines = [
        "src/flowsuite/",
        "  app.py            the app",
        "  itflow/           models.py, services/<module>.py, legacy.py (+ services/legacy.py) for /api.php",
        "                    and keys.py",
        "tests/              per face; tests/client/ for the SDK",
    ]

    parsed = parse_layout(lines)

    assert parsed.folders == {
        "src/flowsuite",
        "src/flowsuite/itflow",
        "src/flowsuite/itflow/services",
        "tests",
        "tests/client",
    }
    assert parsed.files == {
        "src/flowsuite/app.py",
        "src/flowsuite/itflow/models.py",
        "src/flowsuite/itflow/legacy.py",
        "src/flowsuite/itflow/services/legacy.py",
        "src/flowsuite/itflow/keys.py",
    }


def test_every_folder_and_file_the_layout_names_exists(layout: Layout) -> None:
    assert sorted(f for f in layout.folders if not (ROOT / f).is_dir()) == []
    assert sorted(f for f in layout.files if not (ROOT / f).is_file()) == []


def test_every_package_is_named_in_the_layout(layout: Layout) -> None:
    assert sorted(packages() - layout.folders) == []


def test_every_top_level_module_is_named_in_the_layout(layout: Layout) -> None:
    assert sorted(top_level_modules() - layout.files) == []


def _repository_files() -> list[str]:
    skipped = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "work"}
    return [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*")
        if path.is_file() and not skipped.intersection(path.relative_to(ROOT).parts)
    ]


def documents() -> list[Path]:
    return [ROOT / name for name in DOCUMENTS] + sorted((ROOT / "docs").rglob("*.md"))


def outside_references(document: Path, text: str, repository_files: list[str]) -> list[str]:
    """The references of `document` to files that are not in the repository (absolute paths, `../` out of it,
    and relative file paths that no file of the repository ends with)."""
    found = [f"absolute path {match.group(0)}" for match in ABSOLUTE_PATH.finditer(text)]
    for match in OUTSIDE_RELATIVE.finditer(text):
        target = (document.parent / match.group(1)).resolve()
        if not target.is_relative_to(ROOT):
            found.append(f"outside the repository: {match.group(1)}")
    for match in FILE_REFERENCE.finditer(text):
        reference = match.group(1)
        if "<" in reference or "*" in reference or reference.startswith("../"):
            continue
        if not any(path == reference or path.endswith(f"/{reference}") for path in repository_files):
            found.append(f"no such file in the repository: {reference}")
    return found


def test_the_outside_reference_check_finds_what_it_should() -> None:
    text = (
        "See `../shared/specs/iflow.md`, /work/shared/design.md and the team's `shared/perf-notes.md`; "
        "but `core/pipeline.py`, `bench/work/x.db`, `results/<time>-cflow.md` and http://127.0.0.1:8000/docs are fine."
    )

    found = outside_references(README, text, ["src/flowsuite/core/pipeline.py"])

    assert found == [
        "absolute path /work/shared/design.md",
        "outside the repository: ../shared/specs/iflow.md",
        "no such file in the repository: shared/perf-notes.md",
    ]


@pytest.mark.parametrize("document", documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_documents_refer_only_to_files_in_the_repository(document: Path) -> None:
    assert outside_references(document, document.read_text(), _repository_files()) == []
