"""Demo data for `make run`: never imported by the rest of the site."""
