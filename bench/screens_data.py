"""Synthetic screenshots: rendered app windows, one-frame and two-frame questions (all made up here)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PEOPLE = ["Priya Nair", "Tomasz Wolak", "Aiko Tanaka", "Luis Ortega", "Grace Mensah", "Henrik Dahl"]
CITIES = ["Lisbon", "Osaka", "Nairobi", "Montreal", "Tallinn", "Valparaiso", "Hanoi", "Bergen"]
ITEMS = [
    "standing desk",
    "espresso grinder",
    "trail running shoes",
    "noise-cancelling headphones",
    "rain jacket",
    "mechanical keyboard",
    "cast iron skillet",
    "bike helmet",
]
PROJECTS = ["billing migration", "search relaunch", "mobile onboarding", "data warehouse", "quarterly audit"]


@dataclass
class Shot:
    """One rendered screen: file name, time, app, window title and the text lines drawn."""

    name: str
    time: datetime
    app: str
    title: str
    lines: list[str]


@dataclass
class Question:
    """A question and the file names of the frames that answer it (one or two)."""

    text: str
    frames: list[str]
    kind: str  # "one-frame" or "two-frame"


@dataclass
class ScreenSet:
    """The screens and the questions about them."""

    shots: list[Shot] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)


def render(shot: Shot, size: tuple[int, int] = (1280, 800)) -> Image.Image:
    """A window: a title bar with the title, then the lines as body text."""
    image = Image.new("RGB", size, (250, 250, 250))
    draw = ImageDraw.Draw(image)
    title_font, body_font = ImageFont.truetype(FONT, 22), ImageFont.truetype(FONT, 26)
    draw.rectangle((0, 0, size[0], 48), fill=(52, 58, 70))
    draw.text((20, 12), shot.title, fill=(240, 240, 240), font=title_font)
    for i, line in enumerate(shot.lines):
        draw.text((50, 90 + i * 48), line, fill=(25, 25, 25), font=body_font)
    return image


def build(seed: int = 14) -> ScreenSet:
    """About 60 screens over two days and ~45 questions; the same seed gives the same set."""
    rng = random.Random(seed)
    out = ScreenSet()
    clock = datetime(2024, 5, 13, 8, 30)

    def add(app: str, title: str, lines: list[str], gap_min: int) -> str:
        nonlocal clock
        clock += timedelta(minutes=gap_min)
        name = f"{clock:%m%d}/s{len(out.shots):03d}_{clock:%H%M}.png"
        out.shots.append(Shot(name, clock, app, title, lines))
        return name

    def ask(text: str, frames: list[str]) -> None:
        out.questions.append(Question(text, frames, "two-frame" if len(frames) == 2 else "one-frame"))

    for city, person in zip(rng.sample(CITIES, 6), rng.sample(PEOPLE * 2, 6), strict=True):
        ref = f"{rng.choice('BCDFGHJK')}{rng.randint(100, 999)}{rng.choice('XYZQ')}"
        flight = f"{rng.choice(['LH', 'TP', 'KL', 'AF'])} {rng.randint(100, 999)}"
        seat = f"{rng.randint(10, 40)}{rng.choice('ACDF')}"
        a = add(
            "firefox",
            f"Booking confirmation {ref} — Mozilla Firefox",
            [
                f"Your trip to {city} is booked",
                f"Flight {flight} departs 07:40",
                f"Booking reference {ref}",
                f"Passenger: {person}",
            ],
            rng.randint(20, 90),
        )
        b = add(
            "firefox",
            f"Manage booking {ref} — Mozilla Firefox",
            [f"Manage booking {ref}", f"Seat {seat} confirmed", "Extra legroom: no", "Check-in opens 24h before"],
            rng.randint(1, 4),
        )
        ask(f"What is the booking reference of the flight to {city}?", [a])
        ask(f"Which seat did I get on the {city} flight?", [a, b])
    for item in rng.sample(ITEMS, 6):
        order = f"A-{rng.randint(1000, 9999)}"
        price = f"{rng.randint(40, 600)}.{rng.randint(0, 99):02d} EUR"
        day = rng.choice(["Tuesday", "Wednesday", "Thursday", "Friday"])
        a = add(
            "thunderbird",
            f"Order {order} placed — Thunderbird",
            [f"Thank you for your order {order}", f"1 x {item}", f"Total {price}", "Paid by card"],
            rng.randint(15, 80),
        )
        b = add(
            "thunderbird",
            f"Shipping update for {order} — Thunderbird",
            [f"Order {order} has shipped", f"Expected delivery: {day}", "Carrier: DPD", "Tracking in the app"],
            rng.randint(1, 3),
        )
        ask(f"How much did the {item} cost?", [a])
        ask(f"On which day will the {item} be delivered?", [a, b])
    for project in PROJECTS:
        owner, reviewer = rng.sample(PEOPLE, 2)
        deadline = f"{rng.randint(3, 28)} June"
        ticket = f"OPS-{rng.randint(100, 999)}"
        a = add(
            "slack",
            f"#{project.replace(' ', '-')} — Slack",
            [
                f"{owner}: kickoff notes for the {project}",
                f"{owner}: deadline is {deadline}",
                f"{reviewer}: I will review the plan",
                f"{owner}: tracking it in {ticket}",
            ],
            rng.randint(10, 60),
        )
        ask(f"What is the deadline of the {project}?", [a])
        ask(f"Who will review the {project} plan?", [a])
    for _ in range(8):
        city = rng.choice(CITIES)
        temp = rng.randint(-5, 31)
        add(
            "firefox",
            f"Weather in {city} — Mozilla Firefox",
            [f"{city}: {temp} degrees, light wind", "Tomorrow: cloudy", "Sunrise 05:41"],
            rng.randint(5, 40),
        )
    for cmd, result in [
        ("df -h /", "/dev/nvme0n1p2  468G  301G  144G  68% /"),
        ("git log --oneline -1", "9f3e2ab Fix rounding in invoice totals"),
        ("python -m pytest -q", "212 passed, 3 skipped in 41.2s"),
        ("kubectl get pods", "api-7d9f5 Running 0 restarts 4d"),
    ]:
        name = add("terminal", "bash — Terminal", [f"$ {cmd}", result, "$"], rng.randint(5, 30))
        ask(f"What did the terminal show for {cmd.split()[0]} {cmd.split()[1]}?", [name])
    return out
