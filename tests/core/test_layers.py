"""The layers import downwards only: core <- tenancy <- faces <- admin / cli / app; faces never import each other.

Read from the source with `ast` (no import is executed), so a violation names the file and the line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import flowsuite

PACKAGE = Path(flowsuite.__file__).parent
FACES = ("itflow", "iflow", "cflow")
# What each layer may import besides itself; the top (admin, cli, app, demo, migrations) may import anything.
ALLOWED = {
    "core": {"core", "settings"},
    "settings": set(),
    "tenancy": {"core", "settings", "tenancy"},
    **{face: {"core", "settings", "tenancy", face} for face in FACES},
}


def layer_of(module: str) -> str:
    """`flowsuite.itflow.services.assets` -> `itflow`; the package itself is `flowsuite`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "flowsuite"


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


def imports_of(path: Path, source: str) -> list[tuple[int, str]]:
    """The flowsuite modules `path` (module `source`) imports, with their lines (relative imports resolved)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    found: list[tuple[int, str]] = []
    package = source if path.name == "__init__.py" else source.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("flowsuite")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            if name.startswith("flowsuite"):
                found.append((node.lineno, name))
    return found


def violations_in(path: Path, source: str) -> list[str]:
    allowed = ALLOWED.get(layer_of(source))
    if allowed is None:
        return []
    return [
        f"{source} (line {line}) imports {target}"
        for line, target in imports_of(path, source)
        if layer_of(target) not in allowed | {layer_of(source)}
    ]


def test_layers_import_only_downwards() -> None:
    assert [v for path in sorted(PACKAGE.rglob("*.py")) for v in violations_in(path, module_name(path))] == []


def test_the_check_names_an_upward_import_and_one_between_faces(tmp_path: Path) -> None:
    module = tmp_path / "http.py"
    module.write_text("from flowsuite.tenancy.service import Caller\nfrom . import db\n")
    assert violations_in(module, "flowsuite.core.http") == [
        "flowsuite.core.http (line 1) imports flowsuite.tenancy.service"
    ]
    module.write_text("from flowsuite.core.db import Database\nfrom flowsuite.cflow.keys import authenticate\n")
    assert violations_in(module, "flowsuite.iflow.keys") == [
        "flowsuite.iflow.keys (line 2) imports flowsuite.cflow.keys"
    ]
    assert violations_in(module, "flowsuite.admin.web") == []
    layers = {layer_of(module_name(path)) for path in PACKAGE.rglob("*.py")}
    assert {"core", "tenancy", *FACES, "admin"} <= layers
