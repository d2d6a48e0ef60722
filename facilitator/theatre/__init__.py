"""Legislative-theatre sessions (Boal): scenes, forum interventions, idea cards, proposals,
the audience's vote on each proposal, and the policymakers' commitments."""
