"""The ``briefbot`` command line: every command of the bot, without Discord; ``--json`` for tools.

It acts as the operator (search.scopes): it sees and adds to the shared library. ``--server GUILD_ID`` (env
``BRIEFBOT_SERVER``) acts as that Discord server instead, to inspect or repair it; ``--all-servers`` reads
every server's sources too.

Exit codes: 0 done (an empty result included), 1 a clear failure (unknown source, missing directory),
2 bad arguments or settings (argparse prints the usage).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import math
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel

from bot import text
from bot.settings import Settings, load_settings, open_services
from search.brief import DEFAULT_SENTENCES, MAX_SENTENCES
from search.datadir import ReadOnlyError
from search.errors import USER_ERRORS
from search.evaluate import evaluate_collection
from search.export import export_to_file, write_export
from search.files import decode_text
from search.ingest import IngestError
from search.language import LANGUAGES
from search.library import MAX_LIMIT
from search.markup import terminal_json, terminal_safe
from search.rerank import Reranker, RerankUnavailable
from search.scopes import ALL_SERVERS, OPERATOR
from search.services import Services

FAILURES = (*USER_ERRORS, OSError, RerankUnavailable)  # OSError: a file the command was given
RERANK_HELP = (
    'rerank by meaning (needs the "semantic" extra; loading its model takes seconds; the bot reranks searches by '
    "default when the extra is installed)"
)
TEXT_SNIFF_BYTES = 64 * 1024

log = logging.getLogger("briefbot")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _moment(value: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date or time (YYYY-MM-DD or YYYY-MM-DDTHH:MM): {value!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _path(value: str) -> Path:
    """A file or directory argument; an empty one (``--data ""``, an unset shell variable) would mean the
    current directory without saying so."""
    if not value.strip():
        raise argparse.ArgumentTypeError("must not be empty")
    return Path(value)


def _limit(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_LIMIT}")
    return int(value)


def _sentences(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_SENTENCES:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_SENTENCES}")
    return int(value)


def _guild(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 2**63:
        raise argparse.ArgumentTypeError(f"not a Discord server id: {value!r}")
    return int(value)


def _number(low: float, high: float) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            number = math.nan
        if not low <= number <= high:  # also refuses nan
            raise argparse.ArgumentTypeError(f"must be a number from {low:g} to {high:g}")
        return number

    return parse


_k1 = _number(0, 10)
_b = _number(0, 1)


def _text_file(value: str) -> Path:
    """A text file: its first bytes are checked, so binary data is refused here, not mid-run (a missing file
    is reported when the command runs)."""
    path = Path(value)
    try:
        with open(path, "rb") as file:
            head = file.read(TEXT_SNIFF_BYTES)
    except OSError:
        return path
    try:
        decode_text(head)
    except IngestError as error:
        raise argparse.ArgumentTypeError(f"{value}: {error}") from None
    return path


def build_parser() -> argparse.ArgumentParser:
    # Shared options may come before or after a command (or a feed action): SUPPRESS keeps a later parser's
    # default from overwriting a value given earlier; main() fills in what was not given.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON instead of text")
    common.add_argument(
        "--seeds", type=_path, metavar="DIR", default=argparse.SUPPRESS, help="sources directory (env SEEDS_DIR)"
    )
    common.add_argument(
        "--data", type=_path, metavar="DIR", default=argparse.SUPPRESS, help="data directory (env DATA_DIR)"
    )
    whose = common.add_mutually_exclusive_group()
    whose.add_argument(
        "--server",
        type=_guild,
        metavar="GUILD_ID",
        default=argparse.SUPPRESS,
        help="act as this Discord server (env BRIEFBOT_SERVER); default: the operator",
    )
    whose.add_argument(
        "--all-servers", action="store_true", default=argparse.SUPPRESS, help="read every server's sources too"
    )

    parser = argparse.ArgumentParser(
        prog="briefbot", description="A research desk: search and brief your sources.", parents=[common]
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("run", parents=[common], help="start the Discord bot (needs DISCORD_TOKEN)")
    index = commands.add_parser("index", parents=[common], help="parse new or changed files and update the index")
    index.add_argument("--rebuild", action="store_true", help="rebuild the index from the stored texts")

    search = commands.add_parser("search", parents=[common], help="ranked passages for a query")
    search.add_argument("query", help='words to look for; "quoted phrases" must match exactly')
    search.add_argument("--limit", type=_limit, default=5, help=f"how many results (1-{MAX_LIMIT}, default 5)")
    search.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    search.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="published on or after")
    search.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help="published on or before")
    search.add_argument("--language", choices=list(LANGUAGES), help="only sources in this language")
    search.add_argument("--rerank", action="store_true", help=RERANK_HELP)

    brief = commands.add_parser("brief", parents=[common], help="a briefing of verbatim, cited sentences")
    brief.add_argument("topic", help="what the briefing is about")
    brief.add_argument(
        "--sentences",
        type=_sentences,
        default=DEFAULT_SENTENCES,
        help=f"1-{MAX_SENTENCES}, default {DEFAULT_SENTENCES}",
    )
    brief.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    brief.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="published on or after")
    brief.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help="published on or before")

    sources = commands.add_parser("sources", parents=[common], help="list the library")
    sources.add_argument("--status", action="store_true", help="health: what cleaning dropped; feeds' last polls")

    ingest = commands.add_parser("ingest", parents=[common], help="add a web page to the library")
    ingest.add_argument("url", help="the page's http(s) address")

    feed = commands.add_parser("feed", parents=[common], help="feeds the library follows")
    feed_actions = feed.add_subparsers(dest="action", required=True, metavar="ACTION")
    feed_actions.add_parser("add", parents=[common], help="follow a feed").add_argument(
        "url", help="an RSS, Atom or WordPress REST address"
    )
    feed_actions.add_parser("list", parents=[common], help="the feeds followed")
    feed_actions.add_parser("remove", parents=[common], help="stop following a feed").add_argument(
        "id", type=int, help="the feed's number (see feed list)"
    )
    feed_actions.add_parser("poll", parents=[common], help="poll the scope's feeds now")

    digest = commands.add_parser("digest", parents=[common], help="what a digest would post now")
    digest.add_argument("--since", type=_moment, metavar="WHEN", help="new since (default: 24 hours ago)")
    digest.add_argument("--topics", default="", help="comma-separated topics")
    source = commands.add_parser(
        "source",
        parents=[common],
        help="one source: metadata and passages; `source remove ID` removes an added one",
        usage="briefbot source [options] ID | briefbot source [options] remove ID",
    )
    source.add_argument("source_id", metavar="ID", help="the source's id (see sources)")
    source.add_argument("removed_id", nargs="?", help=argparse.SUPPRESS)

    export = commands.add_parser("export", parents=[common], help="the whole library as JSON Lines")
    export.add_argument("--out", type=_path, metavar="FILE", help="write to FILE (atomically) instead of stdout")

    evaluation = commands.add_parser("eval", parents=[common], help="score the engine on a SMART test collection")
    evaluation.add_argument("--docs", type=_text_file, required=True, metavar="FILE", help="documents (.I/.T/.W)")
    evaluation.add_argument("--queries", type=_text_file, required=True, metavar="FILE", help="queries (.I/.W)")
    evaluation.add_argument(
        "--qrels", type=_text_file, required=True, metavar="FILE", help="judgments: query, document, code per line"
    )
    evaluation.add_argument("--k1", type=_k1, default=1.2, help="BM25 term saturation, 0-10 (default 1.2)")
    evaluation.add_argument("--b", type=_b, default=0.75, help="BM25 length normalisation, 0-1 (default 0.75)")
    evaluation.add_argument("--rerank", action="store_true", help=RERANK_HELP)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, default in (("json", False), ("seeds", None), ("data", None), ("server", None), ("all_servers", False)):
        vars(args).setdefault(name, default)
    if problem := _argument_problem(args):
        parser.error(problem)  # usage and exit code 2, as for any other bad argument
    if args.command == "run":
        from bot.__main__ import main as run_bot

        return run_bot(seeds_dir=args.seeds, data_dir=args.data)
    settings = load_settings()
    if settings is None:
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    try:
        return _run(args, settings)
    except BrokenPipeError:  # the reader went away (briefbot ... | head): not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - stays open until exit, so the final flush is quiet
        return 0
    except FAILURES as error:
        reason = _failure_text(error)
        print(terminal_safe(f"briefbot: {reason}"), file=sys.stderr)
        if args.json:  # a tool reading stdout gets the reason too
            try:
                print(terminal_json({"error": reason}), flush=True)
            except OSError:  # stdout itself failed (a full disk): the reason is on stderr
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - as above
        return 1


def _failure_text(error: Exception) -> str:
    """A failure in one line: an OS error as "reason: file", anything else as its message."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.filename}: {error.strerror}" if error.filename else error.strerror
    return str(error.args[0] if error.args else error)


