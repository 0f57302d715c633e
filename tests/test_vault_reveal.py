"""Revealing a vault value asks for the passphrase again, tells capture, and masks the value again after 30 s."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal

from ui.detail_pane import MASK, REVEAL_SECONDS, DetailPane
from ui.viewmodels import FieldValue, MemoryDetail

LEFT = Qt.MouseButton.LeftButton


class FakeTimer(QObject):
    """A single-shot timer that fires only when the test says so (no waiting 30 s)."""

    timeout = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.interval, self.active, self.single = 0, False, False

    def setSingleShot(self, single: bool) -> None:  # noqa: N802 - QTimer's name
        self.single = single

    def setInterval(self, ms: int) -> None:  # noqa: N802
        self.interval = ms

    def start(self) -> None:
        self.active = True

    def stop(self) -> None:
        self.active = False

    def fire(self) -> None:
        self.active = False
        self.timeout.emit()


def _pane(qtbot):
    timer = FakeTimer()
    pane = DetailPane(rehide_timer=timer)
    qtbot.addWidget(pane)
    pane.resize(900, 700)
    pane.show()
    fields = [FieldValue("caption", "Bank PIN"), FieldValue("secret_value", MASK, secret=True)]
    pane.show_detail(MemoryDetail("knowledge_vault", "v1", "Bank PIN", fields, version=1))
    return pane, timer


def test_reveal_asks_for_the_passphrase_first(qtbot):
    pane, _ = _pane(qtbot)
    asked, shown = [], []
    pane.reveal_requested.connect(lambda i, p: asked.append((i, p)))
    pane.secret_shown.connect(lambda what, on: shown.append((what, on)))
    qtbot.mouseClick(pane.reveal_button, LEFT)
    assert (
        asked == []
        and pane.reauth_bar.isVisible()
        and pane.reauth_input.echoMode() == pane.reauth_input.EchoMode.Password
    )
    assert shown == [("passphrase field", True)]
    pane.reauth_input.setText("wrong")
    qtbot.mouseClick(pane.reauth_go, LEFT)
    pane.on_reveal_refused("v1", "Wrong passphrase: the value stays hidden.")
    assert pane.reauth_error.isVisible() and pane.editors["secret_value"].text() == MASK
    pane.reauth_input.setText("right one")
    qtbot.mouseClick(pane.reauth_go, LEFT)
    assert asked == [("v1", "wrong"), ("v1", "right one")]


def test_a_revealed_value_hides_again_after_30_seconds(qtbot):
    pane, timer = _pane(qtbot)
    shown = []
    pane.secret_shown.connect(lambda what, on: shown.append((what, on)))
    pane.on_revealed("v1", "4471")
    assert pane.editors["secret_value"].text() == "4471" and not pane.reauth_bar.isVisible()
    assert timer.active and timer.single and timer.interval == REVEAL_SECONDS * 1000 == 30_000
    assert shown == [("vault value", True)]
    timer.fire()
    assert pane.editors["secret_value"].text() == MASK and pane.reveal_button.text() == "Reveal value"
    assert shown == [("vault value", True), ("vault value", False)]


def test_leaving_the_pane_hides_the_value_at_once(qtbot):
    pane, timer = _pane(qtbot)
    pane.on_revealed("v1", "4471")
    pane.hide()
    assert pane.editors["secret_value"].text() == MASK and not timer.active
