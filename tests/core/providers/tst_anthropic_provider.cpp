// AnthropicProvider: the upstream request (URL, headers, Messages body), answer and error mapping,
// and the stream mapper fed in arbitrary pieces. Hostile input must give 400s, never exceptions.
#include "providers/anthropic_provider.h"
#include "providers/anthropic_request.h"
#include "providers/anthropic_response.h"
#include "providers/anthropic_stream_mapper.h"
#include "providers/provider_registry.h"

#include "json_fuzz.h"
#include "stream_feeding.h"

#include <QRegularExpression>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace gatehouse;
using json = nlohmann::json;

namespace {

ProviderInfo anthropicInfo()
{
    ProviderInfo i;
    i.id = QStringLiteral("anthropic");
    i.name = i.id;
    i.baseUrl = "https://api.anthropic.com/v1";
    i.auth = AuthStyle::XApiKey;
    i.endpoints = {Endpoint::ChatCompletions};
    return i;
}

QByteArray describe(const std::variant<UpstreamRequest, ApiError>& v)
{
    if (const auto* e = std::get_if<ApiError>(&v))
        return "ApiError " + QByteArray::number(e->status) + " " + e->toJson();
    return "UpstreamRequest";
}

// The error of a mapping result, for failure messages (QVERIFY2 evaluates its message eagerly).
QByteArray errorOf(const std::variant<json, ApiError>& v)
{
    const auto* e = std::get_if<ApiError>(&v);
    return e ? e->toJson() : QByteArray();
}

QByteArray diff(const json& actual, const json& expected)
{
    return QByteArray::fromStdString("\nactual:   " + actual.dump() + "\nexpected: " + expected.dump());
}

const json kSimple = json::parse(R"({"model":"claude-x","messages":[{"role":"user","content":"Hi"}]})");

// A stream as Anthropic sends it, with two tool_use blocks whose argument fragments interleave.
QByteArray anthropicStream(const char* eol)
{
    const char* events[][2] = {
        {"message_start", R"({"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"cache_creation_input_tokens":0,"cache_read_input_tokens":3,"output_tokens":1}}})"},
        {"content_block_start", R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})"},
        {"ping", R"({"type": "ping"})"},
        {"content_block_delta", R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}})"},
        {"content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo \xe2\x9c\x93\"}}"},
        {"content_block_stop", R"({"type":"content_block_stop","index":0})"},
        {"content_block_start", R"({"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{}}})"},
        {"content_block_delta", R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}})"},
        {"content_block_delta", R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\":"}})"},
        {"content_block_start", R"({"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_2","name":"get_time","input":{}}})"},
        {"content_block_delta", R"({"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{}"}})"},
        {"content_block_delta", R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":" \"SF\"}"}})"},
        {"content_block_stop", R"({"type":"content_block_stop","index":1})"},
        {"content_block_stop", R"({"type":"content_block_stop","index":2})"},
        {"message_delta", R"({"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":7}})"},
        {"message_stop", R"({"type":"message_stop"})"},
    };
    QByteArray out;
    for (const auto& e : events)
        out += QByteArray("event: ") + e[0] + eol + "data: " + e[1] + eol + eol;
    return out;
}

json chunk(const json& delta, const json& finish = nullptr)
{
    return {{"id", "msg_1"}, {"object", "chat.completion.chunk"}, {"created", 0}, {"model", "claude-x"},
            {"choices", json::array({{{"index", 0}, {"delta", delta}, {"logprobs", nullptr}, {"finish_reason", finish}}})}};
}

json expectedChunks()
{
    json finish = chunk(json::object(), "tool_calls");
    finish["usage"] = {{"prompt_tokens", 13}, {"completion_tokens", 7}, {"total_tokens", 20},
                       {"prompt_tokens_details", {{"cached_tokens", 3}}},
                       {"cache_creation_input_tokens", 0}, {"cache_read_input_tokens", 3}};
    return json::array({
        chunk({{"role", "assistant"}, {"content", ""}}),
        chunk({{"content", "Hel"}}),
        chunk({{"content", "lo \xe2\x9c\x93"}}),
        chunk({{"tool_calls", {{{"index", 0}, {"id", "toolu_1"}, {"type", "function"}, {"function", {{"name", "get_weather"}, {"arguments", ""}}}}}}}),
        chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", "{\"city\":"}}}}}}}),
        chunk({{"tool_calls", {{{"index", 1}, {"id", "toolu_2"}, {"type", "function"}, {"function", {{"name", "get_time"}, {"arguments", ""}}}}}}}),
        chunk({{"tool_calls", {{{"index", 1}, {"function", {{"arguments", "{}"}}}}}}}),
        chunk({{"tool_calls", {{{"index", 0}, {"function", {{"arguments", " \"SF\"}"}}}}}}}),
        finish,
        "[DONE]",
    });
}

} // namespace

// QCOMPARE cannot print nlohmann::json (its conversions confuse QTest's toString).
#define JSON_COMPARE(actual, expected)                                                   \
    do {                                                                                 \
        const json a_ = (actual), e_ = (expected);                                       \
        QVERIFY2(a_ == e_, diff(a_, e_).constData());                                    \
    } while (false)

