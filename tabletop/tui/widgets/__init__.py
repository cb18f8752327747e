"""Widgets of the drill screen, one per region."""
