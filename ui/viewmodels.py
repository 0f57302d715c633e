"""Small view-model dataclasses: everything the widgets are shown, with no store or agent types."""

from __future__ import annotations

from dataclasses import dataclass, field

TYPE_LABELS: dict[str, str] = {
    "core": "Core",
    "episodic": "Episodic",
    "semantic": "Semantic",
    "procedural": "Procedural",
    "resource": "Resources",
    "knowledge_vault": "Vault",
    "observation": "Observations",
}

TYPE_NAMES: dict[str, str] = {
    "core": "Core",
    "episodic": "Episode",
    "semantic": "Fact",
    "procedural": "Procedure",
    "resource": "Resource",
    "knowledge_vault": "Vault",
    "observation": "Observation",
}

TYPE_COLORS: dict[str, str] = {
    "core": "#8e6cc9",
    "episodic": "#3b82c4",
    "semantic": "#2f9e6e",
    "procedural": "#d08a2e",
    "resource": "#c9534f",
    "knowledge_vault": "#6b7280",
    "observation": "#9aa5b1",
}


@dataclass(frozen=True)
class SetupInfo:
    """What the unlock screen needs to know: first run or not, and how the key is kept."""

    data_dir: str
    first_run: bool
    method: str  # "keyring" or "passphrase"
    keyring_available: bool


@dataclass(frozen=True)
class MemoryRow:
    """One line of a memory table."""

    type: str
    id: str
    title: str
    time: str = ""
    updated: str = ""


@dataclass(frozen=True)
class FieldValue:
    """One field of a memory in the detail pane."""

    name: str
    value: str
    editable: bool = True
    multiline: bool = False
    secret: bool = False


@dataclass(frozen=True)
class MemoryDetail:
    """A memory (or observation) opened in the detail pane."""

    type: str
    id: str
    title: str
    fields: list[FieldValue]
    version: int = 0
    source_count: int = 0
    has_frame: bool = False
    frame_ref: str = ""


@dataclass(frozen=True)
class HistoryEntry:
    """One earlier version of a memory."""

    version: int
    action: str
    changed_at: str
    summary: str


@dataclass(frozen=True)
class SourceItem:
    """An observation a memory came from: a chat message or a screen frame."""

    observation_id: str
    kind: str
    time: str
    text: str
    source_id: str
    app: str = ""
    title: str = ""
    has_frame: bool = False


@dataclass(frozen=True)
class Citation:
    """A numbered citation of a chat answer."""

    n: int
    type: str
    id: str
    text: str
    sources: list[str] = field(default_factory=list)
    label: str = ""  # where and when, for its chip: "Slack, Tue 14:02"


@dataclass(frozen=True)
class ChatReply:
    """A finished chat answer."""

    text: str
    citations: list[Citation]
    thread_id: str
    mode: str


@dataclass(frozen=True)
class ThreadRow:
    """A past conversation in the chat's list: its title (the first question) and when it was last active."""

    id: str
    title: str
    when: str


@dataclass(frozen=True)
class ChatMessage:
    """A message of a stored conversation; answers keep their citations."""

    role: str  # "user" or "assistant"
    text: str
    citations: list[Citation] = field(default_factory=list)


@dataclass(frozen=True)
class ChatThreadView:
    """A conversation reopened: its messages, oldest first."""

    id: str
    title: str
    messages: list[ChatMessage]


@dataclass(frozen=True)
class MemoryOverview:
    """How much the memory holds and whether a language model answers: what the empty states say."""

    memories: dict[str, int]  # count per memory type
    observations: int
    model: bool
    pending: int = 0

    @property
    def empty(self) -> bool:
        return self.observations == 0 and not any(self.memories.values())


@dataclass(frozen=True)
class SearchQuery:
    """What the search field asks: words, and optional type, time and app filters."""

    text: str
    type: str = ""  # a memory type or "observation"; "" for all
    since: str = ""  # ISO time; "" for any time
    app: str = ""


@dataclass(frozen=True)
class SearchResult:
    """A search hit as the results list shows it: matches highlighted, where and when it was seen."""

    type: str
    id: str
    title_html: str
    snippet_html: str
    origin: str
    when: str
    by_meaning: bool = False  # found by meaning only (no word of the query in it)


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: one headline, then each skipped item with why."""

    headline: str
    skipped: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class GraphNode:
    """A memory in the graph view, with its laid-out position."""

    type: str
    id: str
    label: str
    x: float
    y: float
    focused: bool = False
    text: str = ""  # the full text (tooltip and preview); ``label`` is its short form
    when: str = ""


@dataclass(frozen=True)
class GraphEdge:
    """A link between two nodes (index into the node list) and why they are linked."""

    a: int
    b: int
    kind: str  # "source", "name", "time"


@dataclass(frozen=True)
class GraphData:
    """A laid-out graph."""

    nodes: list[GraphNode]
    edges: list[GraphEdge]
    title: str = ""


@dataclass(frozen=True)
class TimelineItem:
    """An episodic event (a span) or a kept frame (a point) on one day's strip."""

    kind: str  # "event" or "frame"
    id: str
    start_s: float  # seconds since local midnight
    end_s: float
    label: str


@dataclass(frozen=True)
class TimelineDay:
    """The day's strip."""

    day: str  # YYYY-MM-DD
    items: list[TimelineItem]


@dataclass(frozen=True)
class CaptureState:
    """The capture status panel and tray state."""

    state: str  # running, paused, excluded, idle, stopped, off
    kept: int = 0
    dropped: int = 0
    dropped_detail: str = ""
    ocr_backlog: int = 0
    memorize_backlog: int = 0
    tokens_this_hour: int = 0
    token_budget: int = 0
    disk_bytes: int = 0
    paused_until: str = ""
    message: str = ""
    can_start: bool = False  # capture is off because the user has not started it yet (it can be)


@dataclass
class SettingsForm:
    """The user-editable settings, flattened for the settings screen."""

    interval_s: float = 3.0
    dedupe_threshold: float = 0.005
    excluded_apps: list[str] = field(default_factory=list)
    excluded_title_patterns: list[str] = field(default_factory=list)
    idle_timeout_s: float = 300.0
    frame_budget_mb: int = 2048
    llm_provider: str = ""
    llm_model: str = ""
    llm_base_url: str = ""
    llm_api_key: str = ""  # only sent when the user typed a new one; never read back
    tokens_per_hour: int = 200_000
    memorize_mode: str = "auto"  # auto, agents, single_pass
    chroma_url: str = ""
    theme: str = "system"  # system, light, dark
    start_at_login: bool = False
    lock_after_idle_min: float = 15.0  # 0 = never
    lock_with_session: bool = True


@dataclass(frozen=True)
class ForgetPlan:
    """A time range to forget and what it holds (from a dry run), or what forgetting it removed."""

    since: str  # ISO-8601 with offset
    until: str
    label: str  # "the last 15 minutes", "10:05–10:30 on Tue 5 Mar"
    lines: list[str] = field(default_factory=list)
    empty: bool = False
    summary: str = ""  # after forgetting: what went
