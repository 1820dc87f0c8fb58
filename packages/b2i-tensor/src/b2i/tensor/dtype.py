"""The six element types and numpy's rules for combining them.

A DType knows how it is stored (item size, a `struct`/memoryview format letter) and how it is spelled in C.
Promotion follows NumPy 2: arrays promote by kind and size; Python scalars are "weak" and take the array's
type unless their kind is higher (an int scalar with a bool array gives int64, a float scalar with an integer
array gives float64).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, eq=False)
class DType:
    """One element type: `name` as numpy spells it, `kind` ('b' bool, 'u'/'i' integer, 'f' float)."""

    name: str
    itemsize: int
    kind: str
    fmt: str  # struct / memoryview format letter
    ctype: str  # C spelling used by the renderer
    rank: int  # position in the promotion lattice (see result_type)

    def __repr__(self) -> str:
        return self.name

    __str__ = __repr__

    def __reduce__(self):
        return (to_dtype, (self.name,))

    @property
    def is_float(self) -> bool:
        return self.kind == "f"

    @property
    def is_int(self) -> bool:
        return self.kind in "ui"

    @property
    def is_bool(self) -> bool:
        return self.kind == "b"


bool_ = DType("bool", 1, "b", "?", "unsigned char", 0)
uint8 = DType("uint8", 1, "u", "B", "uint8_t", 1)
int32 = DType("int32", 4, "i", "i", "int32_t", 2)
int64 = DType("int64", 8, "i", "q", "int64_t", 3)
float32 = DType("float32", 4, "f", "f", "float", 4)
float64 = DType("float64", 8, "f", "d", "double", 5)

DTYPES: tuple[DType, ...] = (bool_, uint8, int32, int64, float32, float64)
_BY_NAME = {d.name: d for d in DTYPES}
_BY_NAME.update({"bool_": bool_, "float": float64, "int": int64, "double": float64, "long": int64})

# Integer ranges, for NumPy 2's "Python integer out of bounds" check on weak scalars.
INT_RANGE = {uint8: (0, 255), int32: (-(2**31), 2**31 - 1), int64: (-(2**63), 2**63 - 1)}


def to_dtype(x: object) -> DType:
    """Accept a DType, its name, a Python type (bool/int/float) or a numpy dtype/scalar type."""
    if isinstance(x, DType):
        return x
    if x is bool:
        return bool_
    if x is int:
        return int64
    if x is float:
        return float64
    name = x if isinstance(x, str) else getattr(x, "name", None) or getattr(x, "__name__", None)
    if name is None and hasattr(x, "dtype"):
        name = x.dtype.name
    if isinstance(name, str) and name in _BY_NAME:
        return _BY_NAME[name]
    if isinstance(x, type) and hasattr(x, "dtype"):  # numpy scalar types such as np.float32
        try:
            return to_dtype(x(0).dtype.name)
        except TypeError:
            pass
    raise TypeError(f"data type {x!r} not understood (b2i.tensor supports {', '.join(d.name for d in DTYPES)})")


def _promote_two(a: DType, b: DType) -> DType:
    """numpy's promotion restricted to the six types: one table row per pair of kinds."""
    if a is b:
        return a
    lo, hi = (a, b) if a.rank < b.rank else (b, a)
    if lo is bool_:
        return hi
    if hi is float32 and lo in (int32, int64):
        return float64  # a float32 cannot hold every int32: numpy goes to float64
    return hi


def scalar_kind(value: object) -> str:
    """The kind of a Python scalar: 'b', 'i' or 'f' (complex and others are refused)."""
    if isinstance(value, bool):
        return "b"
    if isinstance(value, int):
        return "i"
    if isinstance(value, float):
        return "f"
    raise TypeError(f"unsupported scalar {value!r} of type {type(value).__name__}")


def result_type(*items: object) -> DType:
    """numpy.result_type for DTypes (strong) and Python scalars (weak, as in NumPy 2)."""
    strong = [to_dtype(i) for i in items if not isinstance(i, bool | int | float)]
    weak = [i for i in items if isinstance(i, bool | int | float)]
    if not strong:
        # Only scalars: the default type of the highest kind (bool, int64, float64).
        kinds = {scalar_kind(w) for w in weak}
        return float64 if "f" in kinds else int64 if "i" in kinds else bool_
    out = strong[0]
    for d in strong[1:]:
        out = _promote_two(out, d)
    for w in weak:
        k = scalar_kind(w)
        if k == "f" and not out.is_float:
            out = float64
        elif k == "i" and out.is_bool:
            out = int64
    return out


def check_weak_int(value: object, dtype: DType) -> None:
    """NumPy 2 refuses a Python int that does not fit the integer array it meets."""
    if isinstance(value, int) and not isinstance(value, bool) and dtype in INT_RANGE:
        lo, hi = INT_RANGE[dtype]
        if not lo <= value <= hi:
            raise OverflowError(f"Python integer {value} out of bounds for {dtype.name}")


def sum_dtype(d: DType) -> DType:
    """The result type of sum/prod: bool and the integers widen to int64, as numpy does for all but uint8.

    numpy sums uint8 into uint64, a type b2i.tensor does not have. int64 holds every sum of uint8 exactly (it
    would take 2**55 elements to overflow), and a product wraps modulo 2**64 like numpy's, so the bits are the
    same and only products of 2**63 and more read differently (negative here)."""
    return int64 if d.kind in "bui" else d


def float_dtype(d: DType) -> DType:
    """The result of exp/log/...: floats stay, int32/int64 become float64, bool/uint8 float32 (numpy: float16)."""
    if d.is_float:
        return d
    return float64 if d in (int32, int64) else float32
