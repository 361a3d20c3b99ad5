"""Drawing data validated by serializers whose fields are shared shallow copies
(``RequestSerializer``): one body's answer never depends on another's, whether they
come one after another or at once from several threads (a threaded server)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from videoplanet.feedback.drawing import DrawingDataSerializer

RED = {"color": "#FF0000", "width": 3}
GOOD: dict[str, Any] = {
    "shapes": [
        {"type": "rectangle", "coordinates": [1, 2, 3, 4], "style": RED},
        {"type": "text", "coordinates": [5, 6], "style": RED, "text": "Here"},
        {"type": "freehand", "coordinates": [1, 1, 2, 2, 3, 3], "style": RED},
    ]
}
# Wrong in a different place each (by shape index): the errors must name exactly these.
BAD: list[tuple[dict[str, Any], dict[str, Any]]] = [
    (
        {"shapes": [GOOD["shapes"][0], {"type": "arrow", "coordinates": [1, 2], "style": RED}]},
        {"shapes": {1: {"coordinates": ["A arrow takes exactly 4 numbers."]}}},
    ),
    (
        {"shapes": [{"type": "text", "coordinates": [1, 2], "style": {**RED, "color": "red"}}]},
        {"shapes": {0: {"style": {"color": ["This value does not match the required pattern."]}}}},
    ),
    (
        {"shapes": [{"type": "line", "coordinates": [1, 2, 3, 4], "style": RED, "text": "x"}]},
        {"shapes": {0: {"text": ["Only text shapes have text."]}}},
    ),
]


def judge(data: dict[str, Any]) -> tuple[bool, Any]:
    serializer = DrawingDataSerializer(data=data)
    valid = serializer.is_valid()
    return valid, serializer.validated_data if valid else serializer.errors


def test_each_body_gets_its_own_answer_one_after_another() -> None:
    for bad, errors in BAD:
        assert judge(bad) == (False, errors)
        valid, value = judge(GOOD)
        assert valid
        assert [shape["type"] for shape in value["shapes"]] == ["rectangle", "text", "freehand"]
        assert value["shapes"][1]["text"] == "Here"


def test_each_body_gets_its_own_answer_from_many_threads_at_once() -> None:
    bodies = [GOOD, *(bad for bad, _ in BAD)] * 50
    expected = [(True, None), *((False, errors) for _, errors in BAD)] * 50
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(judge, bodies))
    assert [(valid, None if valid else detail) for valid, detail in answers] == expected
    assert all(len(detail["shapes"]) == 3 for valid, detail in answers if valid)
