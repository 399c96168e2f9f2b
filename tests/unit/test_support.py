"""The question-or-search rule, topic names, and the support timing figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.support import Conversation, ConversationStatus, looks_like_question, percentile, support_times, topic_name


@pytest.mark.parametrize(
    "text",
    [
        "Where is my parcel?",
        "where is my parcel",
        "How do I return a mug",
        "help",
        "Hello, anyone there",
        "I ordered two mugs and only one arrived today",  # a sentence
        "mug?",
        "Где мой заказ",
        "Как вернуть товар?",
        "Когда будет доставка",
        "помогите",
        "Здравствуйте, у меня вопрос",
        "Заказ пришёл без одной кружки, что делать",
    ],
)
def test_questions_go_to_a_person(text: str) -> None:
    assert looks_like_question(text)


@pytest.mark.parametrize(
    "text",
    ["heart", "White Hanging Heart", "85123A", "5012345678900", "red mug large", "кружка", "Кружка белая", "", "  "],
)
def test_product_searches_still_search(text: str) -> None:
    assert not looks_like_question(text)


def test_topic_name_is_one_line_within_telegrams_limit_and_names_the_customer() -> None:
    name = topic_name("Eve\n<script>" + "E" * 300, "eve", 42)
    assert len(name) <= 128 and "\n" not in name and name.endswith(" (@eve) #42") and name.startswith("Eve <script>")
    assert topic_name("", None, 7) == "? #7"


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([], 0.5) is None
    assert percentile([10.0], 0.9) == 10.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5
    assert percentile([float(n) for n in range(1, 11)], 0.9) == pytest.approx(9.1)


def test_support_times_count_first_replies_and_resolutions_only_where_they_happened() -> None:
    start = datetime(2026, 12, 1, 9, tzinfo=UTC)

    def conversation(reply_min: int | None, close_min: int | None, rating: int | None = None) -> Conversation:
        return Conversation(
            customer_id=1,
            chat_id=-1,
            thread_id=None,
            order_code=None,
            status=ConversationStatus.CLOSED if close_min else ConversationStatus.OPEN,
            opened_at=start,
            first_reply_at=start + timedelta(minutes=reply_min) if reply_min is not None else None,
            closed_at=start + timedelta(minutes=close_min) if close_min is not None else None,
            rating=rating,
        )

    times = support_times(
        [conversation(5, 60, 5), conversation(15, None), conversation(None, None), conversation(1, 30, 3)]
    )
    assert times.conversations == 4
    assert times.first_reply_median == 5 * 60 and times.resolution_median == 45 * 60
    assert times.rated == 2 and times.average_rating == 4
