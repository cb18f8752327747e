"""Sub-commands of the `tabletop` CLI, one module per area, each with `register(group)`."""
