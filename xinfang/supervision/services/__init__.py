"""Writes of the supervision app (records, callbacks, recommendations). The engine is in engine.py."""
