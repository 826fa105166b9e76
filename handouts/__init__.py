"""handouts: YAML lesson units to printable PDF handouts for history teachers."""