#define BUILD_OK(req, provider, call)                                                                    \
    const auto req##_result = (provider).buildRequest(call);                                             \
    QVERIFY2(std::holds_alternative<UpstreamRequest>(req##_result), describe(req##_result).constData()); \
    const UpstreamRequest& req = std::get<UpstreamRequest>(req##_result)

class TestAnthropicProvider : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void registryBuildsIt();
    void urlHeadersAndAuth();
    void customHostReplacesBase();
    void versionAndBetaOverrides_data();
    void versionAndBetaOverrides();
    void headerInjectionRefused();
    void missingKeyIs401();
    void clientXApiKeyIsUsed();
    void onlyChat();
    void requestGolden();
    void requestDefaults();
    void toolChoice_data();
    void toolChoice();
    void toolIdsAreSanitizedConsistently();
    void badRequests_data();
    void badRequests();
    void responseText();
    void responseToolUse();
    void stopReasons_data();
    void stopReasons();
    void errorBodies_data();
    void errorBodies();
    void unusable2xxIs502();
    void streamWhole_data();
    void streamWhole();
    void streamOneByteAndRandomPieces();
    void streamErrorEvent();
    void streamWithoutMessageStopStillEnds();
    void streamIgnoresGarbage();
    void fuzzedRequestsNeverThrow();
    void fuzzedAnswersNeverThrow();
    void nonStrictAddsContentBlocksAndRawStopReason();
    void nonStrictStreamAddsContentBlockDeltas();
};

void TestAnthropicProvider::registryBuildsIt()
{
    const auto reg = ProviderRegistry::builtIn();
    const Provider* p = reg->find(QStringLiteral("anthropic"));
    QVERIFY(p);
    QVERIFY(dynamic_cast<const AnthropicProvider*>(p));
    QCOMPARE(p->info().baseUrl, QByteArray("https://api.anthropic.com/v1"));
    QCOMPARE(p->info().auth, AuthStyle::XApiKey);
    QVERIFY(p->supports(Endpoint::ChatCompletions));
    QVERIFY(!p->supports(Endpoint::Embeddings));
    QVERIFY(p->makeStreamMapper(Endpoint::ChatCompletions));
}

void TestAnthropicProvider::urlHeadersAndAuth()
{
    AnthropicProvider p(anthropicInfo());
    ProviderCall call;
    call.bodyJson = &kSimple;
    call.apiKey = QStringLiteral("sk-ant-1");
    call.query = "beta=true";
    call.timeoutMs = 1234;
    call.extraHeaders = {{"x-custom", "1"}, {"openai-organization", "org"}};
    BUILD_OK(r, p, call);
    QCOMPARE(r.method, QByteArray("POST"));
    QCOMPARE(r.url, QByteArray("https://api.anthropic.com/v1/messages"));   // client query not carried
    QCOMPARE(findHeader(r.headers, "x-api-key"), QByteArrayView("sk-ant-1"));
    QCOMPARE(findHeader(r.headers, "anthropic-version"), QByteArrayView("2023-06-01"));
    QCOMPARE(findHeader(r.headers, "content-type"), QByteArrayView("application/json"));
    QVERIFY(!hasHeader(r.headers, "anthropic-beta"));
    QVERIFY(!hasHeader(r.headers, "authorization"));
    QVERIFY(!hasHeader(r.headers, "openai-organization"));
    QCOMPARE(findHeader(r.headers, "x-custom"), QByteArrayView("1"));
    QCOMPARE(r.timeoutMs, 1234);
    const json body = json::parse(r.body.toStdString());
    JSON_COMPARE(body, json::parse(R"({"model":"claude-x","max_tokens":4096,"messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]})"));
}

void TestAnthropicProvider::customHostReplacesBase()
{
    AnthropicProvider p(anthropicInfo());
    ProviderCall call;
    call.bodyJson = &kSimple;
    call.customHost = "http://127.0.0.1:9/v1//";
    BUILD_OK(r, p, call);   // a custom host may go without a key (a local proxy holds it)
    QCOMPARE(r.url, QByteArray("http://127.0.0.1:9/v1/messages"));
    QVERIFY(!hasHeader(r.headers, "x-api-key"));
}

void TestAnthropicProvider::versionAndBetaOverrides_data()
{
    QTest::addColumn<QByteArrayList>("clientHeaders");   // name=value
    QTest::addColumn<QByteArrayList>("forwarded");
    QTest::addColumn<QByteArray>("bodyExtra");
    QTest::addColumn<QByteArray>("version");
    QTest::addColumn<QByteArray>("beta");
    QTest::newRow("default") << QByteArrayList() << QByteArrayList() << QByteArray() << QByteArray("2023-06-01") << QByteArray();
    QTest::newRow("portkey header") << QByteArrayList{"x-portkey-anthropic-version=2024-01-01", "anthropic-version=2022-01-01",
                                                      "x-portkey-anthropic-beta=tools-1"}
                                    << QByteArrayList() << QByteArray() << QByteArray("2024-01-01") << QByteArray("tools-1");
    QTest::newRow("plain header") << QByteArrayList{"anthropic-version=2022-01-01", "anthropic-beta=a,b"} << QByteArrayList()
                                  << QByteArray() << QByteArray("2022-01-01") << QByteArray("a,b");
    QTest::newRow("forwarded header") << QByteArrayList() << QByteArrayList{"anthropic-version=2021-01-01", "anthropic-beta=f"}
                                      << QByteArray() << QByteArray("2021-01-01") << QByteArray("f");
    QTest::newRow("body fields") << QByteArrayList() << QByteArrayList()
                                 << QByteArray(R"(,"anthropic_version":"2020-01-01","anthropic_beta":"b1")")
                                 << QByteArray("2020-01-01") << QByteArray("b1");
    QTest::newRow("header beats body") << QByteArrayList{"anthropic-version=2024-05-05"} << QByteArrayList()
                                       << QByteArray(R"(,"anthropic_version":"2020-01-01")") << QByteArray("2024-05-05") << QByteArray();
}

void TestAnthropicProvider::versionAndBetaOverrides()
{
    QFETCH(QByteArrayList, clientHeaders);
    QFETCH(QByteArrayList, forwarded);
    QFETCH(QByteArray, bodyExtra);
    QFETCH(QByteArray, version);
    QFETCH(QByteArray, beta);
    auto toList = [](const QByteArrayList& l) {
        HeaderList h;
        for (const QByteArray& nv : l)
            h.emplace_back(nv.left(nv.indexOf('=')), nv.mid(nv.indexOf('=') + 1));
        return h;
    };
    const HeaderList client = toList(clientHeaders);
    const json body = json::parse(R"({"model":"claude-x","messages":[{"role":"user","content":"Hi"}])" + bodyExtra.toStdString() + "}");
    AnthropicProvider p(anthropicInfo());
    ProviderCall call;
    call.bodyJson = &body;
    call.apiKey = QStringLiteral("k");
    call.clientHeaders = &client;
    call.extraHeaders = toList(forwarded);
    BUILD_OK(r, p, call);
    QCOMPARE(findHeader(r.headers, "anthropic-version").toByteArray(), version);
    QCOMPARE(findHeader(r.headers, "anthropic-beta").toByteArray(), beta);
    int versions = 0;
    for (const auto& h : r.headers)
        versions += h.first == "anthropic-version" ? 1 : 0;
    QCOMPARE(versions, 1);
    const json sent = json::parse(r.body.toStdString());
    QVERIFY(!sent.contains("anthropic_version"));   // a header, never a body field upstream
    QVERIFY(!sent.contains("anthropic_beta"));
}

void TestAnthropicProvider::headerInjectionRefused()
{
    const json body = json::parse(R"({"model":"claude-x","messages":[{"role":"user","content":"Hi"}],"anthropic_beta":"a\r\nx-evil: 1"})");
    AnthropicProvider p(anthropicInfo());
    ProviderCall call;
    call.bodyJson = &body;
    call.apiKey = QStringLiteral("k");
    const auto r = p.buildRequest(call);
    QVERIFY(std::holds_alternative<ApiError>(r));
    QCOMPARE(std::get<ApiError>(r).status, 400);
}

void TestAnthropicProvider::missingKeyIs401()
{
    AnthropicProvider p(anthropicInfo());
    ProviderCall call;
    call.bodyJson = &kSimple;
    const auto r = p.buildRequest(call);
    QVERIFY(std::holds_alternative<ApiError>(r));
    QCOMPARE(std::get<ApiError>(r).status, 401);
    QCOMPARE(std::get<ApiError>(r).code, QStringLiteral("missing_api_key"));
}

void TestAnthropicProvider::clientXApiKeyIsUsed()
{
    const HeaderList client = {{"x-api-key", "sk-from-claude-code"}};
    AnthropicProvider p(anthropicInfo());
    ProviderCall call;
    call.bodyJson = &kSimple;
    call.clientHeaders = &client;
    BUILD_OK(r, p, call);
    QCOMPARE(findHeader(r.headers, "x-api-key"), QByteArrayView("sk-from-claude-code"));
}

void TestAnthropicProvider::onlyChat()
{
    AnthropicProvider p(anthropicInfo());
    ProviderCall call;
    call.endpoint = Endpoint::Embeddings;
    call.bodyJson = &kSimple;
    call.apiKey = QStringLiteral("k");
    const auto r = p.buildRequest(call);
    QVERIFY(std::holds_alternative<ApiError>(r));
    QCOMPARE(std::get<ApiError>(r).status, 400);
    QVERIFY(!p.makeStreamMapper(Endpoint::Embeddings));
}

void TestAnthropicProvider::requestGolden()
{
    const json in = json::parse(R"({
      "model": "claude-sonnet-4-5",
      "messages": [
        {"role": "system", "content": "You are terse."},
        {"role": "developer", "content": [{"type": "text", "text": "Answer in English.", "cache_control": {"type": "ephemeral"}}]},
        {"role": "user", "content": "What is in this image?"},
        {"role": "user", "content": [
          {"type": "text", "text": "Look:"},
          {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
          {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg", "detail": "high"}},
          {"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBERi0=", "filename": "doc.pdf"}}]},
        {"role": "assistant", "content": "Checking.", "tool_calls": [
          {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
          {"id": "call.2/x", "type": "function", "function": {"name": "get_time", "arguments": "not json"}}]},
        {"role": "tool", "tool_call_id": "call_1", "content": "18C"},
        {"role": "tool", "tool_call_id": "call.2/x", "content": [{"type": "text", "text": "12:00"}]},
        {"role": "user", "content": "Thanks"},
        {"role": "assistant", "content": ""},
        {"role": "user", "content": [{"type": "text", "text": "Bye"}]}
      ],
      "tools": [
        {"type": "function", "function": {"name": "get_weather", "description": "Weather now", "strict": true,
          "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}},
        {"type": "function", "function": {"name": "get_time"}}],
      "tool_choice": "required",
      "parallel_tool_calls": false,
      "stop": ["END", ""],
      "max_completion_tokens": 300,
      "max_tokens": 100,
      "temperature": 1.5,
      "top_p": 0.9,
      "top_k": 40,
      "user": "alice",
      "stream": true,
      "n": 1,
      "presence_penalty": 0.5,
      "response_format": {"type": "json_object"},
      "x_unknown": {"dropped": true}
    })");
    const auto out = anthropic::toMessagesRequest(in);
    QVERIFY2(std::holds_alternative<json>(out), errorOf(out).constData());
    const std::string hashed = anthropic::toolUseId("call.2/x");
    QVERIFY(QRegularExpression(QStringLiteral("^call_[0-9a-f]{24}$")).match(QString::fromStdString(hashed)).hasMatch());
    json expected = json::parse(R"({
      "model": "claude-sonnet-4-5",
      "system": [{"type": "text", "text": "You are terse."},
                 {"type": "text", "text": "Answer in English.", "cache_control": {"type": "ephemeral"}}],
      "messages": [
        {"role": "user", "content": [
          {"type": "text", "text": "What is in this image?"},
          {"type": "text", "text": "Look:"},
          {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
          {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
          {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="}, "title": "doc.pdf"}]},
        {"role": "assistant", "content": [
          {"type": "text", "text": "Checking."},
          {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}},
          {"type": "tool_use", "id": "HASHED", "name": "get_time", "input": {}}]},
        {"role": "user", "content": [
          {"type": "tool_result", "tool_use_id": "call_1", "content": "18C"},
          {"type": "tool_result", "tool_use_id": "HASHED", "content": [{"type": "text", "text": "12:00"}]},
          {"type": "text", "text": "Thanks"},
          {"type": "text", "text": "Bye"}]}
      ],
      "tools": [
        {"name": "get_weather", "description": "Weather now",
         "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
        {"name": "get_time", "input_schema": {"type": "object", "properties": {}}}],
      "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
      "stop_sequences": ["END"],
      "max_tokens": 300,
      "temperature": 1.0,
      "top_p": 0.9,
      "top_k": 40,
      "metadata": {"user_id": "alice"},
      "stream": true
    })");
    expected["messages"][1]["content"][2]["id"] = hashed;
    expected["messages"][2]["content"][1]["tool_use_id"] = hashed;
    QVERIFY2(std::get<json>(out) == expected, diff(std::get<json>(out), expected).constData());
}

void TestAnthropicProvider::requestDefaults()
{
    const json in = json::parse(R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":"data:image/jpg;base64,AA"}]}],"max_tokens":50,"temperature":-1,
                                    "stop":"###","stream":false,"tools":[],"tool_choice":"auto"})");
    const auto out = anthropic::toMessagesRequest(in);
    QVERIFY(std::holds_alternative<json>(out));
    const json& j = std::get<json>(out);
    QCOMPARE(j["max_tokens"].get<int>(), 50);
    QCOMPARE(j["temperature"].get<double>(), 0.0);
    JSON_COMPARE(j["stop_sequences"], json::array({"###"}));
    QVERIFY(!j.contains("stream"));
    QVERIFY(!j.contains("tools"));          // an empty tool list is no tool list
    QVERIFY(!j.contains("tool_choice"));    // and tool_choice without tools means nothing
    QVERIFY(!j.contains("system"));
    // The image_url shorthand (a bare string) works, and image/jpg is spelled the way Anthropic accepts.
    JSON_COMPARE(j["messages"][0]["content"][0]["source"],
                 json::parse(R"({"type":"base64","media_type":"image/jpeg","data":"AA"})"));
}

void TestAnthropicProvider::toolChoice_data()
{
    QTest::addColumn<QByteArray>("choice");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("auto") << QByteArray(R"("auto")") << QByteArray(R"({"type":"auto"})");
    QTest::newRow("none") << QByteArray(R"("none")") << QByteArray(R"({"type":"none"})");
    QTest::newRow("required") << QByteArray(R"("required")") << QByteArray(R"({"type":"any"})");
    QTest::newRow("function") << QByteArray(R"({"type":"function","function":{"name":"f"}})") << QByteArray(R"({"type":"tool","name":"f"})");
    QTest::newRow("absent") << QByteArray("null") << QByteArray("null");
}

void TestAnthropicProvider::toolChoice()
{
    QFETCH(QByteArray, choice);
    QFETCH(QByteArray, expected);
    const json in = json::parse(R"({"model":"m","messages":[{"role":"user","content":"x"}],
        "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{}}}}],"tool_choice":)" +
                                choice.toStdString() + "}");
    const auto out = anthropic::toMessagesRequest(in);
    QVERIFY(std::holds_alternative<json>(out));
    const json& j = std::get<json>(out);
    const json want = json::parse(expected.toStdString());
    JSON_COMPARE(j.contains("tool_choice") ? j["tool_choice"] : json(), want);
}

void TestAnthropicProvider::toolIdsAreSanitizedConsistently()
{
    QCOMPARE(anthropic::toolUseId("toolu_01A-b_c"), std::string("toolu_01A-b_c"));
    const std::string a = anthropic::toolUseId("call:1");
    QCOMPARE(anthropic::toolUseId("call:1"), a);            // stable
    QVERIFY(a != anthropic::toolUseId("call:2"));
    QVERIFY(a != anthropic::toolUseId(""));
}

void TestAnthropicProvider::badRequests_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("param");
    QTest::newRow("no model") << QByteArray(R"({"messages":[{"role":"user","content":"x"}]})") << "model";
    QTest::newRow("model not string") << QByteArray(R"({"model":5,"messages":[{"role":"user","content":"x"}]})") << "model";
    QTest::newRow("no messages") << QByteArray(R"({"model":"m"})") << "messages";
    QTest::newRow("messages object") << QByteArray(R"({"model":"m","messages":{}})") << "messages";
    QTest::newRow("only system") << QByteArray(R"({"model":"m","messages":[{"role":"system","content":"x"}]})") << "messages";
    QTest::newRow("message not object") << QByteArray(R"({"model":"m","messages":["hi"]})") << "messages[0]";
    QTest::newRow("bad role") << QByteArray(R"({"model":"m","messages":[{"role":"wizard","content":"x"}]})") << "messages[0].role";
    QTest::newRow("role not string") << QByteArray(R"({"model":"m","messages":[{"role":7,"content":"x"}]})") << "messages[0].role";
    QTest::newRow("content number") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":5}]})") << "messages[0].content";
    QTest::newRow("part not object") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":[1]}]})") << "messages[0].content[0]";
    QTest::newRow("unknown part") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":[{"type":"video"}]}]})")
                                  << "messages[0].content[0].type";
    QTest::newRow("bad image url") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"ftp://x"}}]}]})")
                                   << "messages[0].content[0].image_url.url";
    QTest::newRow("image url number") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":7}]}]})")
                                      << "messages[0].content[0].image_url.url";
    QTest::newRow("file id") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":[{"type":"file","file":{"file_id":"f"}}]}]})")
                             << "messages[0].content[0]";
    QTest::newRow("tool without id") << QByteArray(R"({"model":"m","messages":[{"role":"tool","content":"x"}]})") << "messages[0].tool_call_id";
    QTest::newRow("tool_calls object") << QByteArray(R"({"model":"m","messages":[{"role":"assistant","tool_calls":{}}]})") << "messages[0].tool_calls";
    QTest::newRow("tool call no name") << QByteArray(R"({"model":"m","messages":[{"role":"assistant","tool_calls":[{"id":"a","function":{}}]}]})")
                                       << "messages[0].tool_calls[0]";
    QTest::newRow("tools object") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":{}})") << "tools";
    QTest::newRow("tool no name") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{}}]})")
                                  << "tools[0].function.name";
    QTest::newRow("tool_choice bad") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f"}}],"tool_choice":"maybe"})")
                                     << "tool_choice";
    QTest::newRow("temperature string") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":"hot"})") << "temperature";
    QTest::newRow("max_tokens zero") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":0})") << "max_tokens";
    QTest::newRow("max_tokens fraction") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":1.5})") << "max_tokens";
    QTest::newRow("stop number") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":3})") << "stop";
    QTest::newRow("stop array of numbers") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":[3]})") << "stop";
    QTest::newRow("n 2") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"n":2})") << "n";
    QTest::newRow("user number") << QByteArray(R"({"model":"m","messages":[{"role":"user","content":"x"}],"user":1})") << "user";
    QByteArray deep = R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":)";
    deep += QByteArray(5000, '[') + QByteArray(5000, ']') + "}}]}";
    QTest::newRow("nested too deep") << deep << "";
}

