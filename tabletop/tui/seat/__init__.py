"""The seat UI of the drill room (terminal and browser): one seat of a drill a hub runs."""
