"""The Plenary page: the countdown and speaker queue (page), the agenda, who is heard."""
