"""The ``briefbot`` command line: every command of the bot, without Discord; ``--json`` for tools.

Exit codes: 0 done (an empty result included), 1 a clear failure (unknown source, missing directory),
2 bad arguments or settings (argparse prints the usage).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from bot import text
from bot.settings import Settings
from search.brief import DEFAULT_SENTENCES, MAX_SENTENCES
from search.evaluate import evaluate_collection
from search.library import MAX_LIMIT, Library, UnknownSourceError

log = logging.getLogger("briefbot")


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from None


def _limit(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_LIMIT}")
    return int(value)


def _sentences(value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= MAX_SENTENCES:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to {MAX_SENTENCES}")
    return int(value)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", help="print JSON instead of text")
    common.add_argument("--seeds", type=Path, metavar="DIR", help="sources directory (env SEEDS_DIR)")
    common.add_argument("--data", type=Path, metavar="DIR", help="data directory (env DATA_DIR)")

    parser = argparse.ArgumentParser(prog="briefbot", description="A research desk: search and brief your sources.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)")
    commands.add_parser("index", parents=[common], help="(re)build the search index")

    search = commands.add_parser("search", parents=[common], help="ranked passages for a query")
    search.add_argument("query", help='words to look for; "quoted phrases" must match exactly')
    search.add_argument("--limit", type=_limit, default=5, help=f"how many results (1-{MAX_LIMIT}, default 5)")
    search.add_argument("--source", action="append", metavar="ID", help="only this source (repeatable)")
    search.add_argument("--since", type=_date, metavar="YYYY-MM-DD", help="published on or after")
    search.add_argument("--until", type=_date, metavar="YYYY-MM-DD", help="published on or before")

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

    commands.add_parser("sources", parents=[common], help="list the library")
    source = commands.add_parser("source", parents=[common], help="one source: metadata and passages")
    source.add_argument("source_id", metavar="ID")

    evaluation = commands.add_parser("eval", parents=[common], help="score the engine on a SMART test collection")
    evaluation.add_argument("--docs", type=Path, required=True, metavar="FILE")
    evaluation.add_argument("--queries", type=Path, required=True, metavar="FILE")
    evaluation.add_argument("--qrels", type=Path, required=True, metavar="FILE")
    evaluation.add_argument("--k1", type=float, default=1.2)
    evaluation.add_argument("--b", type=float, default=0.75)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        from bot.__main__ import main as run_bot

        return run_bot()
    try:
        settings = Settings()
    except ValidationError as error:
        fields = ", ".join(str(e["loc"][0]).upper() for e in error.errors())
        print(f"briefbot: invalid setting(s) in the environment or .env: {fields}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    try:
        return _run(args, settings)
    except (UnknownSourceError, FileNotFoundError) as error:
        print(f"briefbot: {error.args[0] if error.args else error}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "eval":
        for path in (args.docs, args.queries, args.qrels):
            if not path.is_file():
                raise FileNotFoundError(f"file not found: {path}")
        result = evaluate_collection(args.docs, args.queries, args.qrels, k1=args.k1, b=args.b)
        return _emit(args, result, text.eval_text(result))

    library = Library(
        args.seeds or settings.seeds_dir, args.data or settings.data_dir, progress=args.command == "index"
    )
    library.open(force_rebuild=args.command == "index")
    if args.command == "index":
        manifest = library.index.manifest()
        summary = {
            "sources": len(library.corpus.sources),
            "passages": manifest["documents"],
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
        result = library.search(args.query, limit=args.limit, sources=args.source, since=args.since, until=args.until)
        return _emit(args, result, text.search_text(result))
    if args.command == "brief":
        brief = library.brief(
            args.topic, sentences=args.sentences, sources=args.source, since=args.since, until=args.until
        )
        return _emit(args, brief, text.brief_text(brief))
    if args.command == "sources":
        sources = library.sources()
        return _emit(args, {"sources": [s.model_dump(mode="json") for s in sources]}, text.sources_text(sources))
    if args.command == "source":
        info = library.source_info(args.source_id)
        passages = library.passages_of(args.source_id)
        summary = library.summary(args.source_id)
        payload = {
            "source": info.model_dump(mode="json"),
            "summary": summary.model_dump(mode="json"),
            "passages": [p.model_dump(mode="json") for p in passages],
        }
        return _emit(args, payload, text.source_text(info, passages, summary))
    raise AssertionError(f"unhandled command {args.command}")


def _emit(args: argparse.Namespace, payload: BaseModel | dict, plain: str) -> int:
    if args.json:
        data = payload.model_dump(mode="json", by_alias=True) if isinstance(payload, BaseModel) else payload
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(plain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
