"""Stations (issue 18): other laptops checking people in, keying papers and capturing Q&A
questions for the event the main laptop holds, over the venue's network, with nothing lost
or counted twice when the Wi-Fi drops.

Main side: :mod:`.ops` (offer, pair, revoke, apply items exactly once), :mod:`.queries`,
:mod:`.server` (the TLS API). Station side: :mod:`.outbox` (the durable local queue and the
cached event data) and :mod:`.client` (pairing, replay, reads).
"""
