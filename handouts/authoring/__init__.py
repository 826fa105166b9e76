"""Authoring tools: a new module, a lesson skeleton, source records, JSON Schemas, the field list."""
