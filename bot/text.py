"""Rendering results as terminal text (pure functions; the CLI prints what they return)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from search.brief import Brief
from search.digest import Digest
from search.evaluate import EvalResult
from search.language import language_name
from search.models import Passage, SearchResult, SourceInfo
from search.store import Feed


def moment(when: dt.datetime) -> str:
    """``when`` in its own offset: "2025-06-01 09:00 UTC", "2025-06-01 09:00 +09:00" (naive means UTC)."""
    offset = when.utcoffset()
    if not offset:
        return f"{when:%Y-%m-%d %H:%M} UTC"
    return f"{when:%Y-%m-%d %H:%M} {when.isoformat()[-6:]}"


def _byline(title: str, outlet: str | None, published: object | None) -> str:
    return " · ".join(str(part) for part in (title, outlet, published) if part)


def search_text(result: SearchResult) -> str:
    if not result.hits:
        return result.message or "No results."
    lines = [f"{len(result.hits)} result(s) for: {result.query}", ""]
    for hit in result.hits:
        lines.append(f"[{hit.rank}] {_byline(hit.title, hit.outlet, hit.published)}  (score {hit.score:.3f})")
        matched = ", ".join(hit.matched_terms)
        lines.append(f"    {hit.passage_id}" + (f" · matched: {matched}" if matched else ""))
        lines.append(f"    {hit.snippet}")
        if hit.url:
            lines.append(f"    {hit.url}")
        lines.append("")
    return "\n".join(lines).rstrip()


def sources_text(sources: list[SourceInfo]) -> str:
    if not sources:
        return "The library is empty: add documents to the sources directory and run `briefbot index`."
    lines = [f"{len(sources)} source(s)", ""]
    for s in sources:
        lines.append(f"{s.source_id}  {_byline(s.title, s.outlet, s.published)}")
        details = f"    {s.passages} passages, {s.words:,} words, {language_name(s.language)}"
        lines.append(details + (f" · {s.url}" if s.url else ""))
    return "\n".join(lines)


def brief_text(brief: Brief) -> str:
    if not brief.sentences:
        lines = [brief.message or "Nothing to brief."]
        if brief.suggestions:
            lines.append("Try: " + "; ".join(brief.suggestions))
        return "\n".join(lines)
    lines = [f"Brief: {brief.topic}", ""]
    for sentence in brief.sentences:
        lines.append(sentence.text + " " + " ".join(f"[{n}]" for n in sentence.citations))
    lines += ["", "Sources"]
    for c in brief.citations:
        lines.append(f"[{c.n}] {_byline(c.title, c.outlet, c.published)} · {c.passage_id}")
        if c.url:
            lines.append(f"    {c.url}")
    return "\n".join(lines)


def source_text(info: SourceInfo, passages: list[Passage], summary: Brief) -> str:
    lines = [info.title, ""]
    for label, value in (
        ("id", info.source_id),
        ("outlet", info.outlet),
        ("author", info.author),
        ("published", info.published),
        ("link", info.url),
        ("format", info.format),
        ("language", language_name(info.language)),
    ):
        if value:
            lines.append(f"{label:>10}: {value}")
    lines.append(f"{'passages':>10}: {info.passages} ({info.words:,} words)")
    d = info.dropped
    lines.append(
        f"{'cleaning':>10}: dropped {d.boilerplate_lines} boilerplate, {d.duplicate_lines} duplicate, "
        f"{d.tail_lines} trailing and {d.metadata_lines} metadata lines"
    )
    if summary.sentences:
        lines += ["", "Summary: " + " ".join(s.text for s in summary.sentences)]
    for passage in passages:
        lines += [
            "",
            f"[{passage.passage_id}]" + (f" ({passage.heading})" if passage.heading else ""),
            passage.text,
        ]
    return "\n".join(lines)


def eval_text(result: EvalResult) -> str:
    return "\n".join(
        [
            f"queries      {result.queries}",
            f"MAP          {result.map:.4f}",
            f"nDCG@10      {result.ndcg_10:.4f}",
            f"P@5          {result.p_5:.4f}",
            f"Recall@100   {result.recall_100:.4f}",
        ]
    )


def digest_text(digest: Digest) -> str:
    since = f" since {moment(digest.since)}" if digest.since else ""
    if digest.empty:
        return f"Nothing new in the library{since}."
    lines = [f"{len(digest.items)} new source(s){since}", ""]
    for item in digest.items:
        lines.append(f"* {_byline(item.title, item.outlet, item.published)}  [{item.source_id}]")
        lines += [f"    {sentence}" for sentence in item.summary]
        if item.url:
            lines.append(f"    {item.url}")
        for ref in item.also:
            lines.append(f"    also: {_byline(ref.title, ref.outlet, None)}" + (f" {ref.url}" if ref.url else ""))
    for topic in digest.topics:
        lines += ["", f"Topic: {topic.topic}"]
        lines += [f"    [{p.passage_id}] {p.snippet}" for p in topic.passages] or ["    nothing new"]
    return "\n".join(lines)


def health_text(sources: list[SourceInfo], feeds: list[Feed], skipped: Sequence[tuple[str, str]] = ()) -> str:
    lines = [f"{'source':<28} {'passages':>8} {'boilerplate':>11} {'duplicate':>9} {'trailing':>8}  dated"]
    for s in sources:
        d = s.dropped
        lines.append(
            f"{s.source_id[:28]:<28} {s.passages:>8} {d.boilerplate_lines:>11} {d.duplicate_lines:>9} "
            f"{d.tail_lines:>8}  {'yes' if s.published else 'no'}"
        )
    if skipped:
        lines += ["", f"Skipped {len(skipped)} file(s):"] + [f"  {name}: {reason}" for name, reason in skipped]
    lines += ["", feeds_text(feeds)]
    return "\n".join(lines)


def feeds_text(feeds: list[Feed]) -> str:
    if not feeds:
        return "No feeds followed."
    lines = []
    for f in feeds:
        polled = f"{f.last_poll:%Y-%m-%d %H:%M}" if f.last_poll else "never"
        lines.append(
            f"#{f.id} {f.url} · {f.items} items · last poll {polled}"
            + (f" · error: {f.last_error}" if f.last_error else "")
        )
    return "\n".join(lines)
