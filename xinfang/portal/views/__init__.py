"""Portal views: parse input, call one service or selector, render (style.md)."""
