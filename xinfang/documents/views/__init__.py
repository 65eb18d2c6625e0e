"""Staff pages (matter documents, downloads, delivery, batch printing, templates) and the
petitioner's download. Views parse input, call one service or selector, render."""
