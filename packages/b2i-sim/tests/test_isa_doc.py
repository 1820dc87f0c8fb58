"""The ISA page in the docs is exactly what the table renders, so it cannot fall behind the table."""

import pathlib

from b2i.sim.isa import OPS
from b2i.sim.isadoc import bit_pattern, render_markdown

PAGE = pathlib.Path(__file__).resolve().parent.parent / "docs" / "isa.md"


def test_committed_page_is_rendered_from_the_table():
    assert PAGE.read_text() == render_markdown(), "run: python -m b2i.sim.isadoc > packages/b2i-sim/docs/isa.md"


def test_every_op_is_on_the_page_with_its_encoding():
    page = PAGE.read_text()
    for op in OPS:
        assert f"| `{op.name}` | {op.fmt} |" in page
        fixed = "".join(t for t in bit_pattern(op).split() if set(t) <= {"0", "1"})
        assert len(fixed) == op.mask.bit_count(), op.name  # every fixed bit is shown, as 0 or 1
        assert fixed.count("1") == op.match.bit_count(), op.name
