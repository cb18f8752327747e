"""Sub-commands of the `tabletop` CLI, one module per area, listed in `tabletop.cli.COMMANDS`."""
