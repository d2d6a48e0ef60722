"""The packaging files agree with each other and with the app (fast; no build).

The Windows and macOS installers are not built on this machine, so what can be checked
without those systems is checked here: names, paths and types that must match.
"""

from __future__ import annotations

import ast
import importlib.util
import re
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def spec_list(name: str) -> list[str]:
    """A list (or tuple) literal assigned at the top of build_installer.spec."""
    tree = ast.parse((ROOT / "build_installer.spec").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list | tuple)
            return list(value)
    raise AssertionError(f"{name} not in build_installer.spec")


def imported_modules() -> set[str]:
    """Every module that facilitator/ and ui/ import (absolute imports)."""
    found: set[str] = set()
    for path in [*ROOT.joinpath("facilitator").rglob("*.py"), *ROOT.joinpath("ui").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_the_spec_excludes_no_module_the_app_imports() -> None:
    excluded = set(spec_list("EXCLUDED_MODULES"))
    used = {name for name in imported_modules()
            if any(name == e or name.startswith(e + ".") for e in excluded)}
    assert not used, f"build_installer.spec leaves out modules the app imports: {sorted(used)}"


def test_desktop_entry_and_mime_type_agree() -> None:
    entry = ConfigParser(interpolation=None)
    entry.read(PACKAGING / "linux" / "facilitator.desktop")
    desktop = entry["Desktop Entry"]
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    kind = ET.parse(PACKAGING / "linux" / "facilitator-mime.xml").getroot().find("m:mime-type", ns)
    assert kind is not None
    assert desktop["MimeType"] == f"{kind.get('type')};"
    assert desktop["Icon"] == "facilitator"
    assert desktop["StartupWMClass"] == "facilitator"  # ui/app.py: setDesktopFileName
    assert 'setDesktopFileName("facilitator")' in (ROOT / "ui" / "app.py").read_text(
        encoding="utf-8")


def test_icons_are_there_at_the_sizes_the_systems_want() -> None:
    ET.parse(PACKAGING / "facilitator.svg")  # well-formed
    with Image.open(PACKAGING / "facilitator.png") as png:
        assert png.size == (256, 256)
    with Image.open(PACKAGING / "facilitator.ico") as ico:
        assert (256, 256) in ico.info["sizes"] and (16, 16) in ico.info["sizes"]
    with Image.open(PACKAGING / "facilitator.icns") as icns:
        assert icns.size[0] >= 512


def _build_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("packaging_build", PACKAGING / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_inno_setup_script_points_at_real_files_and_the_name_build_py_expects() -> None:
    iss = (PACKAGING / "windows" / "facilitator.iss").read_text(encoding="utf-8")
    here = PACKAGING / "windows"
    for key in ("LicenseFile", "SetupIconFile"):
        value = re.search(rf"^{key}=(.+)$", iss, re.MULTILINE)
        assert value is not None, key
        assert (here / value.group(1).strip().replace("\\", "/")).is_file(), key
    assert re.search(r'^Source: "\{#Dist\}\\facilitator\\\*"', iss, re.MULTILINE)
    assert "OutputBaseFilename=Facilitator-{#AppVersion}-windows-setup" in iss
    build = (PACKAGING / "build.py").read_text(encoding="utf-8")
    assert 'f"Facilitator-{version()}-windows-setup.exe"' in build
    assert 'Subkey: "Software\\Classes\\.facilitator' in iss  # the file association
    # The paper reader add-on as an optional component, where ui/reader_addon.py looks.
    assert re.search(r'^Source: "\{#Dist\}\\facilitator-reader\\\*"; DestDir: '
                     r'"\{app\}\\reader"; Components: reader;', iss, re.MULTILINE)


def test_workflows_run_the_one_command_and_keep_what_it_makes() -> None:
    build = _build_module()
    version = build.version()
    names = {"windows": f"Facilitator-{version}-windows-setup.exe",
             "macos": f"Facilitator-{version}-macos.dmg"}
    for system, made in names.items():
        workflow = (ROOT / ".github" / "workflows" / f"build-{system}.yml").read_text(
            encoding="utf-8")
        assert re.search(r"run: python3? dev\.py build$", workflow, re.MULTILINE), system
        patterns = re.findall(r"dist/(\S+)", workflow)
        for package in (made, f"Facilitator-reader-{version}-{system}.zip"):  # + the add-on
            assert any(Path(package).match(p) for p in patterns), (system, package, patterns)
    assert 'f"Facilitator-reader-{version()}-{system}.zip"' in (
        PACKAGING / "build.py").read_text(encoding="utf-8")


def test_the_spec_build_and_app_agree_on_the_paper_reader_addon() -> None:
    """What the spec keeps out of the app is what build.py ships as the add-on and what the
    app checks for before it offers to read papers."""
    from ui.reader_addon import MODULES

    build = _build_module()
    assert set(spec_list("READER_PACKAGES")) == set(build.READER_PACKAGES) == set(MODULES)
    assert set(spec_list("READER_LIBS")) == set(build.READER_LIBS)
    for name in MODULES:  # each is what the reader imports, installed here
        assert importlib.util.find_spec(name) is not None, name


def test_every_library_only_the_reader_imports_is_in_the_addon() -> None:
    """A library the reader alone uses (facilitator/reading, the camera panel) goes in the
    add-on, not in the app (pi-heif was added to the reader and grew the app by 4 MB)."""
    import sys

    from ui.reader_addon import MODULES

    def libraries(paths: list[Path]) -> set[str]:
        found: set[str] = set()
        for path in paths:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module.split(".")[0])
        return found - set(sys.stdlib_module_names) - {"facilitator", "ui", "__future__"}

    every = [*ROOT.joinpath("facilitator").rglob("*.py"), *ROOT.joinpath("ui").rglob("*.py")]
    reader = [p for p in every if "reading" in p.relative_to(ROOT).parts[:3]
              or p == ROOT / "ui" / "camera.py"]
    only_reader = libraries(reader) - libraries([p for p in every if p not in reader])
    assert only_reader <= set(MODULES), sorted(only_reader - set(MODULES))


def test_the_app_takes_a_reader_addon_made_for_it_and_no_other(tmp_path: Path) -> None:
    import sys

    from facilitator import __version__
    from ui.reader_addon import STAMP, add_reader_to_path, reader_missing

    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert reader_missing() is None  # a checkout's environment has the reader's libraries
    assert not add_reader_to_path()  # not frozen: the environment's packages are used
    empty = tmp_path / "none"
    empty.mkdir()
    assert not add_reader_to_path(empty)
    old = tmp_path / "old"
    old.mkdir()
    (old / STAMP).write_text(f'{{"version": "0.0.1", "python": "{python}"}}', encoding="utf-8")
    assert not add_reader_to_path(old)
    other_python = tmp_path / "py"
    other_python.mkdir()
    (other_python / STAMP).write_text(f'{{"version": "{__version__}", "python": "2.7"}}',
                                      encoding="utf-8")
    assert not add_reader_to_path(other_python)
    good = tmp_path / "good"
    good.mkdir()
    (good / STAMP).write_text(f'{{"version": "{__version__}", "python": "{python}"}}',
                              encoding="utf-8")
    try:
        assert add_reader_to_path(good)
        assert sys.path.count(str(good)) == 1
        assert add_reader_to_path(good) and sys.path.count(str(good)) == 1
    finally:
        sys.path.remove(str(good))
    assert not any(str(p) in sys.path for p in (empty, old, other_python))


def test_dmg_script_and_macos_bundle_name_agree() -> None:
    script = (PACKAGING / "macos" / "make_dmg.sh").read_text(encoding="utf-8")
    assert "hdiutil create" in script and "/Applications" in script
    spec = (ROOT / "build_installer.spec").read_text(encoding="utf-8")
    assert 'name="Facilitator.app"' in spec
    assert '"Facilitator.app"' in (PACKAGING / "build.py").read_text(encoding="utf-8")
    assert '"public.filename-extension": ["facilitator"]' in spec
