"""Pain-focused goals as people say them: is the aim of a goal less or no pain (or another symptom)?

Table 1, component 1, Why: "To reduce focus on pain-goals." The words live in the protocol pack
([guidance.pain_focus], one set per language); this module only cuts a goal into words and matches them, so a clinic
that translates the pack changes what is recognised without touching code. Content layer: no UI, no I/O.

A goal is pain-focused when, within one part of it, a pain word (`pain_words`: "pain", "aching", "stiff", …) comes
near an aim cue (`aims`: "gone", "less", "get rid of", "without", …) or a numeric target (`numeric`: "# / #",
"from # to #"), or a score word ("VAS", "score") comes near an aim cue ("VAS under 30"), no more than `window` words
apart, and no concession (`concessions`: "even if", "despite", "pain or no pain", "fear of", …) governs the pain
word: a concession governs the pain words inside it and after it in the same part. Parts end at . , ; ! ? and
before a `breaks` word ("when", "if", "because"), so "lie down less when my back aches" is about lying down.
Words inside an `ignore` phrase ("pain medication", "lower back") are neither pain words nor aims there.
`phrases` are pain-focused wherever no concession governs them: what the lists cannot say without catching too
much ("out of pain"), and all that packs before 1.2.0 had.

Mini-syntax of every entry (checked at load by `pattern_problem`): words as patients write them, matched whole
and case-insensitively, accents optional ("nao" finds "não"); `*` in a word stands for any letters ("*schmerz*",
"dolorid*"), so a stem never needs a regular expression; `#` (numeric entries only) stands for a number (3, 7.5,
8,5); / < > % ≤ ≥ = match themselves; hyphens and quotes separate words ("pain-free" is "pain free").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# one token of a goal: a number, a word (letters, with inner apostrophes: "don't"), a symbol of a score, or a stop
# that ends a part; anything else (spaces, hyphens, quotes, brackets, colons) only separates words
_TOKEN = re.compile(
    r"(?P<n>\d+(?:[.,]\d+)?)|(?P<w>[^\W\d_]+(?:['’][^\W\d_]+)*)|(?P<s>[/<>%≤≥=])|(?P<stop>[.,;!?…\n\r])"
)
# one token of a pack entry: the same, with `*` inside words and `#` for a number; `bad` is any other visible
# character, which the loader refuses (a goal's tokens could never hold it)
_ENTRY = re.compile(
    r"(?P<hash>#)|(?P<n>\d+(?:[.,]\d+)?)|(?P<w>(?:[^\W\d_]|\*)+(?:['’](?:[^\W\d_]|\*)+)*)|(?P<s>[/<>%≤≥=])"
    r"|(?P<stop>[.,;!?…])|(?P<bad>[^\s\-‐‑‒–—'\"“”‘’«»„()\[\]{}:_])"
)
# the word lists of [guidance.pain_focus]: a pack has `pain_words` and `aims`, or `phrases` (all a pack before 1.2.0
# had), or all three
LISTS = ("phrases", "pain_words", "score_words", "aims", "numeric", "concessions", "breaks", "ignore")
MAX_WINDOW = 12
MAX_TEXT = 1000  # a goal is a line; of a longer text (a pasted letter) only the start is read: typing stays quick
JOIN_GAP = 2  # a match shows the goal's words from cue to pain word when at most this many lie between them


def _norm(word: str) -> str:
    """A word as matched: accents dropped, case folded, one apostrophe."""
    decomposed = unicodedata.normalize("NFKD", word.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@dataclass(frozen=True)
class _Token:
    kind: str  # "n" number, "w" word, "s" symbol
    norm: str
    start: int  # character offsets in the goal's text
    end: int


@dataclass(frozen=True)
class _Span:
    start: int  # token indexes within a segment, end exclusive
    end: int

    def gap(self, other: _Span) -> int:
        """How many tokens lie between two spans (0 when they touch or overlap)."""
        return max(other.start - self.end, self.start - other.end, 0)

    def within(self, other: _Span) -> bool:
        return other.start <= self.start and self.end <= other.end

    def overlaps(self, other: _Span) -> bool:
        return self.start < other.end and other.start < self.end


def _tokens(text: str) -> list[list[_Token]]:
    """The goal's tokens, in segments split at the stops."""
    segments: list[list[_Token]] = [[]]
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or ""
        if kind == "stop":
            if segments[-1]:
                segments.append([])
            continue
        norm = m.group().replace(",", ".") if kind == "n" else _norm(m.group())
        segments[-1].append(_Token(kind, norm, m.start(), m.end()))
    return [s for s in segments if s]


