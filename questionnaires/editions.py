"""Which dimensions two rounds on different question bank editions can compare.

A later edition rewords items under new codes and says, with `replaces:`, which earlier
item each new one measures in the same way. A dimension is comparable between two
rounds when at least half of its items in *each* round are linked: the same item in
both, or a newer item that replaces an older one. Dimensions rebuilt around another
idea keep few links and drop out of the trend, with the reason shown.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

ItemsByDimension = Mapping[str, Collection[int]]  # dimension code -> item ids


def comparable_dimensions(
    older: ItemsByDimension,
    newer: ItemsByDimension,
    replaces: Mapping[int, Collection[int]],
) -> frozenset[str]:
    """The dimension codes present in both rounds whose items are at least half linked
    on either side. `replaces` maps a newer item id to the older item ids it replaces."""
    comparable = set()
    for code, new_items in newer.items():
        old_items = set(older.get(code, ()))
        new_set = set(new_items)
        if not old_items or not new_set:
            continue
        linked_new = {i for i in new_set if i in old_items or old_items & set(replaces.get(i, ()))}
        replaced = {old for i in new_set for old in replaces.get(i, ())}
        linked_old = {o for o in old_items if o in new_set or o in replaced}
        if 2 * len(linked_new) >= len(new_set) and 2 * len(linked_old) >= len(old_items):
            comparable.add(code)
    return frozenset(comparable)
