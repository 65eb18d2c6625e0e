"""Writes of the workbench: admin changes (with their change log), exports, batch actions."""
