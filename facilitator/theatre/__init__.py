"""Legislative-theatre sessions (Boal): scenes, forum interventions, idea cards, proposals,
the audience's vote on each proposal, and the policymakers' commitments.

The rooms (ARCHITECTURE.md): ``model`` (values and pure rules), ``queries`` (reads, never
writes; :func:`~facilitator.theatre.queries.outcome` is the one function for a proposal's
vote), ``ops`` (every change, with its actor), ``export`` (the commitments tracker as
CSV/JSON and the interventions log), ``demo`` (a filled-in session), ``cli``
(``python -m facilitator theatre``).
"""
