"""Bytes -> text -> language -> units: the stages every input passes before any model sees it."""
