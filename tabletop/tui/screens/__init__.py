"""One module per screen of the drill UI."""
