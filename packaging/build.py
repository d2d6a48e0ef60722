"""Build Facilitator's installers for this platform (``python3 dev.py build`` runs this).

    python packaging/build.py [--dist DIR] [--work DIR]

1. PyInstaller builds ``build_installer.spec`` into a one-folder app.
2. The frozen app runs ``--smoke-test`` (offscreen); a failure stops the build.
3. The paper reader add-on (OpenCV, numpy and PDFium for ``facilitator.reading``, about
   190 MB, kept out of the app by the spec) is made from this environment's packages into
   ``facilitator-reader/``; the app runs ``--smoke-test`` again with it in its ``reader/``
   folder (ui/reader_addon.py), where a marked paper must be read.
4. The folder is packed for the platform, and the add-on beside it:
   - Linux: ``facilitator-<version>-linux-<arch>.tar.gz`` (the folder, with a script that adds
     the menu entry for the user) and, where dpkg-deb exists, ``facilitator_<version>_<arch>.deb``
     (the app in /usr/lib/facilitator, ``facilitator`` on PATH, menu entry, icon, file type);
   - Windows: ``Facilitator-<version>-windows.zip`` and, with Inno Setup 6 installed,
     ``Facilitator-<version>-windows-setup.exe`` (packaging/windows/facilitator.iss);
   - macOS: ``Facilitator.app`` in ``Facilitator-<version>-macos.dmg``
     (packaging/macos/make_dmg.sh).
   The add-on: ``facilitator-reader-<version>-linux-<arch>.tar.gz`` (unpacked where the app's
   tarball was: it adds ``facilitator/reader/``) and ``facilitator-reader_<version>_<arch>.deb``
   (``/usr/lib/facilitator/reader``, depends on that version of facilitator); on Windows and
   macOS a zip unpacked over the app (``Facilitator/reader``, ``Facilitator.app/Contents/MacOS/
   reader``).
Standard library only (it runs in the build's virtual environment, which has PyInstaller).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import json
import os
import platform
import py_compile
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
NAME = "facilitator"

# What the frozen app needs from a Debian/Ubuntu system: the libraries PyInstaller leaves to
# the system (libc, OpenGL/EGL, fontconfig and the X11/xcb libraries Qt's xcb plugin opens)
# and fonts. tests/installers/test_packages.py checks that every library the bundle links from
# outside itself belongs to one of these packages.
# libc6: the newest glibc symbol the bundled libraries use (they come from the build machine,
# Debian 12: glibc 2.36); the test checks that too.
DEBIAN_DEPENDS = [
    "libc6 (>= 2.36)", "libegl1", "libgl1", "libfontconfig1", "libfreetype6", "libdrm2",
    "libwayland-client0", "libwayland-cursor0", "libwayland-egl1",
    "libx11-6", "libx11-xcb1", "libxcb1", "libxkbcommon0", "libxkbcommon-x11-0",
    "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0", "libxcb-keysyms1",
    "libxcb-randr0", "libxcb-render-util0", "libxcb-shape0", "libxcb-xinerama0",
    "libxcb-xkb1", "libdbus-1-3", "libglib2.0-0t64 | libglib2.0-0", "fonts-dejavu-core",
]


# The paper reader add-on: the packages the spec keeps out of the app (its READER_PACKAGES,
# ui/reader_addon.py's MODULES), with the folders of libraries their wheels carry and their
# licences (the .dist-info folders). Tests, C headers and type stubs are left out.
READER = "facilitator-reader"
READER_PACKAGES = ("cv2", "numpy", "pypdfium2", "pypdfium2_raw", "pypdfium2_cfg", "pi_heif",
                   "_pi_heif")  # _pi_heif: an extension module, one file
READER_LIBS = ("numpy.libs", "opencv_python_headless.libs", "pi_heif.libs")
READER_INFO = re.compile(r"(numpy|opencv_python_headless|pypdfium2|pi_heif)-[^-]+\.dist-info$")
READER_LEFT_OUT = ("tests", "include", "*.pyi", "*.h", "__pycache__", "*.pyc")


def say(message: str) -> None:
    print(f"[build] {message}", flush=True)


def version() -> str:
    text = (ROOT / "facilitator" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'__version__ = "([^"]+)"', text)
    assert found, "facilitator/__init__.py has no __version__"
    return found.group(1)


def machine() -> str:
    """x86_64 / aarch64 (the tarball's name); Debian's own name comes from dpkg."""
    return platform.machine().lower().replace("amd64", "x86_64").replace("arm64", "aarch64")


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


# -- the bundle ---------------------------------------------------------------------------------


def pyinstaller(dist: Path, work: Path) -> Path:
    """Build the spec; return the one-folder app (or the .app on macOS)."""
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
                    "--distpath", str(dist), "--workpath", str(work),
                    str(ROOT / "build_installer.spec")], check=True, cwd=ROOT)
    return dist / ("Facilitator.app" if sys.platform == "darwin" else NAME)


def executable(bundle: Path) -> Path:
    if sys.platform == "darwin":
        return bundle / "Contents" / "MacOS" / NAME
    return bundle / (NAME + ".exe" if os.name == "nt" else NAME)


def smoke_test(exe: Path, expect: str) -> None:
    """Run the frozen app's own check, from a neutral folder, with nothing of the checkout
    on the paths (a bundle that works only beside the source tree would fail here); its
    report must say ``expect`` (what it found of the paper reader)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    with tempfile.TemporaryDirectory(prefix="facilitator-smoke-") as tmp:
        result = subprocess.run([str(exe), "--smoke-test"], cwd=tmp, env=env,
                                capture_output=True, text=True, timeout=300)
    if result.returncode != 0 or expect not in result.stdout:
        sys.exit(f"the frozen app failed its smoke test:\n{result.stdout}{result.stderr}")
    say(result.stdout.strip())


# -- the paper reader add-on --------------------------------------------------------------------


def reader_addon(out: Path) -> Path:
    """``out/facilitator-reader``: the reader's packages as installed in this environment
    (the one PyInstaller froze the app from: same Python), compiled, with a stamp saying
    which app and Python they fit (ui/reader_addon.py checks it)."""
    target = out / READER
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    found = importlib.util.find_spec("numpy")
    assert found is not None and found.submodule_search_locations, "numpy is not installed"
    site = Path(next(iter(found.submodule_search_locations))).parent
    names = {*READER_PACKAGES, *READER_LIBS}
    for item in sorted(site.iterdir()):
        if item.is_file() and item.name.split(".")[0] in READER_PACKAGES:
            shutil.copy2(item, target / item.name)  # an extension module
        elif item.name in names or READER_INFO.match(item.name):
            shutil.copytree(item, target / item.name, symlinks=True,
                            ignore=shutil.ignore_patterns(*READER_LEFT_OUT))
    missing = [n for n in READER_PACKAGES
               if not any(p.name.split(".")[0] == n for p in target.iterdir())]
    assert not missing, f"not installed in {site}: {missing}"
    # Compiled once here: the installed folder may not be writable (/usr/lib), and the
    # sources' dates must not matter (unchecked-hash: the .pyc is used as it is).
    compileall.compile_dir(target, quiet=1, workers=0,
                           invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    (target / "facilitator-reader.json").write_text(
        json.dumps({"version": version(), "python": python, "platform": sys.platform}) + "\n",
        encoding="utf-8")
    return target


def reader_place(exe: Path) -> Path:
    """Where the app looks for the add-on: ``reader/`` beside its executable."""
    return exe.parent / "reader"


def smoke_test_with_reader(exe: Path, addon: Path) -> None:
    """The app's smoke test with the add-on in place (a copy, removed after): a paper read."""
    place = reader_place(exe)
    if place.exists():
        shutil.rmtree(place)
    shutil.copytree(addon, place, symlinks=True)
    try:
        smoke_test(exe, "a marked paper read")
    finally:
        shutil.rmtree(place)


# -- Linux --------------------------------------------------------------------------------------


def desktop_files(share: Path) -> None:
    """The menu entry, icons and file type under ``share`` (a usr/share-like folder)."""
    for src, dest in (
        (PACKAGING / "linux" / "facilitator.desktop", "applications/facilitator.desktop"),
        (PACKAGING / "linux" / "facilitator-mime.xml", "mime/packages/facilitator.xml"),
        (PACKAGING / "facilitator.svg", "icons/hicolor/scalable/apps/facilitator.svg"),
        (PACKAGING / "facilitator.png", "icons/hicolor/256x256/apps/facilitator.png"),
    ):
        (share / dest).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, share / dest)


def _tar_filter(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def tarball(bundle: Path, out: Path) -> Path:
    """``facilitator/`` (the app, ``install-desktop-entry`` and its ``share/``) as .tar.gz."""
    with tempfile.TemporaryDirectory(prefix="facilitator-tar-") as tmp:
        extra = Path(tmp)
        desktop_files(extra / "share")
        shutil.copy2(PACKAGING / "linux" / "install-desktop-entry", extra)
        target = out / f"{NAME}-{version()}-linux-{machine()}.tar.gz"
        with tarfile.open(target, "w:gz", compresslevel=6) as tar:
            tar.add(bundle, arcname=NAME, filter=_tar_filter)
            for item in sorted(extra.iterdir()):
                tar.add(item, arcname=f"{NAME}/{item.name}", filter=_tar_filter)
    return target


def reader_tarball(addon: Path, out: Path) -> Path:
    """The add-on as ``facilitator/reader/``: unpacked where the app's tarball was."""
    target = out / f"{READER}-{version()}-linux-{machine()}.tar.gz"
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        tar.add(addon, arcname=f"{NAME}/reader", filter=_tar_filter)
    return target


def _dpkg_arch() -> str | None:
    if not shutil.which("dpkg-deb"):
        say("dpkg-deb not found (not a Debian-like system): no .deb")
        return None
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                          check=True).stdout.strip()


def _build_deb(root: Path, control: str, arch: str, target: Path) -> Path:
    """Fill in ``control`` (packaging/debian), set modes, build ``root`` into ``target``."""
    text = (PACKAGING / "debian" / control).read_text(encoding="utf-8")
    for key, value in (("@VERSION@", version()), ("@ARCH@", arch),
                       ("@SIZE_KB@", str(folder_size(root) // 1024)),
                       ("@DEPENDS@", ", ".join(DEBIAN_DEPENDS))):
        text = text.replace(key, value)
    (root / "DEBIAN").mkdir(exist_ok=True)
    (root / "DEBIAN" / "control").write_text(text, encoding="utf-8")
    for path in root.rglob("*"):  # a umask of 077 must not make files root-only
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(root),
                    str(target)], check=True, capture_output=True)
    return target


def reader_deb(addon: Path, out: Path) -> Path | None:
    """``facilitator-reader``: /usr/lib/facilitator/reader, for the same facilitator."""
    arch = _dpkg_arch()
    if arch is None:
        return None
    with tempfile.TemporaryDirectory(prefix="facilitator-deb-") as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(addon, root / "usr" / "lib" / NAME / "reader", symlinks=True)
        return _build_deb(root, "control-reader", arch, out / f"{READER}_{version()}_{arch}.deb")


def deb(bundle: Path, out: Path) -> Path | None:
    """The .deb: /usr/lib/facilitator (the app), /usr/bin/facilitator, the desktop files."""
    arch = _dpkg_arch()
    if arch is None:
        return None
    with tempfile.TemporaryDirectory(prefix="facilitator-deb-") as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(bundle, root / "usr" / "lib" / NAME, symlinks=True)
        (root / "usr" / "bin").mkdir(parents=True)
        (root / "usr" / "bin" / NAME).symlink_to(f"../lib/{NAME}/{NAME}")
        desktop_files(root / "usr" / "share")
        control = root / "DEBIAN"
        control.mkdir()
        for script in ("postinst", "postrm"):
            shutil.copyfile(PACKAGING / "debian" / script, control / script)
            (control / script).chmod(0o755)
        return _build_deb(root, "control", arch, out / f"{NAME}_{version()}_{arch}.deb")


# -- Windows and macOS --------------------------------------------------------------------------


def zipped(bundle: Path, out: Path) -> Path:
    target = out / f"Facilitator-{version()}-windows.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(bundle.rglob("*")):
            archive.write(path, Path("Facilitator") / path.relative_to(bundle))
    return target


def reader_zip(addon: Path, exe: Path, bundle: Path, out: Path, system: str) -> Path:
    """Windows, macOS: the add-on as a zip whose paths put it in the app's ``reader/``."""
    inside = Path("Facilitator.app" if system == "macos" else "Facilitator") / (
        reader_place(exe).relative_to(bundle))
    target = out / f"Facilitator-reader-{version()}-{system}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(addon.rglob("*")):
            archive.write(path, inside / path.relative_to(addon))
    return target


def inno_setup(dist: Path) -> Path | None:
    candidates = [shutil.which("iscc"), *(
        str(Path(os.environ.get(var, "")) / "Inno Setup 6" / "ISCC.exe")
        for var in ("ProgramFiles(x86)", "ProgramFiles", "LOCALAPPDATA"))]
    iscc = next((c for c in candidates if c and Path(c).is_file()), None)
    if iscc is None:
        say("Inno Setup 6 not found (winget install JRSoftware.InnoSetup): no setup.exe")
        return None
    subprocess.run([iscc, f"/DAppVersion={version()}", f"/DDist={dist}",
                    str(PACKAGING / "windows" / "facilitator.iss")], check=True)
    return dist / f"Facilitator-{version()}-windows-setup.exe"


def dmg(app: Path, out: Path) -> Path:
    target = out / f"Facilitator-{version()}-macos.dmg"
    subprocess.run(["sh", str(PACKAGING / "macos" / "make_dmg.sh"), str(app), str(target)],
                   check=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist",
                        help="where the app and its packages go (default: dist/)")
    parser.add_argument("--work", type=Path, default=ROOT / "build",
                        help="PyInstaller's working folder (default: build/)")
    args = parser.parse_args(argv)
    dist, work = args.dist.resolve(), args.work.resolve()
    dist.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    say(f"Facilitator {version()}: PyInstaller into {dist}")
    bundle = pyinstaller(dist, work)
    built = time.perf_counter() - started
    say(f"bundle built in {built:.0f} s: {folder_size(bundle) / 1e6:.0f} MB unpacked")
    exe = executable(bundle)
    smoke_test(exe, "the paper reader not installed")
    addon = reader_addon(dist)
    say(f"paper reader add-on: {folder_size(addon) / 1e6:.0f} MB unpacked")
    smoke_test_with_reader(exe, addon)
    packages: list[Path | None] = []
    if sys.platform.startswith("linux"):
        packages += [tarball(bundle, dist), deb(bundle, dist),
                     reader_tarball(addon, dist), reader_deb(addon, dist)]
    elif os.name == "nt":
        packages += [zipped(bundle, dist), inno_setup(dist),
                     reader_zip(addon, exe, bundle, dist, "windows")]
    elif sys.platform == "darwin":
        packages += [dmg(bundle, dist), reader_zip(addon, exe, bundle, dist, "macos")]
    for package in packages:
        if package is not None:
            say(f"{package} ({package.stat().st_size / 1e6:.0f} MB)")
    say(f"done in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
