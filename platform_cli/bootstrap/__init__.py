"""Account bootstrap: run ``bootstrap.sh`` for every account of a business unit, one account at a time."""
