"""One page per job of the day, shown in the main window's stack."""
