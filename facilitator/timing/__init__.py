"""Speaking time: countdowns, the speaker queue, the agenda, and who is being heard.

Rooms (ARCHITECTURE.md): ``model`` (values and rules), the pure engines ``countdown``
(a countdown from stored instants), ``order`` (who speaks next, and why) and ``stats`` (who
is heard), ``queries`` (reads, never writes) and ``ops`` (every change, with its actor).
"""
