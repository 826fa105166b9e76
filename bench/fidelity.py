"""Benchmark the excerpt-fidelity check on a long, repetitive source.

    .venv/bin/python bench/fidelity.py [TOKENS]

The source repeats a short phrase (default: 80,000 tokens); the excerpts are
a long faithful passage, one that matches only at the very end, and one that
parts from the source near its end (the slowest case for a naive search:
every position matches a long prefix).
"""

from __future__ import annotations

import sys
import time

from handouts.integrity.fidelity import find_mismatch


def main() -> None:
    tokens = int(sys.argv[1]) if len(sys.argv) > 1 else 80_000
    phrase = "the order was carried out and the order was "
    words = phrase.split()
    source = " ".join(words[i % len(words)] for i in range(tokens - 2)) + " finally done"
    passage = " ".join(words[i % len(words)] for i in range(6_000))
    cases = {
        "faithful passage (6,000 tokens)": passage,
        "passage found only at the end": " ".join(source.split()[-1_000:]),
        "passage that parts near its end": passage + " wrongly",
    }
    total = 0.0
    print(f"source: {tokens:,} tokens")
    for name, excerpt in cases.items():
        start = time.perf_counter()
        mismatch = find_mismatch(excerpt, source, [])
        elapsed = time.perf_counter() - start
        total += elapsed
        verdict = "matches" if mismatch is None else f"mismatch: {mismatch.message[:60]}"
        print(f"{elapsed:8.2f} s  {name}: {verdict}")
    print(f"{total:8.2f} s  total")


if __name__ == "__main__":
    main()