QUICK_SCAN_COMMANDS = {"search", "brief", "source", "sources", "export"}  # they only read: see Library._scan


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "eval":
        for path in (args.docs, args.queries, args.qrels):
            if not path.is_file():
                raise FileNotFoundError(f"{'not a file' if path.exists() else 'file not found'}: {path}")
        reranker = Reranker() if args.rerank else None
        if reranker and not reranker.ready():
            raise RerankUnavailable('--rerank needs the "semantic" extra: pip install -e ".[semantic]"')
        result = evaluate_collection(
            args.docs, args.queries, args.qrels, k1=args.k1, b=args.b, reranker=reranker, progress=args.rerank
        )
        return _emit(args, result, text.eval_text(result))

    reranks = getattr(args, "rerank", False) or (args.command == "search" and settings.rerank == "on")
    services = open_services(
        settings,
        seeds_dir=args.seeds,
        data_dir=args.data,
        progress=args.command == "index",
        force_rebuild=args.command == "index" and args.rebuild,
        quick_scan=args.command in QUICK_SCAN_COMMANDS,
        reranker=Reranker() if reranks else None,
    )
    library = services.library
    server = args.server if args.server is not None else settings.briefbot_server
    args.owner = server or OPERATOR  # who adds and removes
    args.scope = ALL_SERVERS if args.all_servers else args.owner  # whose sources are read
    if args.command == "index":
        if library.read_only:  # it was served as it is: nothing new could be indexed or saved
            raise ReadOnlyError(library.data_dir)
        library.save_index()
        manifest = library.index.manifest()
        summary = {
            "sources": len(library.corpus.sources),
            "passages": len(library.corpus.passages),  # live ones: removed sources' wait for compaction
            "terms": manifest["terms"],
            "skipped": [{"file": name, "reason": reason} for name, reason in library.corpus.skipped],
            "index": str(library.index_dir),
        }
        message = (
            f"Indexed {summary['sources']} sources, {summary['passages']} passages, {summary['terms']} terms "
            f"into {summary['index']}"
            + (f"; skipped {len(library.corpus.skipped)} file(s)" if library.corpus.skipped else "")
        )
        return _emit(args, summary, message)
    if args.command == "search":
        result = library.search(
            args.query,
            limit=args.limit,
            sources=args.source,
            since=args.since,
            until=args.until,
            language=args.language,
            scope=args.scope,
        )
        return _emit(args, result, text.search_text(result))
    if args.command == "brief":
        brief = library.brief(
            args.topic,
            sentences=args.sentences,
            sources=args.source,
            since=args.since,
            until=args.until,
            scope=args.scope,
        )
        return _emit(args, brief, text.brief_text(brief))
    if args.command == "sources":
        sources = library.sources(scope=args.scope)
        payload = {"sources": [s.model_dump(mode="json") for s in sources]}
        if not args.status:
            return _emit(args, payload, text.sources_text(sources))
        feeds = asyncio.run(services.feeds.followed(args.scope))
        payload["feeds"] = _feeds_json(feeds)
        payload["skipped"] = [{"file": name, "reason": reason} for name, reason in library.corpus.skipped]
        return _emit(args, payload, text.health_text(sources, feeds, library.corpus.skipped))
    if args.command in ("ingest", "feed"):
        return _grow(args, services)
    if args.command == "digest":
        digest = asyncio.run(services.digests.preview(args.topics, since=args.since, scope=args.scope))
        return _emit(args, digest, text.digest_text(digest))
    if args.command == "source" and args.removed_id is not None:
        source = asyncio.run(services.pages.remove(args.removed_id, args.owner))
        return _emit(args, {"removed": source.source_id}, f"Removed {source.source_id}: {source.display_title}")
    if args.command == "export":
        if args.out is None:
            write_export(library, sys.stdout, args.scope)
            return 0
        sources, passages = export_to_file(library, args.out, args.scope)
        return _emit(
            args,
            {"file": str(args.out), "sources": sources, "passages": passages},
            f"Exported {sources} sources, {passages} passages to {args.out}",
        )
    if args.command == "source":
        info = library.source_info(args.source_id, scope=args.scope)
        passages = library.passages_of(args.source_id, scope=args.scope)
        summary = library.summary(args.source_id, scope=args.scope)
        payload = {
            "source": info.model_dump(mode="json"),
            "summary": summary.model_dump(mode="json"),
            "passages": [p.model_dump(mode="json") for p in passages],
        }
        return _emit(args, payload, text.source_text(info, passages, summary))
    raise AssertionError(f"unhandled command {args.command}")