def pattern_problem(entry: str, *, numeric: bool = False) -> str:
    """Why a pack entry could never match (empty when it is fine): one short clause for the loader's error."""
    tokens = []
    for m in _ENTRY.finditer(entry):
        kind = m.lastgroup or ""
        if kind == "stop":
            return f"{m.group()!r} ends a part of a goal, so it cannot be inside an entry"
        if kind == "bad":
            return f"{m.group()!r} is not matched in goals: use words, * in a word, # for a number, / < > % ≤ ≥ ="
        if kind == "hash" and not numeric:
            return "# (a number) belongs in numeric entries only"
        tokens.append((kind, m.group()))
    if not tokens:
        return "has no word to match"
    if numeric and not any(kind == "hash" for kind, _ in tokens):
        return "a numeric entry needs # where the number goes (e.g. '# / 10')"
    if all(kind == "w" and set(text) == {"*"} for kind, text in tokens):
        return "'*' alone would match every word"
    return ""


class _Pattern:
    """One compiled pack entry: a sequence of token tests."""

    def __init__(self, entry: str):
        self.tests: list[tuple[str, str | re.Pattern[str]]] = []
        for m in _ENTRY.finditer(entry):
            kind, text = m.lastgroup or "", m.group()
            if kind == "hash":
                self.tests.append(("#", ""))
            elif kind == "n":
                self.tests.append(("n", text.replace(",", ".")))
            elif kind == "w" and "*" in text:
                pieces = (re.escape(_norm(p)) for p in text.split("*"))
                self.tests.append(("w*", re.compile(".*".join(pieces), re.S)))
            elif kind in ("w", "s"):
                self.tests.append((kind, _norm(text)))

    def match_at(self, tokens: Sequence[_Token], i: int) -> int:
        """The end of this pattern's match starting at token `i`, or -1."""
        if i + len(self.tests) > len(tokens):
            return -1
        for (kind, want), token in zip(self.tests, tokens[i:], strict=False):
            if kind == "#":
                ok = token.kind == "n"
            elif kind == "n":
                ok = token.kind == "n" and _same_number(token.norm, str(want))
            elif kind == "w*":
                ok = token.kind == "w" and isinstance(want, re.Pattern) and want.fullmatch(token.norm) is not None
            else:
                ok = token.kind == kind and token.norm == want
            if not ok:
                return -1
        return i + len(self.tests)


def _same_number(a: str, b: str) -> bool:
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


class _PatternSet:
    """Entries of one pack list, indexed by their first token so a goal's token is tried against few of them."""

    def __init__(self, entries: Iterable[str]):
        self.by_first: dict[str, list[_Pattern]] = {}  # an exact first word or symbol
        self.by_kind: dict[str, list[_Pattern]] = {"w": [], "n": [], "s": []}  # a first word with *, or a number
        for entry in entries:
            pattern = _Pattern(entry)
            kind = pattern.tests[0][0]
            if kind in ("w", "s"):
                self.by_first.setdefault(str(pattern.tests[0][1]), []).append(pattern)
            else:
                self.by_kind["w" if kind == "w*" else "n"].append(pattern)

    def find(self, tokens: Sequence[_Token], lo: int = 0, hi: int | None = None) -> list[_Span]:
        """Every match in tokens[lo:hi]: the longest at each start."""
        hi = len(tokens) if hi is None else hi
        part = tokens[:hi]
        spans = []
        for i in range(lo, hi):
            tried = (*self.by_first.get(tokens[i].norm, ()), *self.by_kind[tokens[i].kind])
            if tried and (end := max(p.match_at(part, i) for p in tried)) > i:
                spans.append(_Span(i, end))
        return spans


