"""The BPE tokenizer: exact round trips on arbitrary Unicode, and merges that actually compress."""

from b2i.ml.tokenizer import SPLIT, Tokenizer
from hypothesis import given, settings
from hypothesis import strategies as st

SAMPLE = "the quick brown fox jumps over the lazy dog; the dog sleeps. Über naïve café, 3.14159 ünïcödé 🙂🙂 " * 20
TRAINED = Tokenizer.train(SAMPLE, 300)


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_round_trip_arbitrary_unicode(text):
    assert "".join(SPLIT.findall(text)) == text  # the split loses nothing
    ids = TRAINED.encode(text)
    assert all(0 <= i < TRAINED.vocab_size for i in ids)
    assert TRAINED.decode(ids) == text


@settings(max_examples=25, deadline=None)
@given(st.text(min_size=1, max_size=200), st.integers(256, 320))
def test_training_on_arbitrary_text_round_trips(text, vocab_size):
    tok = Tokenizer.train(text, vocab_size)
    assert tok.vocab_size <= vocab_size
    assert tok.decode(tok.encode(text)) == text
    assert len(tok.encode(text)) <= len(text.encode("utf-8"))


def test_merges_compress_training_text_and_save_load(tmp_path):
    ids = TRAINED.encode(SAMPLE)
    assert TRAINED.vocab_size == 300
    assert len(ids) < len(SAMPLE.encode()) / 2
    assert b"the" in TRAINED.vocab or b" the" in TRAINED.vocab
    TRAINED.save(tmp_path / "tok.json")
    again = Tokenizer.load(tmp_path / "tok.json")
    assert again.encode(SAMPLE) == ids and again.vocab == TRAINED.vocab
