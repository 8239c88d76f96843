"""Text as the assistant reads it: normalised, masked, cut into words.

Chinese goes through OpenCC (Simplified → Taiwan Traditional, with Taiwan phrases, so that
“摩托车” and “出租车” read as “摩托車” and “計程車”) and then jieba, with the FAQ's own
vocabulary and the synonym list added to its dictionary; every run of Chinese characters
also gives its character bigrams, so a word jieba cuts differently still matches (decision
0800). English is lower-cased words with a light plural/tense folding. Both dictionaries
ship inside their packages: nothing is downloaded.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[a-z0-9]+")

# Masked before a question is stored: it may carry a phone number or an ID.
_MASKS = (
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[email]"),
    (re.compile(r"(?<![A-Za-z0-9])[A-Za-z][12]\d{8}(?!\d)"), "[id]"),  # 身分證統一編號
    (re.compile(r"(?<!\d)(\+?886[-\s]?|0)?9\d{2}[-\s]?\d{3}[-\s]?\d{3}(?!\d)"), "[phone]"),
    (re.compile(r"(?<!\d)\(?0\d{1,2}\)?[-\s]?\d{3,4}[-\s]?\d{4}(?!\d)"), "[phone]"),
)

def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ZH_STOP = _words(
    "的 了 嗎 呢 吧 啊 呀 喔 哦 嗯 是 在 有 和 與 及 或 我 你 妳 您 他 她 它 們 我們 你們 請問 "
    "請 問 想 要 想要 可以 能 能不能 可不可以 會 該 應該 怎麼 怎樣 "
    "如何 什麼 哪裡 哪 為什麼 為何 嗎？ "
    "一下 一個 這 那 這個 那個 就 也 都 還 又 把 被 讓 給 對 到 從 去 來 上 下 中 裡 後 前 時 "
    "時候 如果 但是 因為 所以 然後 需要 知道 告訴 幫 幫忙 不 沒 沒有 好 很 太 多少 幾 個 位 家 市 "
    "高雄 高雄市 市府 市政府 "
)
EN_STOP = _words(
    "a an the of to in on at for from by with and or is are was "
    "were be been am do does did i me my we our you your it its "
    "this that these those there here what when where which who "
    "whom why how can could should would will shall may might "
    "must please tell know want need get got have has had if "
    "then than so not no yes about any some kaohsiung city "
)


def mask_personal(text: str) -> str:
    """The text with e-mail addresses, ID numbers and phone numbers replaced."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


def has_chinese(text: str) -> bool:
    return bool(CJK.search(text))


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("s2twp")


def normalise(text: str) -> str:
    """Full-width forms folded (NFKC), lower case, Simplified to Taiwan Traditional."""
    text = unicodedata.normalize("NFKC", text).lower().strip()
    if has_chinese(text):
        text = _converter().convert(text)
    return text


def question_key(text: str) -> str:
    """The key that counts a question with its near-identical repeats: normalised, masked,
    without spaces or punctuation."""
    text = normalise(mask_personal(text))
    return "".join(ch for ch in text if ch.isalnum() or ch in "[]")[:200]


def _fold_english(word: str) -> str:
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: len(word) - len(suffix)] + keep
    return word


class Segmenter:
    """jieba with the FAQ vocabulary added, and a synonym map applied to every token.

    One instance per index: its dictionary holds that index's words. jieba's own
    dictionary loads once per process (about half a second) and is shared.
    """

    def __init__(self, *, vocabulary: Iterable[str] = (),
                 synonyms: dict[str, str] | None = None) -> None:
        self.synonyms = synonyms or {}
        self.tokenizer = _base_tokenizer_copy()
        for word in {*vocabulary, *self.synonyms}:
            if has_chinese(word) and len(word) > 1:
                self.tokenizer.add_word(word, freq=50_000)

    def tokens(self, text: str) -> list[str]:
        """Index tokens of normalised text: words (synonyms mapped) and Chinese bigrams."""
        if not has_chinese(text):
            return self.english_tokens(text)
        result: list[str] = []
        for run in CJK_RUN.findall(text):
            words = [self.synonyms.get(word, word) for word in self.tokenizer.cut(run, HMM=True)
                     if word not in ZH_STOP]
            result.extend(words)
            # Bigrams of what is left after synonyms and stop words are applied.
            joined = "".join(words)
            result.extend(f"{joined[i]}{joined[i + 1]}#" for i in range(len(joined) - 1))
            # Single characters too: they catch a word written another way (垃圾車/清潔車).
            result.extend(f"{char}#" for char in joined)
        # Numbers and Latin words inside Chinese text (1999, ubike) count too.
        result.extend(self.english_tokens(CJK_RUN.sub(" ", text)))
        return result

    def english_tokens(self, text: str) -> list[str]:
        words = [_fold_english(w) for w in WORD.findall(text) if w not in EN_STOP]
        return [self.synonyms.get(w, w) for w in words]


_BASE_LOCK = threading.Lock()
_BASE = None


def _base_tokenizer_copy():
    """A fresh jieba Tokenizer that shares the loaded base dictionary."""
    import copy

    import jieba

    global _BASE
    with _BASE_LOCK:
        if _BASE is None:
            jieba.setLogLevel(60)
            base = jieba.Tokenizer()
            base.tmp_dir = None
            base.initialize()
            _BASE = base
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ = copy.copy(_BASE.FREQ)
        tokenizer.total = _BASE.total
        tokenizer.initialized = True
        return tokenizer