def _grow(args: argparse.Namespace, services: Services) -> int:
    """ingest and feed: network work in one event loop; the index is saved afterwards."""
    library = services.library
    if args.command == "ingest":
        info = asyncio.run(services.pages.ingest(args.url, args.owner))
        library.save_index()
        return _emit(args, info, f"Added {info.source_id}: {info.title} ({info.passages} passages)")
    if args.action == "add":
        result = asyncio.run(services.feeds.follow(args.url, "cli", args.owner))
        library.save_index()
        return _emit(
            args,
            {"feed": result.feed.id, "new": result.new},
            f"Following feed #{result.feed.id}: {result.new} new item(s) added",
        )
    if args.action == "poll":
        results = asyncio.run(services.feeds.poll_due(every=True, scope=args.scope))
        library.save_index()
        rows = [{"feed": r.feed.id, "url": r.feed.url, "new": r.new, "error": r.error} for r in results]
        plain = "\n".join(f"#{r['feed']} {r['url']}: {r['error'] or str(r['new']) + ' new'}" for r in rows)
        return _emit(args, {"polled": rows}, plain or "No feeds followed.")
    if args.action == "remove":
        if not asyncio.run(services.feeds.unfollow(args.id, args.owner)):
            whose = f"server {args.owner}" if args.owner else "the operator"
            raise FileNotFoundError(f"{whose} follows no feed #{args.id}")
        return _emit(args, {"removed": args.id}, f"Stopped following feed #{args.id}")
    feeds = asyncio.run(services.feeds.followed(args.scope))
    return _emit(args, {"feeds": _feeds_json(feeds)}, text.feeds_text(feeds))


