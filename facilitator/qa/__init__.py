"""The expert Q&A: questions from the tables, merged, ordered fairly, asked, followed up.

The rooms (ARCHITECTURE.md): ``model`` (QaQuestion, Panel, QaError, pure rules),
``ordering`` (the pure order of asking), ``queries`` (reads), ``ops`` (every change, with
its actor), ``export`` (the CSV) and ``cli`` (``python -m facilitator qa``).
"""
