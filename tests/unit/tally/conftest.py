"""Reference data for the counting tests: real elections counted by others.

The data is in the repository, in ``tests/data`` (``stv/`` and ``pb/``; each folder's README
gives its source and licence). If it is missing the tests fail, loudly: a count that was
never checked against published results is not a count we can ship.
"""

from __future__ import annotations

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[3]
REFERENCE_DATA = PROJECT_ROOT / "tests" / "data"
GLASGOW = REFERENCE_DATA / "stv" / "glasgow-2007"
PABULIB = REFERENCE_DATA / "pb"
PABULIB_MORE = REFERENCE_DATA / "pb-more"
GLASGOW_MEEK = REFERENCE_DATA / "stv" / "glasgow-2007-meek"
MISSING = "test-data-missing"


def require(path: Path) -> Path:
    """``path`` if it exists; otherwise fail the test with where the data should be."""
    if not path.exists():
        pytest.fail(
            f"Reference data not found: {path}\n"
            f"The counting tests read real elections from {REFERENCE_DATA} "
            "(tests/data in the repository; see its README.md). "
            "Restore it from the repository and run the tests again.",
            pytrace=False,
        )
    return path


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per Glasgow ward and per Pabulib file, named after it."""
    if "glasgow_ward" in metafunc.fixturenames:
        wards = sorted(p.name.removesuffix(".blt") for p in GLASGOW.glob("*.blt"))
        metafunc.parametrize("glasgow_ward", wards or [MISSING])
    if "pabulib_file" in metafunc.fixturenames:
        files = sorted(p.name for p in PABULIB.glob("*.pb"))
        metafunc.parametrize("pabulib_file", files or [MISSING])
    if "meek_ward" in metafunc.fixturenames:
        wards = sorted(p.name.removesuffix(".stages.tsv") for p in GLASGOW_MEEK.glob("*.tsv"))
        metafunc.parametrize("meek_ward", wards or [MISSING])


@pytest.fixture
def glasgow_dir() -> Path:
    return require(GLASGOW)


@pytest.fixture
def pabulib_dir() -> Path:
    return require(PABULIB)


@pytest.fixture
def pabulib_more_dir() -> Path:
    return require(PABULIB_MORE)


@pytest.fixture
def glasgow_meek_dir() -> Path:
    return require(GLASGOW_MEEK)
