"""bench/ab.py compares two versions in pairs of rounds whose order alternates,
reports the geometric mean of B ÷ A with the pairs B won, names in its report
where the two versions answer differently, and tells whether checkouts can share
a database (the same migrations)."""

import math

import pytest

from bench.ab import (
    differing_field,
    geometric_mean,
    migrations_digest,
    pair_orders,
    parse_args,
    summarize,
    table,
)


def test_the_order_alternates_from_pair_to_pair():
    assert pair_orders(4) == [("A", "B"), ("B", "A"), ("A", "B"), ("B", "A")]


def test_ratios_are_averaged_geometrically_and_wins_counted():
    # B twice as fast in one pair and half as fast in another: no change on
    # the whole, where an arithmetic mean would say 1.25.
    assert geometric_mean([2.0, 0.5]) == pytest.approx(1.0)
    rows = summarize({"list": {"A": [100.0, 100.0, 50.0], "B": [200.0, 50.0, 60.0]}})
    ((name, a, b, ratio, lowest, highest, won, pairs),) = rows
    assert (name, a, b, won, pairs) == ("list", 100.0, 60.0, 2, 3)
    assert (lowest, highest) == (0.5, 2.0)
    assert ratio == pytest.approx(
        math.exp((math.log(2) + math.log(0.5) + math.log(1.2)) / 3)
    )


def test_the_table_names_both_versions():
    report = table([("detail", 80.0, 88.0, 1.1, 0.97, 1.2, 7, 8)], "363c5ae", "HEAD")
    assert "A: 363c5ae    B: HEAD" in report
    assert "| detail | 80.0 | 88.0 | 1.100 | 0.97 to 1.20 | 7 of 8 pairs |" in report
    assert "answer differently" not in report


def test_the_table_names_what_answered_differently():
    rows = [("detail", 80.0, 88.0, 1.1, 0.97, 1.2, 7, 8)]
    report = table(rows, "A", "B", ["detail, uncached (at 'results.0.title')"])
    assert "A and B answer differently: detail, uncached (at 'results.0.title')." in (
        report
    )


@pytest.mark.parametrize(
    "a, b, field",
    [
        (
            {"results": [{"id": 1, "title": "x"}]},
            {"results": [{"id": 1, "title": "x"}]},
            None,
        ),
        (
            {"results": [{"id": 1, "title": "x"}]},
            {"results": [{"id": 1, "title": "y"}]},
            "results.0.title",
        ),
        ({"count": 1, "as_of": None}, {"count": 1}, "as_of"),
        ({"results": [1, 2]}, {"results": [1]}, "results"),
        (1, 2, ""),
    ],
)
def test_where_two_answers_differ(a, b, field):
    assert differing_field(a, b) == field


def test_migrations_decide_whether_two_checkouts_share_a_database(tmp_path):
    one, other = tmp_path / "one", tmp_path / "other"
    for root in (one, other):
        (root / "app" / "migrations").mkdir(parents=True)
        (root / "app" / "migrations" / "0001_initial.py").write_text("# initial\n")
    assert migrations_digest(one) == migrations_digest(other)
    (other / "app" / "migrations" / "0002_more.py").write_text("# more\n")
    assert migrations_digest(one) != migrations_digest(other)


def test_b_defaults_to_the_working_tree():
    args = parse_args(["HEAD~1"])
    assert (args.before, args.after, args.pairs, args.duration) == (
        "HEAD~1",
        None,
        12,
        3,
    )
