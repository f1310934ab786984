"""`python -m heartbeats_agent`: the `hb` command, where no script was installed."""

from .cli import main

main(prog_name="hb")
