"""C operators as hypothesis draws them for b2i-cc's generated programs (test_expressions, test_optimizer).

Each is free of undefined behaviour by construction: arithmetic that could overflow is done in unsigned long,
shift counts are constants below the width, divisors are nonzero constants.
"""

from hypothesis import HealthCheck
from hypothesis import strategies as st

# settings for tests that build and run programs: slow examples, and the builder fixture reused across them
PROGRAMS = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]}


def arithmetic(draw, x, y):
    """x op y in unsigned long, which wraps instead of overflowing."""
    op = draw(st.sampled_from(["+", "-", "*", "&", "|", "^"]))
    return f"((unsigned long)({x}) {op} (unsigned long)({y}))"


def comparison(draw, x, y, casts=("",)):
    """x compared with y, both converted by one of the casts."""
    op = draw(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]))
    cast = draw(st.sampled_from(casts))
    return f"({cast}({x}) {op} {cast}({y}))"


def shift(draw, x, ty, most):
    """x converted to the unsigned type ty, shifted either way by a constant count up to most."""
    op = draw(st.sampled_from(["<<", ">>"]))
    return f"(({ty})({x}) {op} {draw(st.integers(0, most))})"


def division(draw, x, divisors, types):
    """x converted to one of the types, divided by (or taken modulo) a divisor drawn from the strategy."""
    op = draw(st.sampled_from(["/", "%"]))
    t = draw(st.sampled_from(types))
    return f"(({t})({x}) {op} ({t}){draw(divisors)})"


def logical(draw, x, y):
    return f"(({x}) {draw(st.sampled_from(['&&', '||']))} ({y}))"


def conditional(c, x, y):
    return f"(({c}) ? ({x}) : ({y}))"
