"""The values of C literals: integer and floating constants with their types, characters and strings.

Escapes follow C11 6.4.4.4; the integer type of a constant follows 6.4.4.1 (the first of int, long that holds
it, unsigned too for hex and octal or with a u suffix).
"""

import re
import struct

from b2i.cc.diagnostics import error_at

SIMPLE_ESCAPES = {
    "n": 10,
    "t": 9,
    "r": 13,
    "a": 7,
    "b": 8,
    "f": 12,
    "v": 11,
    "e": 27,
    "\\": 92,
    "'": 39,
    '"': 34,
    "?": 63,
}

WIDE_MASKS = {"L": 0xFFFFFFFF, "U": 0xFFFFFFFF, "u": 0xFFFF}  # the element of L'', U'', u'' literals
INT_RE = re.compile(r"(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uUlL]*)$")


def decode_escapes(body: str, tok, mask: int = 0xFF) -> list[int]:
    """The code points (or units for \\x and octal escapes, cut to `mask`: a byte, or a wide literal's element)
    of a literal's text between its quotes."""
    out: list[int] = []
    i = 0
    n = len(body)
    while i < n:
        c = body[i]
        if c != "\\":
            out.append(ord(c))
            i += 1
            continue
        i += 1
        if i >= n:
            raise error_at(tok, "incomplete escape sequence")
        c = body[i]
        if c in SIMPLE_ESCAPES:
            out.append(SIMPLE_ESCAPES[c])
            i += 1
        elif c == "x":
            j = i + 1
            while j < n and body[j] in "0123456789abcdefABCDEF":
                j += 1
            if j == i + 1:
                raise error_at(tok, "\\x used with no following hex digits")
            out.append(int(body[i + 1 : j], 16) & mask)
            i = j
        elif c in "01234567":
            j = i
            while j < n and j < i + 3 and body[j] in "01234567":
                j += 1
            out.append(int(body[i:j], 8) & mask)
            i = j
        elif c in "uU":
            width = 4 if c == "u" else 8
            out.append(int(body[i + 1 : i + 1 + width], 16))
            i += 1 + width
        else:
            out.append(ord(c))  # gcc warns and keeps the character
            i += 1
    return out


def char_value(tok) -> int:
    """The int value of a character constant (plain char is unsigned on RISC-V, but 'x' has type int)."""
    text = tok.text
    prefix = text[: text.index("'")]
    codes = decode_escapes(text[len(prefix) + 1 : -1], tok, WIDE_MASKS.get(prefix, 0xFF))
    if not codes:
        raise error_at(tok, "empty character constant")
    if prefix:
        return codes[-1]
    data = b"".join(c.to_bytes(1, "little") if c < 256 else chr(c).encode() for c in codes)
    if len(data) == 1:
        return data[0]  # unsigned char on riscv
    value = 0
    for b in data[-4:]:
        value = (value << 8) | b
    return value - (1 << 32) if value >> 31 else value


def string_bytes(toks) -> tuple[bytes, str]:
    """Concatenates adjacent string literal tokens into bytes (UTF-8, NUL added by the caller); also the prefix."""
    prefix = ""
    for t in toks:
        p = t.text[: t.text.index('"')]
        if p and p != "u8":
            prefix = p
    data = bytearray()
    units: list[int] = []
    for t in toks:
        p = t.text[: t.text.index('"')]
        for c in decode_escapes(t.text[len(p) + 1 : -1], t, WIDE_MASKS.get(prefix, 0xFF)):
            units.append(c)
    if prefix in ("L", "U"):
        for c in units:
            data += struct.pack("<I", c)
        return bytes(data), prefix
    if prefix == "u":
        for c in units:
            data += struct.pack("<H", c & 0xFFFF)
        return bytes(data), prefix
    # a narrow literal: escapes \x and octal are raw bytes, other characters are UTF-8
    for t in toks:
        p = t.text[: t.text.index('"')]
        body = t.text[len(p) + 1 : -1]
        i = 0
        while i < len(body):
            if body[i] == "\\":
                j = i + 1
                if body[j] == "x":
                    j += 1
                    while j < len(body) and body[j] in "0123456789abcdefABCDEF":
                        j += 1
                elif body[j] in "01234567":
                    while j < len(body) and j < i + 4 and body[j] in "01234567":
                        j += 1
                elif body[j] in "uU":
                    j += 5 if body[j] == "u" else 9
                else:
                    j += 1
                codes = decode_escapes(body[i:j], t)
                for c in codes:
                    data += bytes([c]) if c < 256 and body[i + 1] not in "uU" else chr(c).encode()
                i = j
            else:
                data += body[i].encode("utf-8", "surrogateescape")
                i += 1
    return bytes(data), prefix


def int_literal(tok):
    """(value, type name) of an integer constant, e.g. (10, 'int') or (1 << 63, 'unsigned long')."""
    m = INT_RE.match(tok.text)
    if not m:
        raise error_at(tok, f"invalid integer constant '{tok.text}'")
    digits, suffix = m.group(1), m.group(2).lower()
    if suffix not in ("", "u", "l", "ul", "lu", "ll", "ull", "llu"):
        raise error_at(tok, f'invalid suffix "{m.group(2)}" on integer constant')
    if digits[:2].lower() == "0x":
        value, decimal = int(digits[2:], 16), False
    elif digits[:2].lower() == "0b":
        value, decimal = int(digits[2:], 2), False
    elif digits.startswith("0") and len(digits) > 1:
        if any(c in "89" for c in digits):
            raise error_at(tok, f"invalid digit in octal constant '{tok.text}'")
        value, decimal = int(digits, 8), False
    else:
        value, decimal = int(digits), True
    unsigned = "u" in suffix
    is_long = "l" in suffix
    if value >= 1 << 64:
        raise error_at(tok, "integer constant is too large for its type")
    if not is_long:
        if not unsigned and value < 1 << 31:
            return value, "int"
        if (unsigned or not decimal) and value < 1 << 32:
            return value, "unsigned int"
    if not unsigned and value < 1 << 63:
        return value, "long"
    return value, "unsigned long"


def float_literal(tok):
    """(value, type name) of a floating constant; 'float' with an f suffix."""
    text = tok.text
    kind = "double"
    if (
        text[-1] in "fF"
        and not text.lower().startswith("0x")
        or (text.lower().startswith("0x") and text[-1] in "fF" and "p" in text.lower())
    ):
        kind, text = "float", text[:-1]
    elif text[-1] in "lL":
        text = text[:-1]
    try:
        value = float.fromhex(text) if text.lower().startswith("0x") else float(text)
    except ValueError:
        raise error_at(tok, f"invalid floating constant '{tok.text}'") from None
    if kind == "float":
        value = struct.unpack("<f", struct.pack("<f", value))[0] if abs(value) < 3.5e38 else float("inf")
    return value, kind


def is_float_literal(text: str) -> bool:
    t = text.lower()
    if t.startswith("0x"):
        return "p" in t or "." in t
    return "." in t or "e" in t or t.endswith("f") and not t.startswith("0x")
