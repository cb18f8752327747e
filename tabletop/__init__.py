"""tabletop: an outage tabletop-exercise simulator."""

__version__ = "0.1.0"