class PainMatcher:
    """The pack's pain-focus lists, compiled once; `find(goal)` is what the app calls on every keystroke."""

    def __init__(
        self,
        *,
        pain_words: Sequence[str] = (),
        score_words: Sequence[str] = (),
        aims: Sequence[str] = (),
        numeric: Sequence[str] = (),
        concessions: Sequence[str] = (),
        breaks: Sequence[str] = (),
        ignore: Sequence[str] = (),
        phrases: Sequence[str] = (),
        window: int = 5,
    ):
        self.pain, self.score, self.aims = _PatternSet(pain_words), _PatternSet(score_words), _PatternSet(aims)
        self.numeric, self.concessions = _PatternSet(numeric), _PatternSet(concessions)
        self.breaks, self.ignore, self.phrases = _PatternSet(breaks), _PatternSet(ignore), _PatternSet(phrases)
        self.window = window

    def find(self, text: str) -> tuple[str, ...]:
        """The goal's words that make it pain-focused ("pain gone", "pain … disappear"), in its order; none if not."""
        text = unicodedata.normalize("NFC", text[:MAX_TEXT])
        hits = [hit for segment in _tokens(text) for hit in self._segment(segment)]
        shown = {(h[0][0], h[-1][1]): " … ".join(text[a:b] for a, b in h) for h in hits}
        # a match inside a wider one says nothing more ("no pain" inside "no pain or stiffness")
        keep = [k for k in shown if not any(o != k and o[0] <= k[0] and k[1] <= o[1] for o in shown)]
        return tuple(shown[k] for k in sorted(keep))

    def _segment(self, tokens: list[_Token]) -> list[tuple[tuple[int, int], ...]]:
        """The matches in one segment, each as the character ranges to show (one, or two with … between)."""
        concessions = self.concessions.find(tokens)
        ignored = self.ignore.find(tokens)

        def free(spans: list[_Span]) -> list[_Span]:
            """Without the words of an ignored phrase ("pain medication", "lower back")."""
            return [s for s in spans if not any(s.overlaps(x) for x in ignored)]

        cuts = [s.start for s in self.breaks.find(tokens) if not any(s.overlaps(c) for c in concessions)]

        def chars(*spans: _Span) -> tuple[int, int]:
            """Where the spans are in the text, with a number and its / or % just after ("VAS under 30")."""
            end = max(s.end for s in spans)
            if end < len(tokens) and tokens[end].kind == "n":
                while end < len(tokens) and tokens[end].kind in ("n", "s"):
                    end += 1
            return tokens[min(s.start for s in spans)].start, tokens[end - 1].end

        hits: list[tuple[tuple[int, int], ...]] = []
        for lo, hi in zip([0, *cuts], [*cuts, len(tokens)], strict=True):
            here = [c for c in concessions if lo <= c.start < hi]

            def governed(span: _Span, here: list[_Span] = here) -> bool:
                return any(c.start <= span.start for c in here)

            aims = [a for a in free(self.aims.find(tokens, lo, hi)) if not any(a.within(c) for c in concessions)]
            numbers = self.numeric.find(tokens, lo, hi)
            pairs = [(p, aims + numbers) for p in free(self.pain.find(tokens, lo, hi))]
            pairs += [(s, aims) for s in free(self.score.find(tokens, lo, hi))]
            for said, cues in pairs:
                near = [c for c in cues if said.gap(c) <= self.window]
                if not near or governed(said):
                    continue
                cue = min(near, key=lambda c: (said.gap(c), c.start))
                if said.gap(cue) <= JOIN_GAP:
                    hits.append((chars(said, cue),))
                else:  # far apart: each end whole, with … between ("pain … gone")
                    hits.append(tuple(chars(s) for s in sorted((said, cue), key=lambda s: s.start)))
            hits += [(chars(p),) for p in self.phrases.find(tokens, lo, hi) if not governed(p)]
        return hits
