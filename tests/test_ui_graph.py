"""The graph view as a user sees it: readable labels that never overlap, preview on click, open on double click."""

from __future__ import annotations

import itertools
import random

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from mirix_app.gui.graph_build import build_graph
from ui.graph_view import GraphPanel
from ui.theme import apply_theme

LEFT = Qt.MouseButton.LeftButton
WORDS = "Lisbon Acme report pottery marathon river Alfama robots sales charts class flight Porto budget".split()  # noqa: SIM905
TYPES = ["episodic", "semantic", "procedural", "resource"]


def records(n: int, seed: int = 3) -> list[dict]:
    """``n`` memories with long texts that share names (so they link) and sources."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        words = " ".join(rng.choice(WORDS) for _ in range(14))
        kind = TYPES[i % len(TYPES)]
        text = f"Memory number {i} about {words}"
        record = {"type": kind, "id": f"m{i}", "sources": [f"o{i // 3}"], "created_at": "2026-01-05T10:00:00"}
        record.update(
            {
                "episodic": {"summary": text, "occurred_at": f"2026-01-05T{8 + i % 10:02d}:00:00"},
                "semantic": {"name": f"Fact {i}", "summary": text},
                "procedural": {"summary": text, "steps": ["one", "two"]},
                "resource": {"title": text, "summary": ""},
            }[kind]
        )
        out.append(record)
    return out


@pytest.fixture
def panel(qtbot):
    widget = GraphPanel()
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_two_hundred_nodes_labels_never_overlap(qtbot, panel, theme):
    apply_theme(QApplication.instance(), theme)
    try:
        data = build_graph(records(200))
        panel.on_graph(data)
        qtbot.wait(50)
        shown = panel.visible_labels()
        assert len(shown) >= 25, f"only {len(shown)} labels fit"
        rects = [panel.label_rect(label) for label in shown]
        for (a, ra), (b, rb) in itertools.combinations(zip(shown, rects, strict=True), 2):
            assert not ra.intersects(rb), f"{a.text!r} overlaps {b.text!r}"
        nodes = [panel.view.mapFromScene(n.scenePos()) for n in panel.nodes]
        for label, rect in zip(shown, rects, strict=True):
            assert not any(rect.contains(p.toPointF()) for p in nodes), f"{label.text!r} covers a node"
            assert panel.view.viewport().rect().toRectF().contains(rect)
        for node in data.nodes:
            full = node.text.split()
            short = node.label.rstrip("…").split()
            assert short == full[: len(short)], f"cut mid-word: {node.label!r}"
        label = shown[0]
        assert label.text.endswith("…") and label.toolTip().endswith(label.node.node.text)
        background = panel.palette().color(panel.palette().ColorRole.Base)
        text = panel.palette().color(panel.palette().ColorRole.Text)
        assert abs(background.lightness() - text.lightness()) > 150, "label text readable on its plate"
    finally:
        apply_theme(QApplication.instance(), "light")


def labelled_share(panel) -> float:
    """The share of the nodes in view that show their label."""
    area = panel.view.viewport().rect()
    in_view = [n for n in panel.nodes if area.contains(panel.view.mapFromScene(n.scenePos()))]
    return sum(1 for label in panel.visible_labels() if label.node in in_view) / len(in_view)


def test_zooming_in_labels_more_of_what_is_in_view_still_without_overlap(qtbot, panel):
    panel.on_graph(build_graph(records(200)))
    before = labelled_share(panel)
    panel.view.zoom(2.5)
    panel.place_labels()
    after = panel.visible_labels()
    assert labelled_share(panel) > before + 0.2
    rects = [panel.label_rect(label) for label in after]
    assert not any(a.intersects(b) for a, b in itertools.combinations(rects, 2))


def node_point(panel, memory_id) -> QPoint:
    return panel.view.mapFromScene(panel.node_item(memory_id).scenePos())


def test_click_previews_double_click_opens_and_expand_adds_neighbours(qtbot, panel):
    data = build_graph(records(30))
    panel.on_graph(data)
    target = data.nodes[4]
    qtbot.mouseClick(panel.view.viewport(), LEFT, pos=node_point(panel, target.id))
    assert panel.selected is not None and panel.selected.node.id == target.id
    assert panel.preview.open_button.isEnabled() and target.text[:200] in panel.preview.text.text()
    dimmed = [n for n in panel.nodes if n.opacity() < 1.0]
    assert dimmed and panel.selected.opacity() == 1.0, "the rest fades so the neighbourhood stands out"
    with qtbot.waitSignal(panel.open_requested) as opened:
        qtbot.mouseDClick(panel.view.viewport(), LEFT, pos=node_point(panel, target.id))
    assert opened.args == [target.type, target.id]
    with qtbot.waitSignal(panel.graph_requested) as asked:
        qtbot.mouseClick(panel.preview.expand_button, LEFT)
    assert target.id in asked.args[0] and asked.args[1] == ""


def test_zoom_to_fit_brings_every_node_into_view(qtbot, panel):
    panel.on_graph(build_graph(records(60)))
    panel.view.zoom(6.0)
    qtbot.mouseClick(panel.fit_button, LEFT)
    area = panel.view.viewport().rect()
    assert all(area.contains(panel.view.mapFromScene(n.scenePos())) for n in panel.nodes)


def test_an_empty_graph_says_what_to_do(qtbot, panel):
    panel.on_graph(build_graph([], title="All memories"))
    assert panel.stack.currentWidget() is panel.empty and "import" in panel.empty.text().lower()
