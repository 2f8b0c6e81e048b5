"""The layers stay apart: the search library never imports Discord or the bot, and the bot never reaches into
the store."""

import ast

from tests.conftest import ROOT

FORBIDDEN = ("discord", "bot")


def imported_modules(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_search_imports_neither_discord_nor_the_bot():
    offenders = {}
    for path in sorted((ROOT / "search").rglob("*.py")):
        bad = {m for m in imported_modules(ast.parse(path.read_text())) if m.split(".")[0] in FORBIDDEN}
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_only_the_services_touch_the_store():
    """The bot and the CLI call services; no module of theirs reaches into ``.store`` (model types may be
    imported from search.store for rendering)."""
    offenders = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "store":
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


def test_the_check_sees_an_import():
    assert imported_modules(ast.parse("import discord.ext\nfrom bot.app import X")) == {"discord.ext", "bot.app"}
