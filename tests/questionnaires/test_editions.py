"""Comparable dimensions between rounds on different bank editions (hand-made cases)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from questionnaires.editions import comparable_dimensions


def test_the_same_items_are_comparable():
    items = {"keys.asset": [1, 2, 3], "keys.journey": [4, 5, 6]}
    assert comparable_dimensions(items, items, {}) == {"keys.asset", "keys.journey"}


def test_reworded_items_linked_by_replaces_are_comparable():
    older = {"keys.asset": [1, 2, 3, 4]}
    # 11 replaces 1, 12 replaces 2; 13 and 14 are new: 2 of 4 linked on each side.
    newer = {"keys.asset": [11, 12, 13, 14]}
    assert comparable_dimensions(older, newer, {11: [1], 12: [2]}) == {"keys.asset"}


def test_fewer_than_half_linked_is_not_comparable():
    older = {"keys.asset": [1, 2, 3, 4]}
    newer = {"keys.asset": [11, 12, 13, 14]}
    # One link: 1 of 4 on each side.
    assert comparable_dimensions(older, newer, {11: [1]}) == frozenset()


def test_both_sides_need_half():
    # Newer: 2 of 3 linked; older: only 2 of 5 linked (1 and 2).
    older = {"d": [1, 2, 3, 4, 5]}
    newer = {"d": [11, 12, 13]}
    assert comparable_dimensions(older, newer, {11: [1], 12: [2]}) == frozenset()
    # One more older item replaced by 13: 3 of 5.
    assert comparable_dimensions(older, newer, {11: [1], 12: [2], 13: [3]}) == {"d"}


def test_a_split_item_links_both_new_items_to_the_old_one():
    # A double-barrelled 1 split into 11 and 12; 2 kept, 3 dropped.
    older = {"d": [1, 2, 3]}
    newer = {"d": [11, 12, 2, 14]}
    # newer linked: 11, 12, 2 = 3 of 4; older linked: 1, 2 = 2 of 3.
    assert comparable_dimensions(older, newer, {11: [1], 12: [1]}) == {"d"}


def test_a_dimension_missing_from_one_round_is_not_comparable():
    assert comparable_dimensions({"a": [1]}, {"a": [1], "b": [2]}, {}) == {"a"}
    assert comparable_dimensions({"a": [1], "b": [2]}, {"a": [1]}, {}) == {"a"}


def test_a_link_to_an_item_of_another_dimension_does_not_count():
    older = {"a": [1, 2], "b": [3, 4]}
    newer = {"a": [11, 12], "b": [3, 4]}
    assert comparable_dimensions(older, newer, {11: [3], 12: [4]}) == {"b"}


dimension_items = st.dictionaries(
    st.sampled_from(["a", "b", "c"]), st.sets(st.integers(1, 30), min_size=1), min_size=1
)


@given(dimension_items)
def test_every_round_is_comparable_with_itself(items):
    assert comparable_dimensions(items, items, {}) == set(items)


@given(
    dimension_items,
    dimension_items,
    st.dictionaries(st.integers(1, 30), st.sets(st.integers(1, 30))),
)
def test_only_dimensions_of_both_rounds_are_comparable(older, newer, replaces):
    assert comparable_dimensions(older, newer, replaces) <= set(older) & set(newer)
