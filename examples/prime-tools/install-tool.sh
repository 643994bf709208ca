#!/usr/bin/env bash
# Builds the primes tool from src/ and its table, into $HOME/tools, which is
# outside the clone folder and so survives into a baked image.
set -euo pipefail
limit="${PRIMES_TABLE_LIMIT:-400000000}"
mkdir -p "$HOME/tools/bin" "$HOME/tools/share"
cc -O2 -o "$HOME/tools/bin/primes" src/primes.c
"$HOME/tools/bin/primes" build "$HOME/tools/share/primes.table" "$limit"
echo "primes installed in $HOME/tools (table up to $limit)"
