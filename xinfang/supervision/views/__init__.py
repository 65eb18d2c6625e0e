"""Supervision pages under /supervision/ (views parse input, call one service or selector, render)."""
