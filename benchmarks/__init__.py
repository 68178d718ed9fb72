"""Stage timings for `make bench`."""
