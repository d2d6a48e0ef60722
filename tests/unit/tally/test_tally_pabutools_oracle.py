"""Pabulib files counted by us and by pabutools (the reference implementation): same outcome.

A sample chosen to be quick under pabutools (whose greedy re-scores every project at every
step) and to cover approval and cumulative votes, thresholds, ties settled by the file's
project order, repeated projects in a vote, and the Method of Equal Shares with Add1. Files
where the published outcome is not reproduced by either are not here but in
``test_tally_pb_more.py`` (``QUIRKS``), where our outcome is the rule's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitator.tally import count_pb, read_pb

from .conftest import PABULIB, PABULIB_MORE
from .pabutools_oracle import pabutools_outcome

SAMPLE = [
    (PABULIB, "Poland_Czestochowa_2024_Mirow.pb", None),  # cumulative, greedy
    (PABULIB, "Poland_Lodz_2024_Lagiewniki.pb", None),  # threshold
    (PABULIB, "Poland_Warszawa_2019_Srodmiescie_Poludniowe.pb", None),
    (PABULIB, "Poland_Katowice_2022_Osiedle_Witosa.pb", None),  # cumulative, threshold
    (PABULIB_MORE, "Poland_Katowice_2022_Koszutka.pb", None),  # tie by list order
    (PABULIB_MORE, "Poland_Lodz_2024_Katedralna.pb", None),  # tie by list order
    (PABULIB_MORE, "Poland_Warszawa_2019_Targowek_Mieszkaniowy.pb", None),
    (PABULIB_MORE, "Poland_Warszawa_2018_Niskie_Okecie.pb", None),
    (PABULIB_MORE, "Poland_Warszawa_2018_Las.pb", None),  # a quirk: pabutools agrees with us
    (PABULIB_MORE, "Poland_Czestochowa_2025_Mirow.pb", None),
    (PABULIB_MORE, "Poland_Warszawa_2026_Miedzylesie_Radosc.pb", None),  # repeated project
    (PABULIB_MORE, "Poland_Warszawa_2024_Wesola.pb", "greedy"),  # greedy-exclusive as greedy
    (PABULIB, "Poland_Gdynia_2024_Kamienna_Gora__small.pb", "equalshares/add1"),
    (PABULIB, "Poland_Gdynia_2023_Pustki_Cisowskie-Demptowo__large.pb", "equalshares/add1"),
]


@pytest.mark.parametrize(("folder", "name", "rule"), SAMPLE,
                         ids=[f"{n}-{r or 'meta'}" for _f, n, r in SAMPLE])
def test_same_outcome_as_pabutools(folder: Path, name: str, rule: str | None) -> None:
    path = folder / name
    ours = set(count_pb(read_pb(path), rule).funded)
    assert ours == pabutools_outcome(path, rule)
