"""The Linux packages, built exactly as ``python3 dev.py build`` builds them, installed to fresh
folders, and the frozen app run from each with no Python but its own (issue 14): the app alone
(the Reading page says the paper reader add-on is missing) and with the add-on (a paper read).

Slow (one PyInstaller build, a minute or two, shared by the module); part of ``.ci/run``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET
from configparser import ConfigParser
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_packaging_build() -> ModuleType:
    """packaging/build.py, the code under test (not a package: loaded from its file)."""
    spec = importlib.util.spec_from_file_location("packaging_build",
                                                  ROOT / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


packaging_build = _load_packaging_build()

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(1800),
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux packages"),
]

VERSION = packaging_build.version()


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packages of one build (the build also smoke-tests the bundle it made)."""
    out = tmp_path_factory.mktemp("dist")
    work = tmp_path_factory.mktemp("work")
    result = subprocess.run([sys.executable, str(ROOT / "packaging" / "build.py"),
                             "--dist", str(out), "--work", str(work)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "smoke test passed" in result.stdout
    shutil.rmtree(work)
    return out


def bare_env(**extra: str) -> dict[str, str]:
    """What ``env -i PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen`` leaves."""
    return {"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", **extra}


WITHOUT_READER = "the paper reader not installed (facilitator-reader: the Reading page says so)"
WITH_READER = "a marked paper read (the paper reader add-on)"


def smoke(exe: Path, cwd: Path, env: dict[str, str], reader: str = WITHOUT_READER) -> str:
    result = subprocess.run([str(exe), "--smoke-test"], capture_output=True, text=True,
                            cwd=cwd, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "smoke test passed" in result.stdout
    assert "a PDF and its QR code, the phone server" in result.stdout
    assert reader in result.stdout, result.stdout
    return result.stdout


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*")
               if p.is_file() and not p.is_symlink()) / 1e6


def reader_tarball(dist: Path) -> Path:
    return dist / f"facilitator-reader-{VERSION}-linux-{packaging_build.machine()}.tar.gz"


def test_tarball_extracted_to_a_fresh_folder_passes_the_smoke_test(dist: Path,
                                                                   tmp_path: Path) -> None:
    tarball = dist / f"facilitator-{VERSION}-linux-{packaging_build.machine()}.tar.gz"
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
        tar.extractall(tmp_path / "fresh", filter="data")
    assert all(n == "facilitator" or n.startswith("facilitator/") for n in names)
    folder = tmp_path / "fresh" / "facilitator"
    assert os.access(folder / "facilitator", os.X_OK)
    assert not any(folder.rglob("*.po")), "translation sources are not shipped"
    for mo in ("cy", "ar"):
        assert (folder / "_internal" / "resources" / "locale" / mo / "LC_MESSAGES"
                / "facilitator.mo").is_file()
    out = smoke(folder / "facilitator", tmp_path, bare_env())
    assert "catalogues (ar, cy)" in out
    assert not (folder / "reader").exists()
    assert not any(folder.rglob("cv2")) and not any(folder.rglob("numpy")), "in the add-on"
    assert folder_mb(folder) < 250, "issue 14: the app under 250 MB unpacked"


def test_reader_tarball_unpacked_over_the_app_reads_a_paper(dist: Path, tmp_path: Path) -> None:
    """The add-on's tarball, unpacked where the app's was, puts the reader beside it; the
    same app then reads a marked paper in its smoke test."""
    fresh = tmp_path / "fresh"
    for tarball in (dist / f"facilitator-{VERSION}-linux-{packaging_build.machine()}.tar.gz",
                    reader_tarball(dist)):
        with tarfile.open(tarball) as tar:
            names = tar.getnames()
            tar.extractall(fresh, filter="data")
    assert all(n.startswith("facilitator/reader") for n in names)  # the add-on's, only there
    smoke(fresh / "facilitator" / "facilitator", tmp_path, bare_env(), WITH_READER)


def test_tarball_adds_its_menu_entry_for_the_user(dist: Path, tmp_path: Path) -> None:
    tarball = dist / f"facilitator-{VERSION}-linux-{packaging_build.machine()}.tar.gz"
    with tarfile.open(tarball) as tar:
        tar.extractall(tmp_path / "apps", filter="data")
    folder = tmp_path / "apps" / "facilitator"
    data = tmp_path / "share"
    subprocess.run([str(folder / "install-desktop-entry")], check=True, capture_output=True,
                   env=bare_env(HOME=str(tmp_path), XDG_DATA_HOME=str(data)))
    entry = ConfigParser(interpolation=None)
    entry.read(data / "applications" / "facilitator.desktop")
    assert entry["Desktop Entry"]["Exec"] == f'"{folder}/facilitator" %f'
    assert (data / "icons" / "hicolor" / "scalable" / "apps" / "facilitator.svg").is_file()
    assert (data / "mime" / "packages" / "facilitator.xml").is_file()
    subprocess.run([str(folder / "install-desktop-entry"), "--remove"], check=True,
                   capture_output=True, env=bare_env(HOME=str(tmp_path), XDG_DATA_HOME=str(data)))
    assert not (data / "applications" / "facilitator.desktop").exists()


def deb_of(dist: Path, package: str = "facilitator") -> Path:
    found = sorted(dist.glob(f"{package}_{VERSION}_*.deb"))
    assert len(found) == 1, sorted(p.name for p in dist.iterdir())
    return found[0]


@pytest.mark.skipif(not shutil.which("dpkg-deb"), reason="not a Debian-like system")
def test_reader_deb_installs_beside_the_app_and_it_reads_a_paper(dist: Path,
                                                                 tmp_path: Path) -> None:
    reader = deb_of(dist, "facilitator-reader")
    fields = {key: subprocess.run(["dpkg-deb", "-f", str(reader), key], capture_output=True,
                                  text=True, check=True).stdout.strip()
              for key in ("Package", "Version", "Depends")}
    assert fields == {"Package": "facilitator-reader", "Version": VERSION,
                      "Depends": f"facilitator (= {VERSION})"}
    root = tmp_path / "root"
    for deb in (deb_of(dist), reader):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    listing = subprocess.run(["dpkg-deb", "-c", str(reader)], capture_output=True, text=True,
                             check=True).stdout
    paths = [line.split()[-1] for line in listing.splitlines()]
    assert all(p.startswith("./usr/lib/facilitator/reader") or p.rstrip("/") in (
        ".", "./usr", "./usr/lib", "./usr/lib/facilitator") for p in paths), paths[:20]
    empty = tmp_path / "no-python"
    empty.mkdir()
    smoke(root / "usr" / "bin" / "facilitator", tmp_path, bare_env(PATH=str(empty)),
          WITH_READER)


@pytest.mark.skipif(not shutil.which("dpkg-deb"), reason="not a Debian-like system")
def test_deb_unpacked_into_a_temporary_root_passes_the_smoke_test(dist: Path,
                                                                  tmp_path: Path) -> None:
    deb = deb_of(dist)
    fields = {key: subprocess.run(["dpkg-deb", "-f", str(deb), key], capture_output=True,
                                  text=True, check=True).stdout.strip()
              for key in ("Package", "Version", "Architecture", "Depends", "Installed-Size")}
    assert fields["Package"] == "facilitator"
    assert fields["Version"] == VERSION
    assert fields["Architecture"] == subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True).stdout.strip()
    assert "libxcb-cursor0" in fields["Depends"]
    assert int(fields["Installed-Size"]) > 50_000
    control = tmp_path / "control"
    subprocess.run(["dpkg-deb", "-e", str(deb), str(control)], check=True)
    assert os.access(control / "postinst", os.X_OK) and os.access(control / "postrm", os.X_OK)

    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    launcher = root / "usr" / "bin" / "facilitator"
    assert launcher.is_symlink()
    # relative (up one, into lib/), so it works in any root
    assert Path(os.readlink(launcher)) == Path("..", "lib", "facilitator", "facilitator")
    entry = ConfigParser(interpolation=None)
    entry.read(root / "usr" / "share" / "applications" / "facilitator.desktop")
    desktop = entry["Desktop Entry"]
    assert desktop["Exec"] == "facilitator %f"
    if shutil.which("desktop-file-validate"):  # desktop-file-utils, where installed
        subprocess.run(["desktop-file-validate", str(root / "usr" / "share" / "applications"
                                                     / "facilitator.desktop")], check=True)
    assert desktop["Icon"] == "facilitator"
    mime = ET.parse(root / "usr" / "share" / "mime" / "packages" / "facilitator.xml")
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    kind = mime.getroot().find("m:mime-type", ns)
    assert kind is not None
    assert kind.get("type") + ";" == desktop["MimeType"]
    assert kind.find("m:glob", ns).get("pattern") == "*.facilitator"  # type: ignore[union-attr]
    for icon in ("scalable/apps/facilitator.svg", "256x256/apps/facilitator.png"):
        assert (root / "usr" / "share" / "icons" / "hicolor" / icon).is_file()
    # Run through the symlink, as a user would, with a PATH that has no Python at all.
    empty = tmp_path / "no-python"
    empty.mkdir()
    smoke(launcher, tmp_path, bare_env(PATH=str(empty)))


def direct_system_libraries(bundle: Path) -> set[str]:
    """Libraries the bundle's ELF files link (NEEDED) that the bundle does not hold."""
    held = {p.name for p in bundle.rglob("*.so*")}
    needed: set[str] = set()
    for path in elf_files(bundle):
        dump = subprocess.run(["objdump", "-p", str(path)], capture_output=True,
                              text=True).stdout
        needed |= set(re.findall(r"^\s+NEEDED\s+(\S+)", dump, re.MULTILINE))
    return needed - held


def elf_files(bundle: Path) -> list[Path]:
    found = []
    for path in sorted(bundle.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                if handle.read(4) == b"\x7fELF":
                    found.append(path)
    return found


def newest_glibc(bundle: Path) -> tuple[int, int]:
    """The newest GLIBC_x.y symbol version any of the bundle's ELF files asks for."""
    newest = (2, 0)
    for path in elf_files(bundle):
        dump = subprocess.run(["objdump", "-T", str(path)], capture_output=True,
                              text=True).stdout
        for major, minor in re.findall(r"GLIBC_(\d+)\.(\d+)", dump):
            newest = max(newest, (int(major), int(minor)))
    return newest


@pytest.mark.skipif(not shutil.which("dpkg-deb"), reason="not a Debian-like system")
def test_deb_depends_on_every_package_whose_library_the_bundle_links(dist: Path,
                                                                     tmp_path: Path) -> None:
    root = tmp_path / "root"
    for deb in (deb_of(dist), deb_of(dist, "facilitator-reader")):  # the add-on's too
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    cache = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True).stdout
    where = dict(re.findall(r"^\s+(\S+) \(libc6,x86-64[^)]*\) => (\S+)$", cache, re.MULTILINE)
                 or re.findall(r"^\s+(\S+) \([^)]*\) => (\S+)$", cache, re.MULTILINE))
    depends = {alternative.split()[0] for item in packaging_build.DEBIAN_DEPENDS
               for alternative in item.split("|")}
    missing: dict[str, str] = {}
    for name in sorted(direct_system_libraries(root / "usr" / "lib" / "facilitator")):
        if name not in where:
            continue  # not on this machine: only optional plugins (Vulkan, VA-API) link it
        path = os.path.realpath(where[name])
        owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        if owner.returncode != 0:  # merged /usr: dpkg knows /lib/... for /usr/lib/...
            owner = subprocess.run(["dpkg", "-S", path.removeprefix("/usr")],
                                   capture_output=True, text=True)
        package = owner.stdout.split(":")[0].strip()
        if package not in depends:
            missing[name] = package
    assert not missing, f"libraries from packages the .deb does not depend on: {missing}"
    libc = next(d for d in packaging_build.DEBIAN_DEPENDS if d.startswith("libc6 "))
    floor = tuple(int(n) for n in re.findall(r"\d+", libc))
    assert floor >= newest_glibc(root / "usr" / "lib" / "facilitator"), libc
