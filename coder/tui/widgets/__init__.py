"""Widgets of the coding workspace (transcript view, side panel, pickers, dialogs)."""
