"""The transcript shows a file's real size, and no size when it is not known."""

from __future__ import annotations

from sandbox import SandboxServer, SandboxUser
from sandbox.driver import file_size
from sandbox.server import BotMessage, StoredFile


def test_sizes_read_as_people_write_them() -> None:
    assert [file_size(n) for n in (0, 300, 1023, 1024, 13_000, 1_572_864)] == [
        "0 B",
        "300 B",
        "1023 B",
        "1 KB",
        "13 KB",
        "1.5 MB",
    ]


def test_a_small_photo_shows_its_bytes_and_a_photo_by_url_shows_no_size() -> None:
    transcript: list[str] = []
    user = SandboxUser(SandboxServer(), 5, "Sue", transcript=transcript)
    for content in (b"x" * 300, b""):
        stored = StoredFile("F1", "U1", "files/1.jpg", content, "photo.jpg", "image/jpeg")
        user._log_bot(BotMessage(5, 1, "photo", "", None, None, 0, file=stored))
    assert transcript == ["🤖 bot: 🖼 photo.jpg (300 B)", "🤖 bot: 🖼 photo.jpg"]
