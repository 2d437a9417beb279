"""Decode the bytes of an article file: UTF-8, UTF-16/32, or a legacy Arabic or Latin code page.

Each failure is named for what it is: binary data, UTF-8 damaged by invalid bytes, or text in
no recognisable code page. Mojibake (UTF-8 read as Latin-1 or cp1252 and saved again) is
not a failure: it is told apart from binary data here and repaired by cleaning.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from align.errors import InputError

ENCODING_SAMPLE = 100_000  # characters scored to choose a legacy encoding
_WORD = re.compile(r"[^\W\d_]+")
# Line breaks of text files; str.splitlines() also breaks at U+0085 and U+001C-U+001E,
# which UTF-8 read as Latin-1 produces inside Arabic letters ("م" as "Ù\x85").
_LINE_BREAK = re.compile("\r\n|[\n\r\v\f\u2028\u2029]")


def text_lines(text: str) -> list[str]:
    """The lines of ``text``, as :meth:`str.splitlines` but keeping C1 and separator
    controls inside a line, so mojibake can still be repaired line by line."""
    lines = _LINE_BREAK.split(text)
    return lines[:-1] if lines and not lines[-1] else lines


def _is_arabic(char: str) -> bool:
    return "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f"


def _plausibility(text: str) -> float:
    """Score a decoding: letters in words of one consistent script minus garbled words.

    A word is Arabic when all its letters are, Latin when at most half of its letters (or
    one) are non-ASCII; anything else is what a wrong code page produces ("ÇáÚÇáã").
    """
    arabic = latin = garbled = 0
    for word in _WORD.findall(text):
        n = len(word)
        n_arabic = sum(map(_is_arabic, word))
        non_ascii = n - sum(c.isascii() for c in word)
        if n_arabic == n:
            arabic += n
        elif n_arabic == 0 and non_ascii <= max(1, n // 2):
            latin += n
        else:
            garbled += n
    return max(arabic, latin) + min(arabic, latin) / 2 - 2 * garbled


def decode_text(data: bytes, path: str | Path) -> str:
    """Decode UTF-8 (BOM or not), UTF-16/32 with a BOM, UTF-16 without one, or legacy
    cp1256 / cp1252 text."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
    ):  # fmt: skip
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise InputError(path, f"undecodable {encoding} text ({error.reason} at "
                                       f"byte {error.start})") from None
    if b"\x00" in data:
        return _decode_utf16(data, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        utf8_error = error
    # Mostly valid UTF-8 with a few bad bytes is damaged UTF-8; legacy code pages only form
    # valid UTF-8 sequences by chance (in cp1256, a letter before the Arabic comma 0xA1).
    replaced = data.decode("utf-8", "replace")
    valid = sum(ord(c) > 127 for c in replaced) - replaced.count("\ufffd")
    if valid > replaced.count("\ufffd"):
        raise InputError(path, f"undecodable text: UTF-8 mixed with invalid bytes (first at "
                               f"byte {utf8_error.start})")
    candidates = [data.decode("cp1256")]
    try:
        candidates.append(data.decode("cp1252"))
    except UnicodeDecodeError:
        candidates.append(data.decode("latin-1"))
    scores = [_plausibility(text[:ENCODING_SAMPLE]) for text in candidates]
    best = max(range(2), key=lambda i: (scores[i], i))  # ties go to cp1252
    if scores[best] <= 0:
        sample = candidates[0][:ENCODING_SAMPLE]  # cp1256 maps every byte over 127 to text
        if controls(sample) > 0.01 * len(sample):
            raise InputError(path, "binary file, not text (control bytes)")
        raise InputError(path, "undecodable text: neither UTF-8 nor recognisable "
                               "Arabic (cp1256) or Latin (cp1252) text")
    return candidates[best]


def _decode_utf16(data: bytes, path: str | Path) -> str:
    """Text with NUL bytes: UTF-16 without a byte-order mark when one byte order decodes to
    plausible French or Arabic text (a space or newline puts a NUL in every such text), else
    a binary file."""
    for encoding in ("utf-16-le", "utf-16-be"):
        if len(data) % 2:
            break
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        sample = text[:ENCODING_SAMPLE]
        if _plausibility(sample) > 0 and controls(sample) <= 0.01 * len(sample):
            return text
    raise InputError(path, "binary file, not text (NUL bytes, and not UTF-16 text)")


def controls(text: str) -> int:
    """Control characters other than whitespace, C1 controls included."""
    return sum(1 for c in text if (ord(c) < 32 and c not in "\t\n\r\f\v")
               or 0x7F <= ord(c) < 0xA0)


def is_mojibake(text: str) -> bool:
    """Whether C1 controls in ``text`` come from UTF-8 bytes read as Latin-1 characters:
    encoding back to those bytes gives valid UTF-8 with non-ASCII letters."""
    try:
        repaired = text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return False
    return controls(repaired) <= 0.01 * len(repaired) and any(ord(c) > 127 for c in repaired)
