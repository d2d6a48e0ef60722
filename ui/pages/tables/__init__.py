"""The Tables page, in parts: the page itself, its settings form, table cards, quality panel,
constraints dialog, search runner, undo stack and printouts."""

from ui.pages.tables.page import TablesPage, choose_save_path

__all__ = ["TablesPage", "choose_save_path"]
