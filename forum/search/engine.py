"""Searching: the query's terms, the backend's candidates, ranking, grouping per thread,
snippets. The same for every backend."""

import functools
import html
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from config import rawrows
from forum import access
from forum.models import Post, Thread
from forum.search.backends import Candidate, Filters, Term, get_backend
from forum.search.text import MIN_PREFIX_CHARS, STOP_WORDS, tokens, words

MAX_QUERY_CHARS = 200  # longer queries are cut here (the page says so)
MAX_TERMS = 24
# Posts the backend returns for ranking, at most (in tiers, see forum/search/backends.py):
# the result count stops at the threads they hold. Similar questions show five, and
# answer each keystroke: half as many.
CANDIDATES = 400
SIMILAR_CANDIDATES = 200
SNIPPET_CHARS = 220
SNIPPET_SOURCE_CHARS = 4_000  # a snippet is looked for in a post's first this many characters

# Ranking weights (see _rank): how much of the query a thread covers dominates, then
# title matches, relevance (BM25 over the candidates, see _relevance), solved threads,
# answers from the support team or accepted by the asker, and recency last.
_COVERAGE, _TITLE, _RELEVANCE, _SOLVED, _ANSWER, _RECENCY = 4.0, 2.0, 0.8, 0.6, 0.4, 0.2


@dataclass(frozen=True)
class Query:
    """What was searched: the text (cut at MAX_QUERY_CHARS), and its terms grouped in
    units, one per word of the query (a Chinese word with the sub-words jieba found in
    it makes one unit: finding the sub-words counts as finding part of the word)."""

    text: str
    units: tuple[tuple[Term, ...], ...]
    is_shortened: bool = False

    @property
    def terms(self) -> list[Term]:
        return list(dict.fromkeys(term for unit in self.units for term in unit))

    def coverage(self, words: set[str] | frozenset[str]) -> float:
        """The share of the query's units found among `words`, 0 to 1."""
        if not self.units:
            return 0.0
        total = 0.0
        for unit in self.units:
            total += sum(_matches(term, words) for term in unit) / len(unit)
        return total / len(self.units)


def parse(text: str, *, prefix_last: bool = False) -> Query:
    """The query's terms. Hashes and addresses (letters and digits, eight or more, with a
    digit) are prefix terms; with `prefix_last`, so is the last word being typed."""
    text = " ".join(text.split())
    is_shortened = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    found = tokens(text)
    useful = [token for token in found if token.text not in _stop_words()]
    found = useful or found
    units: list[list[Term]] = []
    unit_end = -1
    for index, token in enumerate(found):
        is_prefix = (token.is_hashlike and len(token.text) >= MIN_PREFIX_CHARS) or (
            prefix_last
            and index == len(found) - 1
            and token.end == len(text)
            and token.text.isascii()
            and len(token.text) >= 3
        )
        term = Term(token.text, is_prefix)
        if units and token.start < unit_end:
            units[-1].append(term)
            unit_end = max(unit_end, token.end)
        else:
            units.append([term])
            unit_end = token.end
    deduped: list[tuple[Term, ...]] = []
    seen: set[Term] = set()
    for unit in units:
        fresh = tuple(dict.fromkeys(term for term in unit if term not in seen))
        if fresh:
            deduped.append(fresh)
            seen.update(fresh)
        if len(seen) >= MAX_TERMS:
            break
    return Query(text=text, units=tuple(deduped), is_shortened=is_shortened)


@functools.cache
def _stop_words() -> frozenset[str]:
    return frozenset(word for stop in STOP_WORDS for word in words(stop))


def _matches(term: Term, words: set[str] | frozenset[str]) -> bool:
    if term.text in words:
        return True
    return term.is_prefix and any(word.startswith(term.text) for word in words)


@dataclass
class Hit:
    """One thread found, with the post that matched best."""

    thread: Thread
    post: Post
    score: float
    is_title_match: bool
    title_html: SafeString = field(default_factory=lambda: mark_safe(""))
    snippet_html: SafeString = field(default_factory=lambda: mark_safe(""))

    @property
    def is_accepted_answer(self) -> bool:
        return self.thread.accepted_post_id == self.post.pk

    @property
    def is_staff_answer(self) -> bool:
        return not self.post.is_question and self.post.is_staff_answer


@dataclass
class Results:
    query: Query
    hits: list[Hit]
    total: int  # threads found (at most what CANDIDATES posts hold)
    is_total_capped: bool  # there may be more than `total`
    offset: int = 0
    limit: int = 20

    @property
    def has_next(self) -> bool:
        return self.offset + self.limit < self.total

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


