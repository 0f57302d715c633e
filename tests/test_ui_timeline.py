"""The timeline as a user scrubs it: opens at now, zooms from a day to minutes, frames with times, arrow keys."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt

from ui.timeline_strip import DAY_S, clock
from ui.timeline_view import TimelinePanel, seconds_now
from ui.viewmodels import TimelineDay, TimelineItem

LEFT = Qt.MouseButton.LeftButton
TODAY = date.today().isoformat()


def a_busy_hour(start_s: float = 10 * 3600, count: int = 60, gap_s: float = 60.0) -> list[TimelineItem]:
    """A frame a minute for an hour, and one event over it."""
    frames = [
        TimelineItem("frame", f"f{i}", start_s + i * gap_s, start_s + i * gap_s, f"code: report.py ({i})")
        for i in range(count)
    ]
    return [TimelineItem("event", "e1", start_s, start_s + count * gap_s, "code: writing the report"), *frames]


@pytest.fixture
def panel(qtbot):
    widget = TimelinePanel()
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def frame_xs(panel) -> list[float]:
    return [panel.strip._x(f.start_s) for f in panel.strip.frames]


def test_zoomed_to_an_hour_frames_get_distinct_positions(qtbot, panel):
    panel.on_day(TimelineDay("2026-01-05", a_busy_hour()))
    panel.zoom_box.setCurrentIndex(0)
    panel.zoom_box.activated.emit(0)  # "Whole day", as a user picks it
    xs = frame_xs(panel)
    assert max(xs) - min(xs) < 60, "a day squeezes an hour of frames into a few dozen pixels"
    one_hour = next(i for i in range(panel.zoom_box.count()) if panel.zoom_box.itemText(i) == "1 hour")
    panel.zoom_box.setCurrentIndex(one_hour)
    panel.zoom_box.activated.emit(one_hour)
    panel.strip.set_window(10 * 3600 - 30, 3600 + 60)
    xs = frame_xs(panel)
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    assert min(gaps) >= 15, f"frames a minute apart are {min(gaps):.1f} px apart"
    width = panel.strip.width()
    assert all(0 <= x <= width for x in xs), "the whole hour is in view"
    assert len(panel.strip.thumbnail_frames()) >= 8, "thumbnails along the strip"


def test_opens_at_now_on_today(qtbot, panel):
    now = seconds_now()
    panel.on_day(TimelineDay(TODAY, a_busy_hour(max(0.0, now - 7200))))
    s = panel.strip
    assert s.start_s <= now <= s.start_s + s.span_s and abs(s.cursor_s - now) < 5
    assert s.span_s < DAY_S, "not the whole day: the last few hours"
    assert panel.at_label.text()[:5] == clock(now)


def test_wheel_zooms_in_to_minutes_around_the_pointer(qtbot, panel):
    panel.on_day(TimelineDay("2026-01-05", a_busy_hour()))
    strip = panel.strip
    strip.set_window(0, DAY_S)
    x = strip._x(10.5 * 3600)
    for _ in range(25):
        strip.zoom(1.25, strip.seconds_at(x))
    assert strip.span_s <= 15 * 60
    assert abs(strip.seconds_at(x) - 10.5 * 3600) < 60, "the time under the pointer stays under it"


def test_arrow_keys_step_through_frames_showing_each_time(qtbot, panel):
    panel.on_day(TimelineDay("2026-01-05", a_busy_hour()))
    panel.zoom_to(3600, 10.5 * 3600)
    first = panel.strip.frames[0]
    with qtbot.waitSignal(panel.frame_requested) as asked:
        qtbot.mouseClick(panel.strip, LEFT, pos=QPoint(int(panel.strip._x(first.start_s)), 120))
    assert asked.args == [first.id]
    assert panel.caption.text().startswith("10:00:00 · code: report.py (0)")
    panel.strip.setFocus()
    with qtbot.waitSignal(panel.frame_requested) as asked:
        qtbot.keyClick(panel.strip, Qt.Key.Key_Right)
    assert asked.args == ["f1"] and panel.caption.text().startswith("10:01:00")
    with qtbot.waitSignal(panel.frame_requested) as asked:
        qtbot.keyClick(panel.strip, Qt.Key.Key_Left)
    assert asked.args == ["f0"]


def test_thumbnails_are_asked_for_the_frames_in_view_and_drawn(qtbot, panel):
    panel.on_day(TimelineDay("2026-01-05", a_busy_hour()))
    with qtbot.waitSignal(panel.thumbnails_requested) as asked:
        panel.zoom_to(900, 10.1 * 3600)
    ids = asked.args[0]
    assert ids and all(f.id in ids for f in panel.strip.thumbnail_frames())
    from PySide6.QtGui import QColor, QImage

    image = QImage(160, 90, QImage.Format.Format_RGB32)
    image.fill(QColor("#00ff00"))
    from PySide6.QtCore import QBuffer, QByteArray

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QBuffer.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    panel.on_thumbnails({ids[0]: bytes(data)})
    frame = next(f for f in panel.strip.frames if f.id == ids[0])
    shot = panel.strip.grab().toImage()
    pixel = shot.pixelColor(int(panel.strip._x(frame.start_s)) + 12, 80)  # beside the cursor line
    assert pixel.green() > 200 and pixel.red() < 60, "the thumbnail is drawn above its tick"


def test_an_empty_day_says_what_records_frames(qtbot, panel):
    panel.on_day(TimelineDay("2026-01-04", []))
    assert "Capture" in panel.frame.text()
