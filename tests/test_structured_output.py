"""Structured output: schema-constrained first, the mode remembered, JSON written as text accepted before retrying."""

from __future__ import annotations

import httpx
import openai
import pytest
from fake_llm import ScriptedChatModel, json_reply
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from agents.capabilities import CapabilityMemory
from agents.errors import InvalidModelOutput
from agents.llm_call import LLMCaller
from agents.llm_profile import resolve_profile
from agents.memorize_graph import ROUTING
from agents.structured import structured_call

LOCAL = resolve_profile("openai_compatible", "qwen-1.5b", "http://127.0.0.1:8089/v1")
CLOUD = resolve_profile("anthropic", "claude")
MESSAGES = [SystemMessage(content="route these"), HumanMessage(content="[o1] Ann moved to Lisbon")]


def ask(model, profile=LOCAL, memory=None, **kw):
    memory = memory if memory is not None else CapabilityMemory()
    return structured_call(
        model, MESSAGES, ROUTING, LLMCaller(None), profile=profile, memory=memory, purpose="test", **kw
    )


def test_a_local_server_is_asked_for_schema_constrained_json_and_the_mode_is_remembered():
    model = ScriptedChatModel(default=json_reply({"routes": [{"agent": "semantic", "instruction": "where Ann lives"}]}))
    memory = CapabilityMemory()
    routing = ask(model, memory=memory)
    assert [r.agent for r in routing.routes] == ["semantic"]
    sent = model.call_kwargs[0]["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["schema"]["required"] == ["routes"]
    assert memory.mode(LOCAL.key) == "json_schema"


@pytest.mark.parametrize(
    "text",
    [
        # what the 0.5B wrote: the call as text with the arguments as a bare list
        '{"name": "route_to_memory_agents", "arguments": [{"agent": "episodic", "instruction": "log it"}]}',
        # doubled braces inside a code fence
        '```json\n{{"name": "route_to_memory_agents", "arguments": {{"routes": '
        '[{{"agent": "episodic", "instruction": "log it"}}]}}}}\n```',
        '{"tool": "route_to_memory_agents", "parameters": {"routes": [{"agent": "episodic", "instruction": "x"}]}}',
        'Sure! Here you go: {"routes": [{"agent": "episodic", "instruction": "log it"}]} Hope that helps.',
    ],
)
def test_json_written_as_text_in_any_common_shape_is_accepted_without_a_retry(text):
    model = ScriptedChatModel(default=AIMessage(content=text))
    routing = ask(model, profile=CLOUD)
    assert [r.agent for r in routing.routes] == ["episodic"]
    assert len(model.prompts) == 1, "no repair round was needed"


def test_prose_is_sent_back_with_the_reason_and_the_repaired_reply_is_used():
    model = ScriptedChatModel(
        scripts={
            "route these": [
                AIMessage(content="I think the semantic agent should store that Ann moved."),
                json_reply({"routes": [{"agent": "semantic", "instruction": "Ann moved"}]}),
            ]
        }
    )
    routing = ask(model)
    assert [r.agent for r in routing.routes] == ["semantic"]
    assert "holds no JSON object" in model.prompts[1]


def test_output_that_stays_invalid_raises_and_is_remembered_as_a_failure():
    model = ScriptedChatModel(default=json_reply({"routes": [{"agent": "diary", "instruction": "x"}]}))
    memory = CapabilityMemory()
    with pytest.raises(InvalidModelOutput, match="still invalid"):
        ask(model, memory=memory, max_invalid=1)
    assert len(model.prompts) == 2 and memory.failed_before(LOCAL.key)


def _bad_request(message: str) -> openai.BadRequestError:
    request = httpx.Request("POST", "http://127.0.0.1:8089/v1/chat/completions")
    response = httpx.Response(400, request=request, json={"error": {"message": message}})
    return openai.BadRequestError(message, response=response, body=None)


def test_a_server_that_refuses_response_format_falls_back_to_tools_once_and_is_not_asked_again():
    def reply(messages):
        args = {"routes": [{"agent": "core", "instruction": "x"}]}
        return AIMessage(content="", tool_calls=[{"name": "route_to_memory_agents", "args": args, "id": "1"}])

    class RefusesSchemas(ScriptedChatModel):
        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            if "response_format" in kwargs:
                self.keys_called.append("refused")
                raise _bad_request("response_format json_schema is not supported by this server")
            return super()._generate(messages, stop, run_manager, **kwargs)

    model = RefusesSchemas(default=reply)
    memory = CapabilityMemory()
    assert ask(model, memory=memory).routes[0].agent == "core"
    assert ask(model, memory=memory).routes[0].agent == "core"
    assert model.keys_called.count("refused") == 1, "the refusal is remembered"
    assert memory.mode(LOCAL.key) == "tools" and "json_schema" in memory.refused(LOCAL.key)


def test_capabilities_survive_a_restart_through_their_store(tmp_path):
    saved = {}
    first = CapabilityMemory(save=saved.update)
    first.record_mode("openai_compatible:m", "json_schema")
    first.record_invalid("openai_compatible:m")
    again = CapabilityMemory(load=lambda: dict(saved))
    assert again.mode("openai_compatible:m") == "json_schema" and again.failed_before("openai_compatible:m")


def test_profiles_give_local_servers_long_timeouts_one_call_at_a_time_and_single_pass():
    assert LOCAL.local and LOCAL.parallel_calls == 1 and LOCAL.timeout_s >= 600 and LOCAL.max_tokens <= 1024
    cloud = resolve_profile("openai", "gpt-4o-mini")
    assert not cloud.local and cloud.parallel_calls > 1 and cloud.timeout_s < LOCAL.timeout_s
    custom = resolve_profile("ollama", "qwen", timeout_s=30, parallel_calls=3, max_tokens=256)
    assert (custom.timeout_s, custom.parallel_calls, custom.max_tokens) == (30, 3, 256)
    with pytest.raises(ValueError, match="memorize_mode"):
        resolve_profile("openai", memorize_mode="fast")


def test_a_reply_cut_off_at_the_output_limit_is_retried_with_a_request_for_less():
    cut = AIMessage(content='{"routes": [{"agent": "episodic", "instr', response_metadata={"finish_reason": "length"})
    model = ScriptedChatModel(
        scripts={"route these": [cut, json_reply({"routes": [{"agent": "core", "instruction": "x"}]})]}
    )
    assert ask(model).routes[0].agent == "core"
    assert "cut off at the output limit" in model.prompts[1]


def test_openai_clients_length_error_on_a_cut_off_constrained_reply_is_a_retry_not_an_outage():
    from openai.types.chat import ChatCompletion

    class CutsOffOnce(ScriptedChatModel):
        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            if not self.keys_called:
                self.keys_called.append("cut")
                raise openai.LengthFinishReasonError(completion=ChatCompletion.construct(usage=None))
            return super()._generate(messages, stop, run_manager, **kwargs)

    model = CutsOffOnce(default=json_reply({"routes": [{"agent": "episodic", "instruction": "x"}]}))
    assert ask(model).routes[0].agent == "episodic"
    assert "cut off at the output limit" in model.prompts[0]


def test_two_holders_of_one_capability_file_keep_each_others_records():
    shared = {}

    def load():
        return dict(shared)

    def save(table):
        shared.clear()
        shared.update(table)

    chat, memorize = CapabilityMemory(load, save), CapabilityMemory(load, save)
    memorize.record_mode("openai_compatible:a", "json_schema")
    chat.record_mode("ollama:b", "tools")
    assert CapabilityMemory(load).mode("openai_compatible:a") == "json_schema"
    assert CapabilityMemory(load).mode("ollama:b") == "tools"


def test_a_reply_cut_off_after_whole_items_keeps_them_without_asking_again():
    whole = '{"routes": [{"agent": "semantic", "instruction": "Ann lives in Lisbon"}, {"agent": "episodic", "instr'
    model = ScriptedChatModel(default=AIMessage(content=whole, response_metadata={"finish_reason": "length"}))
    routing = ask(model)
    assert [(r.agent, r.instruction) for r in routing.routes] == [("semantic", "Ann lives in Lisbon")]
    assert len(model.prompts) == 1, "the whole items were kept: no second call"


def test_the_text_of_a_cut_off_reply_the_openai_client_refused_is_still_read():
    from openai.types.chat import ChatCompletion

    text = '{"routes": [{"agent": "core", "instruction": "Ann is vegan"}, {"agent": "epi'
    completion = ChatCompletion.model_validate(
        {
            "id": "c1",
            "created": 0,
            "model": "m",
            "object": "chat.completion",
            "choices": [{"index": 0, "finish_reason": "length", "message": {"role": "assistant", "content": text}}],
        }
    )

    class CutsOff(ScriptedChatModel):
        def _generate(self, messages, stop=None, run_manager=None, **kwargs):
            self.keys_called.append("cut")
            raise openai.LengthFinishReasonError(completion=completion)

    model = CutsOff(default=json_reply({}))
    assert [r.agent for r in ask(model).routes] == ["core"]
    assert model.keys_called == ["cut"]