@dataclass
class _Ranked:
    thread_id: int
    best: Candidate
    score: float
    is_title_match: bool


def search(
    query: str,
    *,
    user,
    filters: Filters | None = None,
    limit: int = 20,
    offset: int = 0,
    snippets: bool = True,
) -> Results:
    """Threads matching `query` that `user` may see, best first, one hit per thread.

    Three queries whatever the size of the forum: the backend's match, the page's
    threads with their categories and authors, and the posts that matched best.
    """
    parsed = parse(query)
    return _search(
        parsed,
        user=user,
        filters=filters,
        limit=limit,
        offset=offset,
        snippets=snippets,
        candidates=CANDIDATES,
    )


def similar(text: str, *, user, limit: int = 5) -> list[Hit]:
    """Threads like a question being typed (its title, then its body): the last word may
    be unfinished. No snippets, to stay cheap; the caller shows what it needs."""
    parsed = parse(text, prefix_last=True)
    return _search(
        parsed,
        user=user,
        filters=None,
        limit=limit,
        offset=0,
        snippets=False,
        candidates=SIMILAR_CANDIDATES,
    ).hits


def _search(parsed: Query, *, user, filters, limit, offset, snippets, candidates) -> Results:
    results = Results(
        query=parsed, hits=[], total=0, is_total_capped=False, offset=offset, limit=limit
    )
    if not parsed.units:
        return results
    candidates = get_backend().candidates(
        units=parsed.units,
        include_hidden=access.can_see_hidden(user),
        filters=filters or Filters(),
        limit=candidates,
    )
    ranked = _rank(parsed, candidates)
    results.total = len(ranked)
    results.is_total_capped = candidates.is_capped
    page = ranked[offset : offset + limit]
    if not page:
        return results
    threads = access.load_threads([item.thread_id for item in page])
    posts = _load_posts([item.best.post_id for item in page])
    for item in page:
        thread, post = threads.get(item.thread_id), posts.get(item.best.post_id)
        if thread is None or post is None:  # deleted since the match: skip it
            continue
        hit = Hit(thread=thread, post=post, score=item.score, is_title_match=item.is_title_match)
        hit.title_html = highlight(thread.title, parsed)
        if snippets:
            hit.snippet_html = snippet(post_text(post), parsed)
        results.hits.append(hit)
    return results


_HIT_POST = rawrows.Columns.of(
    Post, "p", ("thread_id", "number", "body_html", "posted_as", "is_hidden", "author_id")
)


def _load_posts(post_ids: list[int]) -> dict[int, Post]:
    """The hits' posts, with what a result shows of them, by one hand-written query."""
    rows = rawrows.read(
        f"SELECT {_HIT_POST.sql} FROM {_HIT_POST.table} "
        f"WHERE p.id IN ({', '.join(['%s'] * len(post_ids))})",
        post_ids,
        _HIT_POST,
    )
    return {post.pk: post for (post,) in rows}


def _rank(query: Query, candidates: Sequence[Candidate]) -> list[_Ranked]:
    """Group the candidates per thread and order the threads (weights above).

    Each candidate's words are counted once per query term (list.count, in C); coverage
    and relevance are computed from those counts, so ranking a few hundred candidates
    costs a few milliseconds."""
    if not candidates:
        return []
    terms = query.terms
    position_of = {term: position for position, term in enumerate(terms)}
    units = [[position_of[term] for term in unit] for unit in query.units]
    known: dict[int, float] = {}

    def coverage(mask: int) -> float:
        """The share of the query's units found, the terms found being `mask`'s bits
        (a few distinct masks among hundreds of candidates: each is computed once)."""
        found = known.get(mask)
        if found is None:
            found = known[mask] = sum(
                sum(1 for i in unit if mask >> i & 1) / len(unit) for unit in units
            ) / len(units)
        return found

    counts, lengths, masks, title_masks = [], [], [], []
    for candidate in candidates:
        words = _Words(candidate.body_words)
        title = _Words(candidate.title_words)
        in_title = [title.count(term) for term in terms] if title else [0] * len(terms)
        row = [words.count(term) + found for term, found in zip(terms, in_title, strict=True)]
        counts.append(row)
        lengths.append(words.length + title.length)
        masks.append(sum(1 << i for i, count in enumerate(row) if count))
        title_masks.append(sum(1 << i for i, count in enumerate(in_title) if count))
    relevance = _bm25(counts, lengths)
    top_relevance = max(relevance) or 1.0

    by_thread: dict[int, list[int]] = defaultdict(list)
    for position, candidate in enumerate(candidates):
        by_thread[candidate.thread_id].append(position)
    oldest, newest = min(by_thread), max(by_thread)  # ids grow with time
    ranked = []
    for thread_id, positions in by_thread.items():
        found_anywhere = found_in_title = 0
        best, best_key = positions[0], (-1.0, 0.0)
        has_answer = False
        for position in positions:
            found_anywhere |= masks[position]
            found_in_title |= title_masks[position]
            key = (coverage(masks[position]), relevance[position])
            if key > best_key:
                best, best_key = position, key
            row = candidates[position]
            has_answer = has_answer or row.is_accepted or row.is_staff_answer
        title_coverage = coverage(found_in_title)
        recency = (thread_id - oldest) / (newest - oldest) if newest > oldest else 1.0
        score = (
            _COVERAGE * coverage(found_anywhere)
            + _TITLE * title_coverage
            + _RELEVANCE * max(relevance[position] for position in positions) / top_relevance
            + _SOLVED * candidates[positions[0]].is_solved
            + _ANSWER * has_answer
            + _RECENCY * recency
        )
        ranked.append(_Ranked(thread_id, candidates[best], score, title_coverage > 0))
    ranked.sort(key=lambda item: (-item.score, -item.thread_id))
    return ranked


