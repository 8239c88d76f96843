"""Personal data masked out of text that is published (個人資料保護法).

Citizens write their phone number, national ID number or e-mail into a description
("please call me at 0912-345-678"). Public pages, feeds, e-mails to followers and Open311
show such text only through :func:`mask_personal_data`. Masking keeps the shape of the
text: the reader sees that something was there.
"""

from __future__ import annotations

import re

MASK = "＊＊＊"

# An e-mail address (RFC 5322's common form).
EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# A national ID or resident-certificate number: a letter, then 1/2 (citizens) or 8/9 (new
# resident certificates) or A–D (old ones), then 8 digits.
NATIONAL_ID = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][12892ABCDabcd]\d{8}(?![A-Za-z0-9])")
# A Taiwanese phone number: mobile 09xx-xxx-xxx, landline (0x) xxx(x)-xxxx, either with
# +886 for the leading 0, with spaces or dashes (full-width digits are folded first).
PHONE = re.compile(
    r"(?<![\d\-])(?:(?:\+?886[\s\-]?|0)9\d{2}[\s\-]?\d{3}[\s\-]?\d{3}"
    r"|(?:\+?886[\s\-]?\(?|\(?0)\d{1,2}\)?[\s\-]?\d{3,4}[\s\-]?\d{4})(?![\d\-])"
)
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９－＋（）＠．", "0123456789-+()@.")


def mask_personal_data(text: str) -> str:
    """``text`` with e-mail addresses, national ID numbers and phone numbers replaced by
    ＊＊＊ (full-width digits are recognised too)."""
    if not text:
        return text
    # Work on a copy with full-width digits folded, keeping positions (same length).
    folded = text.translate(FULL_WIDTH_DIGITS)
    spans = []
    for pattern in (EMAIL, NATIONAL_ID, PHONE):
        spans.extend(match.span() for match in pattern.finditer(folded))
    if not spans:
        return text
    spans.sort()
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, position = [], 0
    for start, end in merged:
        parts.append(text[position:start])
        parts.append(MASK)
        position = end
    parts.append(text[position:])
    return "".join(parts)


def mask_phrase(text: str, phrase: str) -> tuple[str, int]:
    """``text`` with every occurrence of ``phrase`` replaced by ＊＊＊, and how many there
    were (a moderator's masking of what the automatic rules missed, such as a name)."""
    phrase = (phrase or "").strip()
    if not phrase:
        return text, 0
    count = text.count(phrase)
    return text.replace(phrase, MASK), count
