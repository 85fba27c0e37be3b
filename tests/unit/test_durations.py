import pytest

from registry.domain.durations import approximate_days, in_words, is_iso_duration


@pytest.mark.parametrize("text", ["P90D", "P2Y", "P26M", "PT72H", "P1Y6M", "P0D", "P3W", "P1DT12H"])
def test_iso_durations_are_accepted(text: str) -> None:
    assert is_iso_duration(text)


@pytest.mark.parametrize("text", ["90 days", "P", "PT", "2Y", "P-1D", "P1.5Y", "", "P1H"])
def test_other_text_is_not_a_duration(text: str) -> None:
    assert not is_iso_duration(text)


def test_periods_compare_in_days() -> None:
    assert approximate_days("P90D") == 90
    assert approximate_days("PT72H") == 3
    assert approximate_days("P26M") > approximate_days("P2Y")  # type: ignore[operator]
    assert approximate_days("seven years") is None


def test_adding_a_notice_period_follows_the_calendar() -> None:
    import datetime as dt

    from registry.domain.durations import add_to

    start = dt.datetime(2026, 1, 31, 9, 0, tzinfo=dt.UTC)
    assert add_to(start, "P30D") == dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    assert add_to(start, "P1M") == dt.datetime(2026, 2, 28, 9, 0, tzinfo=dt.UTC)
    assert add_to(start, "PT72H") == dt.datetime(2026, 2, 3, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("period", "words"), [("P5Y", "5 years"), ("P1Y6M", "1 year 6 months"),
                                               ("PT72H", "72 hours"), ("P1D", "1 day"), ("5 years", "5 years")])
def test_periods_read_as_words(period: str, words: str) -> None:
    assert in_words(period) == words