void TestAnthropicProvider::badRequests()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, param);
    const json in = json::parse(body.toStdString());
    AnthropicProvider p(anthropicInfo());
    ProviderCall call;
    call.bodyJson = &in;
    call.apiKey = QStringLiteral("k");
    const auto r = p.buildRequest(call);
    QVERIFY2(std::holds_alternative<ApiError>(r), "expected a 400");
    const ApiError& e = std::get<ApiError>(r);
    QCOMPARE(e.status, 400);
    QCOMPARE(e.param, param);
    QVERIFY(!e.message.isEmpty());
}

void TestAnthropicProvider::responseText()
{
    AnthropicProvider p(anthropicInfo());
    int status = 200;
    QByteArray body = R"({"id":"msg_1","type":"message","role":"assistant","model":"claude-x",
        "content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"Hi "},{"type":"text","text":"there"}],
        "stop_reason":"end_turn","stop_sequence":null,
        "usage":{"input_tokens":10,"output_tokens":5,"cache_creation_input_tokens":2,"cache_read_input_tokens":3}})";
    p.mapResponse(Endpoint::ChatCompletions, status, body);
    QCOMPARE(status, 200);
    json j = json::parse(body.toStdString());
    QVERIFY(j["created"].is_number_integer() && j["created"].get<qint64>() > 1'600'000'000);
    j["created"] = 0;
    const json expected = json::parse(R"({"id":"msg_1","object":"chat.completion","created":0,"model":"claude-x",
        "choices":[{"index":0,"message":{"role":"assistant","content":"Hi there"},"logprobs":null,"finish_reason":"stop"}],
        "usage":{"prompt_tokens":15,"completion_tokens":5,"total_tokens":20,"prompt_tokens_details":{"cached_tokens":3},
                 "cache_creation_input_tokens":2,"cache_read_input_tokens":3}})");
    QVERIFY2(j == expected, diff(j, expected).constData());
}

