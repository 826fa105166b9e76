"""Reading lesson files: YAML with locations, schema validation, cross-references."""
