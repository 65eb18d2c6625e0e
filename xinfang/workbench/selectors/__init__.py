"""Reads for the workbench pages (writes live in ``xinfang.workbench.services``)."""
