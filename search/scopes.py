"""Who owns a source or a feed, and what each asker sees.

- ``OPERATOR`` (0) owns the seed folder and what the command line adds without ``--server``: the shared base
  library every server sees.
- A Discord server, by its guild id, owns what it adds from Discord (``/ingest``, ``/feed add``, attachments);
  only that server sees it.
- ``ALL_SERVERS`` (None) is the operator's view of everything (``briefbot --all-servers``).

A viewer is a scope: ``OPERATOR``, a guild id, or ``ALL_SERVERS``.
"""

from __future__ import annotations

import numpy as np

OPERATOR = 0
ALL_SERVERS = None


def visible(owner: int, viewer: int | None) -> bool:
    """Whether a source or feed owned by ``owner`` is visible to ``viewer``."""
    return viewer is None or owner in (OPERATOR, viewer)


def visible_mask(owners: np.ndarray, viewer: int | None) -> np.ndarray | None:
    """Per owner in ``owners``: visible to ``viewer``; None when every one is (no filter needed)."""
    if viewer is None:
        return None
    mask = (owners == OPERATOR) | (owners == viewer)
    return None if mask.all() else mask
