"""hb: the Heartbeats command-line client (`hb run`, `hb ping`). Needs no Flask."""

__version__ = "0.1.0"