def _argument_problem(args: argparse.Namespace) -> str | None:
    """What argparse cannot check: options that exclude each other, and the two forms of ``source``."""
    if args.all_servers and args.server is not None:
        return "give --server or --all-servers, not both"
    if args.all_servers and _writes(args):
        return "--all-servers only reads; give --server GUILD_ID to act as a server"
    if args.command == "source" and args.removed_id is not None and args.source_id != "remove":
        return "give one source id, or `source remove ID` to remove an added source"
    return None


def _writes(args: argparse.Namespace) -> bool:
    """Whether the command adds or removes something (it then needs one owner)."""
    return (
        args.command == "ingest"
        or (args.command == "feed" and args.action in ("add", "remove"))
        or (args.command == "source" and args.removed_id is not None)
    )


def _feeds_json(feeds: list) -> list[dict]:
    """Feeds as JSON-ready dicts (datetimes as ISO strings)."""
    return [{k: v.isoformat() if isinstance(v, dt.datetime) else v for k, v in f.model_dump().items()} for f in feeds]


def _emit(args: argparse.Namespace, payload: BaseModel | dict, plain: str) -> int:
    if args.json:
        data = payload.model_dump(mode="json", by_alias=True) if isinstance(payload, BaseModel) else payload
        print(terminal_json(data))
    else:
        print(terminal_safe(plain))
    return 0


if __name__ == "__main__":
    sys.exit(main())