void TestAnthropicProvider::responseToolUse()
{
    AnthropicProvider p(anthropicInfo());
    int status = 200;
    QByteArray body = R"({"id":"msg_2","type":"message","role":"assistant","model":"claude-x",
        "content":[{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris","days":[1,2]}},
                   {"type":"tool_use","id":"toolu_2","name":"get_time","input":{}}],
        "stop_reason":"tool_use","usage":{"input_tokens":4,"output_tokens":6}})";
    p.mapResponse(Endpoint::ChatCompletions, status, body);
    json j = json::parse(body.toStdString());
    j["created"] = 0;
    const json expected = json::parse(R"({"id":"msg_2","object":"chat.completion","created":0,"model":"claude-x",
        "choices":[{"index":0,"logprobs":null,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
          "tool_calls":[{"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\",\"days\":[1,2]}"}},
                        {"id":"toolu_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]}}],
        "usage":{"prompt_tokens":4,"completion_tokens":6,"total_tokens":10,"prompt_tokens_details":{"cached_tokens":0}}})");
    QVERIFY2(j == expected, diff(j, expected).constData());
}

void TestAnthropicProvider::stopReasons_data()
{
    QTest::addColumn<QString>("anthropic");
    QTest::addColumn<QString>("openai");
    QTest::newRow("end_turn") << "end_turn" << "stop";
    QTest::newRow("stop_sequence") << "stop_sequence" << "stop";
    QTest::newRow("pause_turn") << "pause_turn" << "stop";
    QTest::newRow("tool_use") << "tool_use" << "tool_calls";
    QTest::newRow("max_tokens") << "max_tokens" << "length";
    QTest::newRow("refusal") << "refusal" << "content_filter";
    QTest::newRow("unknown") << "something_new" << "stop";
}

void TestAnthropicProvider::stopReasons()
{
    QFETCH(QString, anthropic);
    QFETCH(QString, openai);
    AnthropicProvider p(anthropicInfo());
    int status = 200;
    QByteArray body = R"({"id":"m","type":"message","content":[{"type":"text","text":"x"}],"stop_reason":")" + anthropic.toUtf8() + R"("})";
    p.mapResponse(Endpoint::ChatCompletions, status, body);
    const json j = json::parse(body.toStdString());
    QCOMPARE(QString::fromStdString(j["choices"][0]["finish_reason"].get<std::string>()), openai);
}

void TestAnthropicProvider::errorBodies_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("401") << 401 << QByteArray(R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"r1"})")
                         << QByteArray(R"({"error":{"message":"invalid x-api-key","type":"authentication_error","param":null,"code":null}})");
    QTest::newRow("429") << 429 << QByteArray(R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})")
                         << QByteArray(R"({"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":null}})");
    QTest::newRow("529") << 529 << QByteArray(R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})")
                         << QByteArray(R"({"error":{"message":"Overloaded","type":"overloaded_error","param":null,"code":null}})");
    QTest::newRow("no message") << 400 << QByteArray(R"({"type":"error","error":{"type":"invalid_request_error"}})")
                                << QByteArray(R"({"error":{"message":"invalid_request_error","type":"invalid_request_error","param":null,"code":null}})");
    QTest::newRow("html kept") << 502 << QByteArray("<html>bad gateway</html>") << QByteArray("<html>bad gateway</html>");
    QTest::newRow("other json kept") << 500 << QByteArray(R"({"oops":1})") << QByteArray(R"({"oops":1})");
}

