"""The passphrase on first run: zxcvbn's estimate, too-guessable ones refused, a show/hide toggle, the loss warning."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from ui.passphrase_strength import estimate
from ui.unlock_page import UnlockPage
from ui.viewmodels import SetupInfo


def test_four_common_words_are_not_rated_134_bits():
    four = estimate("apple banana cherry dog")
    assert four.bits < 70  # the old hand-written meter said "strong (about 134 bits)"
    assert estimate("Summer2024!").label in ("weak", "fair") and not estimate("Summer2024!").acceptable
    assert "similar to a commonly used password" in estimate("Summer2024!").describe()
    assert estimate("mirix memory").bits < estimate("qjx7 bravo lantern 9 mosaic").bits


def _first_run(qtbot) -> UnlockPage:
    page = UnlockPage()
    qtbot.addWidget(page)
    page.show()
    page.on_setup(SetupInfo("/tmp/data", True, "passphrase", False))
    return page


def test_first_run_warns_that_a_forgotten_passphrase_loses_the_memory(qtbot):
    page = _first_run(qtbot)
    assert "If you forget this passphrase, your memory is lost" in page.explain.text()


def test_a_guessable_passphrase_cannot_create_the_memory(qtbot):
    page = _first_run(qtbot)
    for text in ("password123", "Summer2024!"):
        page.passphrase.setText(text)
        page.confirm.setText(text)
        assert not page.button.isEnabled() and "Too easy to guess" in page.status.text()
    page.passphrase.setText("qjx7 bravo lantern 9 mosaic")
    page.confirm.setText("qjx7 bravo lantern 9 mosaic")
    assert page.button.isEnabled() and page.strength.text().startswith("Strength: strong")


def test_show_passphrase_toggles_both_fields_and_the_page_reports_its_field(qtbot):
    page = UnlockPage()
    qtbot.addWidget(page)
    seen: list[bool] = []
    page.passphrase_shown.connect(seen.append)
    page.show()
    page.on_setup(SetupInfo("/tmp/data", True, "passphrase", False))
    assert page.passphrase.echoMode() == QLineEdit.EchoMode.Password
    page.show_text.setChecked(True)
    assert page.passphrase.echoMode() == page.confirm.echoMode() == QLineEdit.EchoMode.Normal
    page.show_text.setChecked(False)
    assert page.confirm.echoMode() == QLineEdit.EchoMode.Password
    page.hide()
    assert seen == [True, False]
