"""Workbench views, one module per area. Views parse input, call one service or selector, render."""
