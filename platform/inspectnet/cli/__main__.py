"""``python -m inspectnet.cli``."""

from inspectnet.cli.main import app

app()
