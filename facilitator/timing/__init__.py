"""Speaking time: countdowns, the speaker queue, the agenda, and who is being heard."""
