"""The eleven element types and numpy's rules for combining them.

A DType knows how it is stored (item size, a `struct`/memoryview format letter) and how it is spelled in C.
Promotion follows NumPy 2: arrays promote by kind and size (a signed and an unsigned integer meet in the
signed type twice the unsigned one's size, uint64 with a signed type in float64); Python scalars are "weak"
and take the array's type unless their kind is higher (an int scalar with a bool array gives int64, a float
scalar with an integer array gives float64). There is no float16: where numpy would pick it, we pick float32.
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


bool_ = DType("bool", 1, "b", "?", "unsigned char")
int8 = DType("int8", 1, "i", "b", "int8_t")
uint8 = DType("uint8", 1, "u", "B", "uint8_t")
int16 = DType("int16", 2, "i", "h", "int16_t")
uint16 = DType("uint16", 2, "u", "H", "uint16_t")
int32 = DType("int32", 4, "i", "i", "int32_t")
uint32 = DType("uint32", 4, "u", "I", "uint32_t")
int64 = DType("int64", 8, "i", "q", "int64_t")
uint64 = DType("uint64", 8, "u", "Q", "uint64_t")
float32 = DType("float32", 4, "f", "f", "float")
float64 = DType("float64", 8, "f", "d", "double")

DTYPES: tuple[DType, ...] = (bool_, int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64)
INTEGERS: tuple[DType, ...] = tuple(d for d in DTYPES if d.is_int)
_SIGNED = {d.itemsize: d for d in INTEGERS if d.kind == "i"}
_BY_NAME = {d.name: d for d in DTYPES}
_BY_NAME.update({"bool_": bool_, "float": float64, "int": int64, "double": float64, "long": int64, "byte": int8,
                 "ubyte": uint8, "short": int16, "ushort": uint16, "intc": int32, "uintc": uint32, "uint": uint64,
                 "ulong": uint64, "longlong": int64, "ulonglong": uint64})

# Integer ranges, for NumPy 2's "Python integer out of bounds" check on weak scalars.
INT_RANGE = {d: (0, 2 ** (8 * d.itemsize) - 1) if d.kind == "u" else (-(2 ** (8 * d.itemsize - 1)),
                                                                     2 ** (8 * d.itemsize - 1) - 1)
             for d in INTEGERS}


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
    """numpy's promotion of two array dtypes: the smallest type that holds every value of both (float64 when
    uint64 meets a signed type; float32 where numpy would take float16, which we do not have)."""
    if a is b or b.is_bool:
        return a
    if a.is_bool:
        return b
    if a.is_float or b.is_float:
        if a.is_float and b.is_float:
            return a if a.itemsize >= b.itemsize else b
        f, i = (a, b) if a.is_float else (b, a)
        return float64 if f is float64 or i.itemsize >= 4 else float32  # int16 fits float32's 24-bit mantissa
    if a.kind == b.kind:
        return a if a.itemsize >= b.itemsize else b
    u, s = (a, b) if a.kind == "u" else (b, a)
    if s.itemsize > u.itemsize:
        return s
    return float64 if u.itemsize == 8 else _SIGNED[2 * u.itemsize]


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


def creation_dtype(values: list) -> DType:
    """The dtype numpy gives an array made from these Python scalars (np.array, np.full): like result_type,
    except that an int beyond int64 is taken as uint64 (which meets any other int in float64, as in numpy)."""
    if not values:
        return float64
    out = result_type(*values)
    if out is int64 and any(type(v) is int and v > INT_RANGE[int64][1] for v in values):
        fits = any(type(v) is int and v <= INT_RANGE[int64][1] for v in values)
        return float64 if fits else uint64
    return out


def check_weak_int(value: object, dtype: DType) -> None:
    """NumPy 2 refuses a Python int that does not fit the integer array it meets."""
    if isinstance(value, int) and not isinstance(value, bool) and dtype in INT_RANGE:
        lo, hi = INT_RANGE[dtype]
        if not lo <= value <= hi:
            raise OverflowError(f"Python integer {value} out of bounds for {dtype.name}")


def sum_dtype(d: DType) -> DType:
    """The result type of sum/prod, as numpy: bool and signed integers in int64, unsigned ones in uint64."""
    if d.is_float:
        return d
    return uint64 if d.kind == "u" else int64


def float_dtype(d: DType) -> DType:
    """The result of exp/log/...: floats stay; integers of 4 bytes or more give float64, int16/uint16 float32,
    and bool/int8/uint8 float32 too (numpy: float16, which we do not have)."""
    if d.is_float:
        return d
    return float64 if d.itemsize >= 4 else float32