void TestAnthropicProvider::errorBodies()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, expected);
    AnthropicProvider p(anthropicInfo());
    int s = status;
    p.mapResponse(Endpoint::ChatCompletions, s, body);
    QCOMPARE(s, status);   // the provider's status is kept
    const json got = json::parse(body.toStdString(), nullptr, false);
    if (got.is_discarded())
        QCOMPARE(body, expected);
    else
        QVERIFY2(got == json::parse(expected.toStdString()), body.constData());
}

void TestAnthropicProvider::unusable2xxIs502()
{
    AnthropicProvider p(anthropicInfo());
    const QByteArray deep = R"({"type":"message","content":[{"type":"tool_use","input":)" + QByteArray(1000, '[') + QByteArray(1000, ']') + "}]}";
    for (const QByteArray& garbage : {QByteArray("not json"), QByteArray("[]"), QByteArray(R"({"type":"message","content":"x"})"), QByteArray(), deep}) {
        int status = 200;
        QByteArray body = garbage;
        p.mapResponse(Endpoint::ChatCompletions, status, body);
        QCOMPARE(status, 502);
        const json j = json::parse(body.toStdString());
        JSON_COMPARE(j["error"]["code"], json("invalid_upstream_response"));
    }
}

void TestAnthropicProvider::streamWhole_data()
{
    QTest::addColumn<QByteArray>("eol");
    QTest::newRow("LF") << QByteArray("\n");
    QTest::newRow("CRLF") << QByteArray("\r\n");
    QTest::newRow("CR") << QByteArray("\r");
}