# BM25 over the candidates (the same on every backend), title and body words alike (the
# title has its own weight in _rank); document frequencies are the candidates' own,
# which is what telling these few hundred posts apart needs. Counting title words twice
# here as well put short titles with one query word above better matches (relevance set).
_K1, _B = 1.2, 0.75


def _bm25(counts: list[list[int]], lengths: list[int]) -> list[float]:
    """Each candidate's score from its count of each term and its length in words."""
    total = len(counts)
    average_length = sum(lengths) / total or 1.0
    idf = [
        math.log(1 + (total - found + 0.5) / (found + 0.5))
        for found in (sum(1 for row in counts if row[i]) for i in range(len(counts[0])))
    ]
    scores = []
    for row, length in zip(counts, lengths, strict=True):
        norm = _K1 * (1 - _B + _B * length / average_length)
        scores.append(
            sum(
                weight * count * (_K1 + 1) / (count + norm)
                for weight, count in zip(idf, row, strict=True)
                if count
            )
        )
    return scores


class _Words:
    """A candidate's words, counted per query term in C. The text is the index's
    (forum.search.text.index_text: words joined by single spaces, none holding a space).
    With every space doubled, a word is " word " and a prefix " prefix", and no two
    matches overlap, so str.count counts a term as the word and a prefix as the words
    that start with it. Splitting each candidate into a list and counting in it cost a
    question's bot reply 30-60 ms when the candidates were long posts (bench/abuse.py,
    "ask")."""

    __slots__ = ("_padded", "length")

    def __init__(self, text: str):
        self.length = text.count(" ") + 1 if text else 0
        self._padded = f" {text.replace(' ', '  ')} " if text else ""

    def __bool__(self) -> bool:
        return self.length > 0

    def count(self, term: Term) -> int:
        if not term.text:  # every word starts with nothing, and none is nothing
            return self.length if term.is_prefix else 0
        if term.is_prefix:
            return self._padded.count(f" {term.text}")
        return self._padded.count(f" {term.text} ")


def post_text(post: Post) -> str:
    """A post as the plain text a reader sees."""
    return " ".join(html.unescape(strip_tags(post.body_html)).split())


def highlight(text: str, query: Query) -> SafeString:
    """`text`, escaped, with the words the query found marked."""
    return _marked(text, _found_spans(text, query), 0, len(text))


def snippet(text: str, query: Query, *, size: int = SNIPPET_CHARS) -> SafeString:
    """About `size` characters of `text` around its first found word, escaped, marked."""
    spans = _found_spans(text[:SNIPPET_SOURCE_CHARS], query)
    start = max(0, spans[0][0] - size // 4) if spans else 0
    end = min(len(text), start + size)
    start = max(0, min(start, end - size))
    marked = _marked(text, spans, start, end)
    return mark_safe(("…" if start > 0 else "") + marked + ("…" if end < len(text) else ""))


def _found_spans(text: str, query: Query) -> list[tuple[int, int]]:
    terms = query.terms
    spans = sorted(
        (token.start, token.end)
        for token in tokens(text)
        if any(_matches(term, {token.text}) for term in terms)
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: list[tuple[int, int]], start: int, end: int) -> SafeString:
    """text[start:end], escaped, with the spans inside it in <mark>: user text is escaped
    first, and only our own tags are added."""
    parts, position = [], start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        parts.append(escape(text[position:span_start]))
        parts.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    parts.append(escape(text[position:end]))
    return mark_safe("".join(parts))
