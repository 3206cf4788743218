#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ (seed-*), in the wire formats the tests' mock
upstreams speak. Inputs the fuzzer found (crash-*, found-*) live beside them and are kept.
Targets that read a "shape" byte first get each seed with a few shapes (whole, small and odd pieces)."""
import json, os, struct, zlib

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")

def d(obj):
    return json.dumps(obj, separators=(",", ":"))

def write(target, name, data, shapes=None):
    folder = os.path.join(root, target)
    os.makedirs(folder, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    for shape in (shapes if shapes is not None else [None]):
        suffix = "" if shape is None else "-s%d" % shape
        with open(os.path.join(folder, "seed-%s%s" % (name, suffix)), "wb") as f:
            f.write((bytes([shape]) if shape is not None else b"") + data)

PIECES = [0, 6, 41]   # whole, 7-byte pieces, 42-byte pieces

# ---- HTTP requests -------------------------------------------------------------------------------
chat = d({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello"}]})
write("http_request_parser", "post-chat",
      "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:8787\r\nContent-Type: application/json\r\n"
      "Authorization: Bearer sk-test\r\nx-portkey-provider: openai\r\nContent-Length: %d\r\n\r\n%s" % (len(chat), chat), PIECES)
write("http_request_parser", "portkey-headers",
      "POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: localhost\r\nx-portkey-config: {\"retry\":{\"attempts\":2}}\r\n"
      "x-portkey-metadata: {\"env\":\"prod\",\"_user\":\"u1\"}\r\nx-portkey-trace-id: run-42\r\n"
      "x-portkey-request-timeout: 5000\r\nx-portkey-forward-headers: x-a, x-b\r\n"
      "x-portkey-custom-host: http://127.0.0.1:9000/v1\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
      "x-portkey-cache-force-refresh: true\r\nx-portkey-strict-open-ai-compliance: false\r\nContent-Length: 2\r\n\r\n{}", PIECES)
write("http_request_parser", "chunked",
      "POST /v1/embeddings HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n", PIECES)
write("http_request_parser", "pipelined",
      "GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", PIECES)
write("http_request_parser", "expect-continue",
      "POST /v1/messages HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nx-api-key: k\r\nContent-Length: 4\r\n\r\nnull", [0])
write("http_request_parser", "http10", "GET /v1/models HTTP/1.0\r\n\r\n", [0])
write("http_request_parser", "garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 GET / HTTP/1.1\r\n\r\n", [0])

# ---- routing configs -----------------------------------------------------------------------------
configs = {
    "single": {"provider": "openai", "api_key": "sk-x"},
    "fallback": {"strategy": {"mode": "fallback", "on_status_codes": [429, 503]},
                 "targets": [{"provider": "anthropic", "api_key": "a", "override_params": {"model": "claude-3-haiku"}},
                             {"provider": "openai", "virtual_key": "team-openai"}]},
    "loadbalance": {"strategy": {"mode": "loadbalance"}, "retry": {"attempts": 3, "on_status_codes": [429], "use_retry_after_header": True},
                    "cache": {"mode": "semantic", "max_age": 60000, "similarity_threshold": 0.9},
                    "targets": [{"provider": "openai", "weight": 0.7, "request_timeout": 3000},
                                {"provider": "azure-openai", "weight": 0.3, "azure_resource_name": "r", "azure_deployment_id": "d",
                                 "azure_api_version": "2024-06-01"}]},
    "conditional": {"strategy": {"mode": "conditional", "conditions": [
                        {"query": {"$and": [{"metadata.plan": {"$eq": "paid"}}, {"params.model": {"$in": ["gpt-4o", "o1"]}}]}, "then": "fast"},
                        {"query": {"$or": [{"metadata.n": {"$gt": 3}}, {"metadata.x": {"$regex": "^a.*"}}]}, "then": "cheap"}],
                                 "default": "cheap"},
                    "targets": [{"name": "fast", "provider": "openai"}, {"name": "cheap", "provider": "mock"}]},
    "nested": {"strategy": {"mode": "fallback"}, "total_timeout": 20000, "first_token_timeout": 4000,
               "circuit_breaker": {"failure_threshold": 3, "window": 10000, "cooldown": 5000},
               "targets": [{"strategy": {"mode": "loadbalance"}, "targets": [{"provider": "bedrock", "aws_region": "us-east-1"},
                                                                             {"provider": "google", "custom_host": "http://127.0.0.1:1/v1beta"}]},
                           {"provider": "cohere", "forward_headers": ["x-team"], "strict_open_ai_compliance": False}]},
    "typo": {"provder": "openai", "targets": [{"provider": "opneai", "weight": -1}]},
}
for name, c in configs.items():
    write("routing_config", name, d(c))

# ---- SSE -----------------------------------------------------------------------------------------
def sse(event, data):
    return "event: %s\ndata: %s\n\n" % (event, d(data))

anthropic_events = [
    sse("message_start", {"type": "message_start", "message": {"id": "msg_mock_1", "type": "message", "role": "assistant",
        "model": "claude-3-haiku", "content": [], "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 1, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 3}}}),
    sse("content_block_start", {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
    sse("ping", {"type": "ping"}),
    sse("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello from "}}),
    sse("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Anthropic \u00e9\u6f22"}}),
    sse("content_block_stop", {"type": "content_block_stop", "index": 0}),
]
anthropic_tool = [
    sse("content_block_start", {"type": "content_block_start", "index": 1, "content_block": {"type": "tool_use", "id": "toolu_mock_1", "name": "get_weather", "input": {}}}),
    sse("content_block_delta", {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": "{\"city\":"}}),
    sse("content_block_delta", {"type": "content_block_delta", "index": 1, "delta": {"type": "input_json_delta", "partial_json": " \"Paris\"}"}}),
    sse("content_block_stop", {"type": "content_block_stop", "index": 1}),
]
anthropic_end = [
    sse("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}, "usage": {"output_tokens": 7}}),
    sse("message_stop", {"type": "message_stop"}),
]
anthropic_error = sse("error", {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}})
write("anthropic_stream_mapper", "text", "".join(anthropic_events + anthropic_end), PIECES)
write("anthropic_stream_mapper", "tool", "".join(anthropic_events + anthropic_tool + anthropic_end).replace("end_turn", "tool_use"), PIECES)
write("anthropic_stream_mapper", "error", "".join(anthropic_events[:4]) + anthropic_error, PIECES)
write("anthropic_stream_mapper", "crlf-cut", "".join(anthropic_events + anthropic_end).replace("\n", "\r\n")[:-7], [0, 2])

write("sse_reader", "anthropic", "".join(anthropic_events + anthropic_end), PIECES)
write("sse_reader", "crlf", ": comment\r\nevent: a\r\ndata: one\r\ndata: two\r\nid: 7\r\nretry: 10\r\n\r\ndata:x\r\rdata: y\n\n", [0, 1, 2])
write("sse_reader", "unterminated", "data: {\"a\":1}\n\ndata: partial", [0, 3])
write("sse_reader", "utf8", "data: \u00e9\u00e8\u6f22\u5b57 \U0001F600\n\n", [0, 1])

gemini_usage = {"promptTokenCount": 9, "candidatesTokenCount": 6, "thoughtsTokenCount": 2, "totalTokenCount": 17}
def gemini(parts, finish=None, usage=gemini_usage):
    c = {"content": {"role": "model", "parts": parts}, "index": 0}
    if finish:
        c["finishReason"] = finish
    return {"candidates": [c], "usageMetadata": usage, "modelVersion": "gemini-2.0-flash", "responseId": "resp-mock-1"}
gem_stream = "".join("data: %s\r\n\r\n" % d(e) for e in [
    gemini([{"text": "Hello from "}], usage={"promptTokenCount": 9, "totalTokenCount": 9}),
    gemini([{"text": "Gemini mock"}], "STOP")])
write("google_stream_mapper", "text", gem_stream, PIECES)
write("google_stream_mapper", "tool", "data: %s\r\n\r\n" % d(gemini([{"functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                                                                         "thoughtSignature": "sig-mock-1"}], "STOP")), PIECES)
write("google_stream_mapper", "blocked", "data: %s\n\n" % d({"promptFeedback": {"blockReason": "SAFETY"},
                                                               "usageMetadata": {"promptTokenCount": 9, "totalTokenCount": 9}}), PIECES)
write("google_stream_mapper", "error", "data: %s\n\ndata: %s\n\n" % (d(gemini([{"text": "Hel"}])),
      d({"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}})), PIECES)
write("google_stream_mapper", "two-candidates", "data: %s\n\n" % d({"candidates": [
    {"content": {"role": "model", "parts": [{"text": "a"}, {"thought": True, "text": "hmm"}]}, "index": 0, "finishReason": "STOP"},
    {"content": {"role": "model", "parts": [{"text": "b"}]}, "index": 1, "finishReason": "MAX_TOKENS"}], "usageMetadata": gemini_usage}), PIECES)

cohere_usage = {"billed_units": {"input_tokens": 10, "output_tokens": 6}, "tokens": {"input_tokens": 210, "output_tokens": 6}}
def cev(t, data):
    data = dict(data, type=t)
    return "event: %s\ndata: %s\n\n" % (t, d(data))
cohere_start = cev("message-start", {"id": "cohere-mock-1", "delta": {"message": {"role": "assistant", "content": [], "tool_plan": "", "tool_calls": []}}})
write("cohere_stream_mapper", "text", cohere_start + cev("content-start", {"index": 0, "delta": {"message": {"content": {"type": "text", "text": ""}}}})
      + cev("content-delta", {"index": 0, "delta": {"message": {"content": {"text": "Hello from Cohere"}}}})
      + cev("content-end", {"index": 0}) + cev("message-end", {"delta": {"finish_reason": "COMPLETE", "usage": cohere_usage}}), PIECES)
write("cohere_stream_mapper", "tool", cohere_start + cev("tool-plan-delta", {"delta": {"message": {"tool_plan": "I will look up the weather."}}})
      + cev("tool-call-start", {"index": 0, "delta": {"message": {"tool_calls": {"id": "get_weather_mock1", "type": "function",
                                                                                 "function": {"name": "get_weather", "arguments": ""}}}}})
      + cev("tool-call-delta", {"index": 0, "delta": {"message": {"tool_calls": {"function": {"arguments": "{\"city\":"}}}}})
      + cev("tool-call-delta", {"index": 0, "delta": {"message": {"tool_calls": {"function": {"arguments": " \"Paris\"}"}}}}})
      + cev("tool-call-end", {"index": 0}) + cev("message-end", {"delta": {"finish_reason": "TOOL_CALL", "usage": cohere_usage}}), PIECES)
write("cohere_stream_mapper", "error", cohere_start + "data: %s\n\n" % d({"message": "internal server error"}), PIECES)

# ---- AWS event stream ----------------------------------------------------------------------------
def frame(headers, payload):
    h = b""
    for name, value in headers:
        name, value = name.encode(), value.encode()
        h += bytes([len(name)]) + name + b"\x07" + struct.pack(">H", len(value)) + value
    payload = payload.encode() if isinstance(payload, str) else payload
    prelude = struct.pack(">II", 16 + len(h) + len(payload), len(h))
    msg = prelude + struct.pack(">I", zlib.crc32(prelude)) + h + payload
    return msg + struct.pack(">I", zlib.crc32(msg))

def bev(t, payload):
    return frame([(":event-type", t), (":content-type", "application/json"), (":message-type", "event")], payload)

bedrock_usage = {"inputTokens": 20, "outputTokens": 9, "totalTokens": 33, "cacheReadInputTokens": 4}
bedrock_text = (bev("messageStart", '{"role":"assistant"}')
                + bev("contentBlockDelta", d({"contentBlockIndex": 0, "delta": {"text": "Hello from "}}))
                + bev("contentBlockDelta", d({"contentBlockIndex": 0, "delta": {"text": "Bedrock mock"}}))
                + bev("contentBlockStop", '{"contentBlockIndex":0}')
                + bev("messageStop", d({"stopReason": "end_turn"}))
                + bev("metadata", d({"usage": bedrock_usage, "metrics": {"latencyMs": 12}})))
bedrock_tool = (bev("messageStart", '{"role":"assistant"}')
                + bev("contentBlockStart", d({"contentBlockIndex": 0, "start": {"toolUse": {"toolUseId": "tooluse_mock1", "name": "get_weather"}}}))
                + bev("contentBlockDelta", d({"contentBlockIndex": 0, "delta": {"toolUse": {"input": "{\"city\":"}}}))
                + bev("contentBlockDelta", d({"contentBlockIndex": 0, "delta": {"toolUse": {"input": "\"Paris\"}"}}}))
                + bev("contentBlockStop", '{"contentBlockIndex":0}')
                + bev("messageStop", d({"stopReason": "tool_use"}))
                + bev("metadata", d({"usage": bedrock_usage})))
bedrock_exception = (bev("messageStart", '{"role":"assistant"}')
                     + frame([(":exception-type", "throttlingException"), (":content-type", "application/json"), (":message-type", "exception")],
                             '{"message":"Too many requests, please wait before trying again."}'))
# shapes: odd = repair CRCs (bit 0), the rest = piece size
for name, data in [("text", bedrock_text), ("tool", bedrock_tool), ("exception", bedrock_exception)]:
    write("bedrock_stream_mapper", name, data, [0, 1, 12, 85])
    write("aws_event_stream", name, data, [0, 1, 12, 85])
typed = b"\x04bool\x00" + b"\x03byt\x02\x05" + b"\x05short\x03\x00\x07" + b"\x03int\x04\x00\x00\x00\x08" + b"\x04long\x05" + b"\x00" * 8 \
      + b"\x03bin\x06\x00\x02ab" + b"\x03str\x07\x00\x02hi" + b"\x02ts\x08" + b"\x00" * 8 + b"\x04uuid\x09" + b"\x11" * 16
prelude = struct.pack(">II", 16 + len(typed) + 2, len(typed))
msg = prelude + struct.pack(">I", zlib.crc32(prelude)) + typed + b"{}"
write("aws_event_stream", "typed-headers", msg + struct.pack(">I", zlib.crc32(msg)), [0, 1, 4])
write("aws_event_stream", "bad-crc", bedrock_text[:40] + b"\xff" + bedrock_text[41:], [0, 2])

# ---- whole answers -------------------------------------------------------------------------------
write("anthropic_response", "message", d({"id": "msg_mock_1", "type": "message", "role": "assistant", "model": "claude-3-haiku",
      "content": [{"type": "text", "text": "Let me check."}, {"type": "tool_use", "id": "toolu_mock_1", "name": "get_weather", "input": {"city": "Paris"}},
                  {"type": "thinking", "thinking": "hm", "signature": "s"}],
      "stop_reason": "tool_use", "stop_sequence": None,
      "usage": {"input_tokens": 12, "output_tokens": 7, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 3}}), [0])
write("anthropic_response", "error", d({"type": "error", "error": {"type": "rate_limit_error", "message": "mock rate_limit_error"}, "request_id": "req_mock"}), [5])
write("anthropic_response", "not-json", "<html>502 Bad Gateway</html>", [6])

write("google_response", "generate", d(gemini([{"text": "Hello"}, {"functionCall": {"name": "f", "args": {"a": [1, 2]}}, "thoughtSignature": "sig"}], "STOP")), [0, 0x20])
write("google_response", "blocked", d({"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": {"promptTokenCount": 9, "totalTokenCount": 9}}), [0])
write("google_response", "embed", d({"embeddings": [{"values": [0.0, 0.5, -0.125]}, {"values": [0.25, 0.5, -0.125]}]}), [0x10])
write("google_response", "error", d({"error": {"code": 429, "message": "Resource has been exhausted", "status": "RESOURCE_EXHAUSTED"}}), [5])
write("google_response", "error-array", d([{"error": {"code": 400, "message": "Invalid JSON payload received.", "status": "INVALID_ARGUMENT"}}]), [2])

write("cohere_response", "chat", d({"id": "cohere-mock-1", "finish_reason": "COMPLETE", "message": {"role": "assistant",
      "content": [{"type": "text", "text": "Hello from Cohere mock"}]}, "usage": cohere_usage}), [0])
write("cohere_response", "tool", d({"id": "cohere-mock-1", "finish_reason": "TOOL_CALL", "message": {"role": "assistant",
      "tool_plan": "I will look up the weather.", "tool_calls": [{"id": "get_weather_mock1", "type": "function",
      "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}]}, "usage": cohere_usage}), [0])
write("cohere_response", "embed", d({"id": "emb_mock_1", "embeddings": {"float": [[0.5, -0.25, 0.0], [0.5, -0.25, 1.0]]}, "texts": ["a", "b"],
      "meta": {"api_version": {"version": "2"}, "billed_units": {"input_tokens": 6}}}), [0x10, 0x30])
write("cohere_response", "error", d({"id": "err_mock", "message": "no api key supplied"}), [3, 5])

write("bedrock_converse_response", "text", d({"output": {"message": {"role": "assistant", "content": [{"text": "Hello from Bedrock mock"}]}},
      "stopReason": "end_turn", "usage": bedrock_usage, "metrics": {"latencyMs": 12}}), [0])
write("bedrock_converse_response", "tool", d({"output": {"message": {"role": "assistant", "content": [
      {"toolUse": {"toolUseId": "tooluse_mock1", "name": "get_weather", "input": {"city": "Paris"}}}]}},
      "stopReason": "tool_use", "usage": bedrock_usage}), [0])
write("bedrock_converse_response", "error", d({"message": "Missing Authentication Token"}), [3, 5])
write("bedrock_converse_response", "error-capital", d({"Message": "Too many requests"}), [5])

# ---- Anthropic inbound requests ------------------------------------------------------------------
write("anthropic_inbound_request", "text", d({"model": "claude-3-5-sonnet", "max_tokens": 256, "system": "Be brief.",
      "messages": [{"role": "user", "content": "Hello"}], "stream": True, "temperature": 0.2, "top_k": 5,
      "stop_sequences": ["END"], "metadata": {"user_id": "u-1"}}))
write("anthropic_inbound_request", "blocks", d({"model": "claude-3-5-sonnet", "max_tokens": 1024,
      "system": [{"type": "text", "text": "You are helpful.", "cache_control": {"type": "ephemeral"}}],
      "messages": [
          {"role": "user", "content": [{"type": "text", "text": "What is in this image?"},
                                       {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
                                       {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}},
                                       {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="}}]},
          {"role": "assistant", "content": [{"type": "thinking", "thinking": "...", "signature": "x"},
                                            {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}]},
          {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": [{"type": "text", "text": "sunny"}], "is_error": False}]}],
      "tools": [{"name": "get_weather", "description": "Weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}],
      "tool_choice": {"type": "tool", "name": "get_weather"}, "thinking": {"type": "enabled", "budget_tokens": 2048}}))
write("anthropic_inbound_request", "bad", d({"model": "claude", "max_tokens": "many", "messages": [{"role": "system", "content": 3}]}))

# ---- log filters ---------------------------------------------------------------------------------
for i, text in enumerate([
        'provider:openai model:gpt-4o-mini status:5xx trace:run-42 config:pc-team meta.env:prod since:1h "refund policy"',
        'status:429 since:2026-01-01T00:00:00Z until:2026-02-01 key:team-a refund*',
        'model:"my model" status:error since:7d meta."a b":"c d"',
        'statsu:500', 'since:', '"unterminated', 'OR AND NOT (x) -y "a""b"']):
    write("log_filter_syntax", "f%d" % i, text)