void TestAnthropicProvider::streamWhole()
{
    QFETCH(QByteArray, eol);
    AnthropicStreamMapper m;
    const QByteArray out = test::feedInPieces(m, anthropicStream(eol.constData()), 0);
    const json got = test::normalizedChunks(out);
    QVERIFY2(got == expectedChunks(), diff(got, expectedChunks()).constData());
    QVERIFY(out.endsWith("data: [DONE]\n\n"));
}

void TestAnthropicProvider::streamOneByteAndRandomPieces()
{
    for (const char* eol : {"\n", "\r\n", "\r"}) {
        const QByteArray in = anthropicStream(eol);
        {
            AnthropicStreamMapper m;
            const json got = test::normalizedChunks(test::feedInPieces(m, in, 1));
            QVERIFY2(got == expectedChunks(), diff(got, expectedChunks()).constData());
        }
        for (quint32 seed = 1; seed <= 60; ++seed) {
            AnthropicStreamMapper m;
            const json got = test::normalizedChunks(test::feedRandomly(m, in, seed, seed % 2 ? 7 : 300));
            QVERIFY2(got == expectedChunks(), (QByteArray("seed ") + QByteArray::number(seed) + diff(got, expectedChunks())).constData());
        }
    }
}

void TestAnthropicProvider::streamErrorEvent()
{
    const QByteArray in =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-x\",\"usage\":{\"input_tokens\":3}}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n"
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"late\"}}\n\n";
    for (qsizetype piece : {qsizetype(0), qsizetype(1), qsizetype(5)}) {
        AnthropicStreamMapper m;
        const QByteArray out = test::feedInPieces(m, in, piece);
        const json got = test::normalizedChunks(out);
        const json expected = json::array({chunk({{"role", "assistant"}, {"content", ""}}), chunk({{"content", "Hi"}}),
                                           json::parse(R"({"error":{"message":"Overloaded","type":"overloaded_error","param":null,"code":null}})")});
        QVERIFY2(got == expected, diff(got, expected).constData());   // nothing after the error, no [DONE]
    }
}

