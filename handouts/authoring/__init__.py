"""Authoring tools: a module, a lesson skeleton, source records, JSON Schemas, field list."""
