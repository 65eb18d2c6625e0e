# Thin wrapper: everything lives in ./run (works where make is not installed). `make help`.
.PHONY: help setup demo test lint deadlines bench
help setup demo test lint deadlines bench:
	@./run $@