void TestAnthropicProvider::streamWithoutMessageStopStillEnds()
{
    // No blank line after the last event either: finish() still delivers it, then [DONE].
    const QByteArray in = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-x\"}}\n\n"
                          "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"cut\"}}";
    AnthropicStreamMapper m;
    const json got = test::normalizedChunks(test::feedInPieces(m, in, 3));
    const json expected = json::array({chunk({{"role", "assistant"}, {"content", ""}}), chunk({{"content", "cut"}}), "[DONE]"});
    QVERIFY2(got == expected, diff(got, expected).constData());
}

void TestAnthropicProvider::streamIgnoresGarbage()
{
    const QByteArray in =
        "data: not json\n\n"
        "data: [1,2]\n\n"
        ": comment\n\n"
        "data: {\"type\":\"message_start\",\"message\":5}\n\n"
        "data: {\"type\":\"content_block_start\",\"index\":\"x\",\"content_block\":{\"type\":\"tool_use\",\"id\":7,\"name\":null}}\n\n"
        "data: {\"type\":\"content_block_delta\",\"index\":99,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}\n\n"
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":[1]}\n\n"
        "data: {\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":5}}\n\n"
        "data: {\"type\":\"message_delta\",\"usage\":{\"output_tokens\":\"7\"},\"delta\":null}\n\n"
        "data: {\"type\":\"error\",\"error\":\"boom\"}\n\n"
        "data: \xff\xfe\n\n";
    AnthropicStreamMapper m;
    const QByteArray out = test::feedInPieces(m, in, 2);
    const QList<QByteArray> payloads = test::ssePayloads(out);
    QVERIFY(!payloads.isEmpty());
    for (const QByteArray& p : payloads)
        QVERIFY2(p == "[DONE]" || !json::parse(p.toStdString(), nullptr, false).is_discarded(), p.constData());
    // The tool block with a non-numeric index still gets an OpenAI index; the string error ends the stream.
    QCOMPARE(payloads.last().left(9), QByteArray("{\"error\":"));
}

