"""A byte-level BPE tokenizer in the style of GPT-2, trained by our own code.

Text is UTF-8 bytes, so the 256 byte values are the first 256 tokens and any string can be encoded (no unknown
token). Training splits the text into chunks (words with their leading space, runs of digits, punctuation,
whitespace) and repeatedly merges the most frequent adjacent pair of tokens inside chunks into a new token,
until the vocabulary has the requested size. Encoding replays the merges in the order they were learned.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter

# GPT-2's split pattern, written with the standard library's `re` (no \p{L}): contractions, letters, digits,
# other symbols, each with an optional leading space; then whitespace runs. Together they cover every string.
SPLIT = re.compile(r"""'(?:[sdmt]|ll|ve|re)| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")
FORMAT = "b2i-bpe-1"


def _merge(ids: list[int], pair: tuple[int, int], new: int) -> list[int]:
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


class Tokenizer:
    """Token ids <-> text. `merges[i]` is the pair of ids that became token 256 + i."""

    def __init__(self, merges: list[tuple[int, int]] | None = None) -> None:
        self.merges = list(merges or [])
        self.ranks = {pair: 256 + i for i, pair in enumerate(self.merges)}
        self.vocab = [bytes([b]) for b in range(256)]
        for a, b in self.merges:
            self.vocab.append(self.vocab[a] + self.vocab[b])
        self._cache: dict[str, list[int]] = {}

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)

    @classmethod
    def train(cls, text: str, vocab_size: int) -> Tokenizer:
        """Learns vocab_size - 256 merges from text (fewer if the text runs out of pairs to merge)."""
        if vocab_size < 256:
            raise ValueError("vocab_size must be at least 256 (the byte tokens)")
        counts = Counter(SPLIT.findall(text))
        words = [list(chunk.encode("utf-8")) for chunk in counts]
        freqs = list(counts.values())
        merges: list[tuple[int, int]] = []
        while 256 + len(merges) < vocab_size:
            pairs: Counter = Counter()
            for ids, freq in zip(words, freqs, strict=True):
                for pair in zip(ids, ids[1:], strict=False):
                    pairs[pair] += freq
            if not pairs:
                break
            best = max(pairs, key=lambda p: (pairs[p], -p[0], -p[1]))  # ties: the smallest pair, for determinism
            new = 256 + len(merges)
            merges.append(best)
            words = [_merge(ids, best, new) if len(ids) > 1 else ids for ids in words]
        return cls(merges)

    def _encode_chunk(self, chunk: str) -> list[int]:
        cached = self._cache.get(chunk)
        if cached is not None:
            return cached
        ids = list(chunk.encode("utf-8"))
        while len(ids) > 1:
            pair = min(zip(ids, ids[1:], strict=False), key=lambda p: self.ranks.get(p, 1 << 60))
            if pair not in self.ranks:
                break
            ids = _merge(ids, pair, self.ranks[pair])
        if len(self._cache) < 100_000:
            self._cache[chunk] = ids
        return ids

    def encode(self, text: str) -> list[int]:
        return [i for chunk in SPLIT.findall(text) for i in self._encode_chunk(chunk)]

    def decode(self, ids: list[int]) -> str:
        """Text of the tokens; byte sequences that are not valid UTF-8 (a cut-off sample) become U+FFFD."""
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "merges": self.merges})

    @classmethod
    def from_json(cls, text: str) -> Tokenizer:
        data = json.loads(text)
        if data.get("format") != FORMAT:
            raise ValueError(f"not a {FORMAT} tokenizer")
        return cls([tuple(pair) for pair in data["merges"]])

    def save(self, path: str | os.PathLike) -> None:
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.to_json())

    @classmethod
    def load(cls, path: str | os.PathLike) -> Tokenizer:
        with open(path, encoding="utf-8") as f:
            return cls.from_json(f.read())
