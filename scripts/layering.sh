#!/bin/bash
# The include rules of doc/architecture.md, checked (scripts/layering.py
# says what they are). A meson test of the unit suite, so `make check`
# runs it:  scripts/layering.sh [ROOT]   or   scripts/layering.sh --self-test
exec python3 "$(dirname "$0")/layering.py" "$@"