void TestAnthropicProvider::fuzzedRequestsNeverThrow()
{
    const json base = json::parse(R"({"model":"claude-x","max_tokens":10,"temperature":0.5,"stop":["a"],"user":"u",
      "messages":[{"role":"system","content":"s"},
                  {"role":"user","content":[{"type":"text","text":"t"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AA"}}]},
                  {"role":"assistant","content":"a","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"c1","content":"r"}],
      "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"x":{"type":"string"}}}}}],
      "tool_choice":{"type":"function","function":{"name":"f"}},"parallel_tool_calls":false})");
    AnthropicProvider p(anthropicInfo());
    QRandomGenerator rng(7);
    int ok = 0, rejected = 0;
    for (int i = 0; i < 4000; ++i) {
        const json in = test::mutate(base, rng, 1 + int(rng.bounded(3)));
        ProviderCall call;
        call.bodyJson = &in;
        call.apiKey = QStringLiteral("k");
        try {
            const auto r = p.buildRequest(call);
            if (const auto* e = std::get_if<ApiError>(&r)) {
                QCOMPARE(e->status, 400);
                ++rejected;
            } else {
                QVERIFY(json::accept(std::get<UpstreamRequest>(r).body.toStdString()));
                ++ok;
            }
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QStringLiteral("threw %1 on %2").arg(QString::fromUtf8(e.what()), QString::fromStdString(in.dump()))));
        }
    }
    QVERIFY(ok > 100 && rejected > 100);
}

void TestAnthropicProvider::fuzzedAnswersNeverThrow()
{
    const json answer = json::parse(R"({"id":"m","type":"message","model":"c","content":[{"type":"text","text":"x"},
        {"type":"tool_use","id":"t","name":"f","input":{"a":1}}],"stop_reason":"tool_use",
        "usage":{"input_tokens":1,"output_tokens":2,"cache_read_input_tokens":3}})");
    const json err = json::parse(R"({"type":"error","error":{"type":"rate_limit_error","message":"m"}})");
    const QByteArray stream = anthropicStream("\n");
    QList<json> events;
    for (const QByteArray& line : stream.split('\n')) {
        if (line.startsWith("data: "))
            events << json::parse(line.mid(6).toStdString());
    }
    AnthropicProvider p(anthropicInfo());
    QRandomGenerator rng(11);
    for (int i = 0; i < 3000; ++i) {
        try {
            int status = i % 2 ? 200 : 429;
            QByteArray body = QByteArray::fromStdString(test::mutate(i % 2 ? answer : err, rng).dump());
            p.mapResponse(Endpoint::ChatCompletions, status, body);
            QVERIFY(json::accept(body.toStdString()) || status == 429);

            QByteArray in;
            for (const json& e : events)
                in += "data: " + QByteArray::fromStdString((rng.bounded(4) == 0 ? test::mutate(e, rng) : e).dump()) + "\n\n";
            AnthropicStreamMapper m;
            const QByteArray out = test::feedRandomly(m, in, quint32(i), 40);
            for (const QByteArray& payload : test::ssePayloads(out))
                QVERIFY2(payload == "[DONE]" || json::accept(payload.toStdString()), payload.constData());
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
    }
}

namespace {

const char* const kThinkingAnswer = R"({"id":"msg_t","type":"message","role":"assistant","model":"claude-x","content":[
    {"type":"thinking","thinking":"Let me think.","signature":"sig-1"},{"type":"text","text":"Paris."},
    {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}}],
    "stop_reason":"tool_use","usage":{"input_tokens":5,"output_tokens":9}})";

const char* const kThinkingStream =
    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_s\",\"model\":\"claude-x\",\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n"
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\"}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Hmm.\"}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"sig-2\"}}\n\n"
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":4}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

} // namespace

// x-portkey-strict-open-ai-compliance: false -- Portkey's extras: the text and thinking blocks as
// content_blocks, Anthropic's own stop_reason; strict answers stay pure OpenAI.
void TestAnthropicProvider::nonStrictAddsContentBlocksAndRawStopReason()
{
    int status = 200;
    QByteArray body = kThinkingAnswer;
    anthropic::mapMessagesResponse(status, body, false);
    json j = json::parse(body.toStdString());
    QVERIFY2(j["choices"][0]["finish_reason"] == "tool_use", body.constData());
    QVERIFY(j["choices"][0]["message"]["content_blocks"] == json::parse(R"([{"type":"thinking","thinking":"Let me think.","signature":"sig-1"},{"type":"text","text":"Paris."}])"));
    QVERIFY(j["choices"][0]["message"]["content"] == "Paris.");
    QCOMPARE(j["choices"][0]["message"]["tool_calls"].size(), std::size_t(1));

    body = kThinkingAnswer;
    anthropic::mapMessagesResponse(status, body, true);
    j = json::parse(body.toStdString());
    QVERIFY(j["choices"][0]["finish_reason"] == "tool_calls");
    QVERIFY(!j["choices"][0]["message"].contains("content_blocks"));
}

void TestAnthropicProvider::nonStrictStreamAddsContentBlockDeltas()
{
    AnthropicStreamMapper loose(false);
    const json chunks = test::normalizedChunks(test::feedRandomly(loose, kThinkingStream, 7));
    json blocks = json::array();
    std::string content;
    json finish;
    for (const auto& c : chunks) {
        if (!c.is_object())
            continue;
        const json& d = c["choices"][0]["delta"];
        if (d.contains("content_blocks"))
            blocks.push_back(d["content_blocks"][0]);
        if (d.contains("content"))
            content += d["content"].get<std::string>();
        if (!c["choices"][0]["finish_reason"].is_null())
            finish = c["choices"][0]["finish_reason"];
    }
    QVERIFY2(blocks == json::parse(R"([{"index":0,"delta":{"thinking":""}},{"index":0,"delta":{"thinking":"Hmm."}},
        {"index":0,"delta":{"signature":"sig-2"}},{"index":1,"delta":{"text":""}},{"index":1,"delta":{"text":"Hi"}}])"), blocks.dump().c_str());
    QCOMPARE(content, std::string("Hi"));   // thinking never leaks into content
    QVERIFY(finish == "end_turn");

    AnthropicStreamMapper strict;
    const QByteArray out = test::feedInPieces(strict, kThinkingStream, 0);
    QVERIFY(!out.contains("content_blocks"));
    QVERIFY(!out.contains("Hmm."));
    QVERIFY(out.contains("\"finish_reason\":\"stop\""));
}

QTEST_GUILESS_MAIN(TestAnthropicProvider)
#include "tst_anthropic_provider.moc"
