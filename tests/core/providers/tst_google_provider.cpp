// GoogleProvider (Gemini API): URLs and headers, the generateContent and batchEmbedContents bodies,
// JSON-schema cleanup, answer/error/embedding mapping, thought signatures, and the stream mapper fed
// in arbitrary pieces. Hostile input must give 400s, never exceptions.
#include "providers/google_provider.h"
#include "providers/google_request.h"
#include "providers/google_response.h"
#include "providers/google_schema.h"
#include "providers/google_stream_mapper.h"
#include "providers/google_thought_signatures.h"
#include "providers/provider_registry.h"

#include "json_fuzz.h"
#include "stream_feeding.h"

#include <QRegularExpression>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace gatehouse;
using json = nlohmann::json;

namespace {

ProviderInfo googleInfo()
{
    ProviderInfo i;
    i.id = QStringLiteral("google");
    i.name = i.id;
    i.baseUrl = "https://generativelanguage.googleapis.com";
    i.auth = AuthStyle::XGoogApiKey;
    i.endpoints = {Endpoint::ChatCompletions, Endpoint::Embeddings};
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

// Tool-call ids the gateway mints are random: replace them by call_1, call_2, ... in order of
// appearance (the same id keeps its number), so runs compare equal and id reuse stays visible.
json normalizeIds(json j)
{
    static const QRegularExpression minted(QStringLiteral("^call_[0-9a-f]{24}$"));
    std::map<std::string, std::string> names;
    std::vector<json*> todo{&j};   // breadth first, so ids are numbered in document order
    for (std::size_t i = 0; i < todo.size(); ++i) {
        json* n = todo[i];
        if (n->is_object() && n->contains("id") && (*n)["id"].is_string() &&
            minted.match(QString::fromStdString((*n)["id"].get<std::string>())).hasMatch()) {
            auto& name = names[(*n)["id"].get<std::string>()];
            if (name.empty())
                name = "call_" + std::to_string(names.size());
            (*n)["id"] = name;
        }
        if (n->is_structured()) {
            for (auto& c : *n)
                todo.push_back(&c);
        }
    }
    return j;
}

const json kSimple = json::parse(R"({"model":"gemini-2.5-flash","messages":[{"role":"user","content":"Hi"}]})");

QByteArray geminiStream(const char* sep)
{
    const char* events[] = {
        R"({"candidates":[{"content":{"role":"model","parts":[{"text":"Hel"}]},"index":0}],"usageMetadata":{"promptTokenCount":9,"totalTokenCount":9},"modelVersion":"gemini-2.5-flash","responseId":"r1"})",
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"thinking...\",\"thought\":true},{\"text\":\"lo \xe2\x9c\x93\"}]},\"index\":0}],\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}",
        R"({"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"sig1"},{"functionCall":{"name":"get_time","args":{}}}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":6,"thoughtsTokenCount":2,"totalTokenCount":17},"modelVersion":"gemini-2.5-flash","responseId":"r1"})",
    };
    QByteArray out;
    for (const char* e : events)
        out += QByteArray("data: ") + e + sep;
    return out;
}

json chunk(const json& delta, const json& finish = nullptr, int index = 0)
{
    return {{"id", "r1"}, {"object", "chat.completion.chunk"}, {"created", 0}, {"model", "gemini-2.5-flash"},
            {"choices", json::array({{{"index", index}, {"delta", delta}, {"logprobs", nullptr}, {"finish_reason", finish}}})}};
}

json expectedChunks()
{
    json finish = chunk(json::object(), "tool_calls");
    finish["usage"] = {{"prompt_tokens", 9}, {"completion_tokens", 8}, {"total_tokens", 17},
                       {"completion_tokens_details", {{"reasoning_tokens", 2}}}};
    return json::array({
        chunk({{"role", "assistant"}, {"content", "Hel"}}),
        chunk({{"content", "lo \xe2\x9c\x93"}}),
        chunk({{"tool_calls", {{{"index", 0}, {"id", "call_1"}, {"type", "function"},
                                {"function", {{"name", "get_weather"}, {"arguments", "{\"city\":\"Paris\"}"}}}},
                               {{"index", 1}, {"id", "call_2"}, {"type", "function"},
                                {"function", {{"name", "get_time"}, {"arguments", "{}"}}}}}}}),
        finish,
        "[DONE]",
    });
}

} // namespace

#define JSON_COMPARE(actual, expected)                                \
    do {                                                              \
        const json a_ = (actual), e_ = (expected);                    \
        QVERIFY2(a_ == e_, diff(a_, e_).constData());                 \
    } while (false)

#define BUILD_OK(req, provider, call)                                                                    \
    const auto req##_result = (provider).buildRequest(call);                                             \
    QVERIFY2(std::holds_alternative<UpstreamRequest>(req##_result), describe(req##_result).constData()); \
    const UpstreamRequest& req = std::get<UpstreamRequest>(req##_result)

class TestGoogleProvider : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void registryBuildsIt();
    void nonStrictAddsGroundingAndContentBlocks();
    void nonStrictStreamAddsContentBlockDeltas();
    void urls_data();
    void urls();
    void keyIsAHeaderNotInTheUrl();
    void customHostReplacesBase();
    void missingKeyIs401();
    void modelNames_data();
    void modelNames();
    void requestGolden();
    void toolChoice_data();
    void toolChoice();
    void responseFormats_data();
    void responseFormats();
    void schemaCleanup();
    void schemaRefsAndCycles();
    void embeddingsRequest();
    void badRequests_data();
    void badRequests();
    void responseText();
    void responseToolCalls();
    void responseBlocked();
    void finishReasons_data();
    void finishReasons();
    void errorBodies_data();
    void errorBodies();
    void embeddingsResponse();
    void unusable2xxIs502();
    void thoughtSignaturesRoundTrip();
    void thoughtSignaturePlaceholderForGemini3();
    void signatureStoreIsBounded();
    void streamWhole_data();
    void streamWhole();
    void streamOneByteAndRandomPieces();
    void streamTwoCandidates();
    void streamBlockedPrompt();
    void streamErrorEvent();
    void streamUsageOnlyAtEnd();
    void fuzzedRequestsNeverThrow();
    void fuzzedAnswersNeverThrow();
};

void TestGoogleProvider::registryBuildsIt()
{
    const auto reg = ProviderRegistry::builtIn();
    const Provider* p = reg->find(QStringLiteral("google"));
    QVERIFY(p);
    QVERIFY(dynamic_cast<const GoogleProvider*>(p));
    QCOMPARE(p->info().baseUrl, QByteArray("https://generativelanguage.googleapis.com"));
    QCOMPARE(p->info().auth, AuthStyle::XGoogApiKey);
    QVERIFY(p->info().keyRequired);
    QVERIFY(p->supports(Endpoint::ChatCompletions));
    QVERIFY(p->supports(Endpoint::Embeddings));
    QVERIFY(p->makeStreamMapper(Endpoint::ChatCompletions));
    QVERIFY(!p->makeStreamMapper(Endpoint::Embeddings));
}

void TestGoogleProvider::urls_data()
{
    QTest::addColumn<int>("endpoint");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("url");
    const QByteArray base = "https://generativelanguage.googleapis.com/v1beta/models/";
    QTest::newRow("chat") << int(Endpoint::ChatCompletions) << QByteArray(R"({"model":"gemini-2.5-flash","messages":[{"role":"user","content":"x"}]})")
                          << base + "gemini-2.5-flash:generateContent";
    QTest::newRow("stream") << int(Endpoint::ChatCompletions)
                            << QByteArray(R"({"model":"gemini-2.5-flash","stream":true,"messages":[{"role":"user","content":"x"}]})")
                            << base + "gemini-2.5-flash:streamGenerateContent?alt=sse";
    QTest::newRow("models/ prefix") << int(Endpoint::ChatCompletions)
                                    << QByteArray(R"({"model":"models/gemini-2.0-flash","messages":[{"role":"user","content":"x"}]})")
                                    << base + "gemini-2.0-flash:generateContent";
    QTest::newRow("tuned") << int(Endpoint::ChatCompletions)
                           << QByteArray(R"({"model":"tunedModels/my-model-1","messages":[{"role":"user","content":"x"}]})")
                           << QByteArray("https://generativelanguage.googleapis.com/v1beta/tunedModels/my-model-1:generateContent");
    QTest::newRow("embeddings") << int(Endpoint::Embeddings) << QByteArray(R"({"model":"text-embedding-004","input":"x"})")
                                << base + "text-embedding-004:batchEmbedContents";
}

void TestGoogleProvider::urls()
{
    QFETCH(int, endpoint);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, url);
    const json in = json::parse(body.toStdString());
    GoogleProvider p(googleInfo());
    ProviderCall call;
    call.endpoint = Endpoint(endpoint);
    call.bodyJson = &in;
    call.apiKey = QStringLiteral("AIza-1");
    call.query = "key=leak";   // the client's query is not carried over
    BUILD_OK(r, p, call);
    QCOMPARE(r.url, url);
    QCOMPARE(r.method, QByteArray("POST"));
}

void TestGoogleProvider::keyIsAHeaderNotInTheUrl()
{
    GoogleProvider p(googleInfo());
    ProviderCall call;
    call.bodyJson = &kSimple;
    call.apiKey = QStringLiteral("AIza-secret");
    call.extraHeaders = {{"x-trace", "t"}, {"openai-project", "p"}};
    call.timeoutMs = 77;
    BUILD_OK(r, p, call);
    QVERIFY(!r.url.contains("AIza-secret"));
    QVERIFY(!r.url.contains("key="));
    QCOMPARE(findHeader(r.headers, "x-goog-api-key"), QByteArrayView("AIza-secret"));
    QCOMPARE(findHeader(r.headers, "content-type"), QByteArrayView("application/json"));
    QVERIFY(!hasHeader(r.headers, "authorization"));
    QVERIFY(!hasHeader(r.headers, "openai-project"));
    QCOMPARE(findHeader(r.headers, "x-trace"), QByteArrayView("t"));
    QCOMPARE(r.timeoutMs, 77);
}

void TestGoogleProvider::customHostReplacesBase()
{
    GoogleProvider p(googleInfo());
    ProviderCall call;
    call.bodyJson = &kSimple;
    call.customHost = "http://127.0.0.1:9/";
    BUILD_OK(r, p, call);
    QCOMPARE(r.url, QByteArray("http://127.0.0.1:9/v1beta/models/gemini-2.5-flash:generateContent"));
}

void TestGoogleProvider::missingKeyIs401()
{
    GoogleProvider p(googleInfo());
    ProviderCall call;
    call.bodyJson = &kSimple;
    const auto r = p.buildRequest(call);
    QVERIFY(std::holds_alternative<ApiError>(r));
    QCOMPARE(std::get<ApiError>(r).status, 401);
}

void TestGoogleProvider::modelNames_data()
{
    QTest::addColumn<QString>("model");
    QTest::addColumn<QString>("resource");   // empty: refused
    QTest::newRow("plain") << "gemini-2.5-pro" << "models/gemini-2.5-pro";
    QTest::newRow("prefixed") << "models/gemini-1.5-flash-8b" << "models/gemini-1.5-flash-8b";
    QTest::newRow("tuned") << "tunedModels/abc_1" << "tunedModels/abc_1";
    QTest::newRow("path escape") << "../../v1/x" << "";
    QTest::newRow("query") << "gemini?key=x" << "";
    QTest::newRow("method") << "gemini:countTokens" << "";
    QTest::newRow("slash") << "models/a/b" << "";
    QTest::newRow("empty id") << "models/" << "";
    QTest::newRow("space") << "gemini pro" << "";
    QTest::newRow("percent") << "gemini%2F" << "";
}

void TestGoogleProvider::modelNames()
{
    QFETCH(QString, model);
    QFETCH(QString, resource);
    const auto r = google::modelResource(model.toStdString());
    if (resource.isEmpty()) {
        QVERIFY(std::holds_alternative<ApiError>(r));
        QCOMPARE(std::get<ApiError>(r).param, QStringLiteral("model"));
    } else {
        QVERIFY(std::holds_alternative<std::string>(r));
        QCOMPARE(QString::fromStdString(std::get<std::string>(r)), resource);
    }
}

void TestGoogleProvider::requestGolden()
{
    const json in = json::parse(R"({
      "model": "gemini-2.5-flash",
      "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "developer", "content": [{"type": "text", "text": "Use metric."}]},
        {"role": "user", "content": "Weather?"},
        {"role": "user", "content": [
          {"type": "text", "text": "See"},
          {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBO"}},
          {"type": "image_url", "image_url": {"url": "https://example.com/a.webp?x=1"}},
          {"type": "image_url", "image_url": {"url": "gs://bucket/doc.pdf"}},
          {"type": "input_audio", "input_audio": {"data": "UklG", "format": "wav"}},
          {"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBE"}}]},
        {"role": "assistant", "content": "Let me look.", "tool_calls": [
          {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}},
          {"id": "call_b", "type": "function", "function": {"name": "get_time", "arguments": "oops"}}]},
        {"role": "tool", "tool_call_id": "call_a", "content": "18C"},
        {"role": "tool", "tool_call_id": "call_b", "content": [{"type": "text", "text": "noon"}]},
        {"role": "tool", "tool_call_id": "unknown", "name": "lookup", "content": "x"},
        {"role": "user", "content": "Thanks"}
      ],
      "tools": [
        {"type": "function", "function": {"name": "get_weather", "description": "Weather", "strict": true,
          "parameters": {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "additionalProperties": false,
            "properties": {"city": {"type": "string", "format": "uri"},
                           "unit": {"anyOf": [{"type": "string", "enum": ["c", "f"]}, {"type": "null"}]}},
            "required": ["city", "unit", "ghost"]}}},
        {"type": "function", "function": {"name": "get_time", "parameters": {"type": "object", "properties": {}}}},
        {"type": "function", "function": {"name": "google_search"}}],
      "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
      "temperature": 0.3, "top_p": 0.8, "top_k": 20, "max_tokens": 100, "max_completion_tokens": 200,
      "stop": "END", "n": 2, "seed": 42, "presence_penalty": 0.1, "frequency_penalty": 0.2,
      "response_format": {"type": "json_schema", "json_schema": {"name": "w", "strict": true,
        "schema": {"type": "object", "properties": {"t": {"type": ["number", "null"]}}, "required": ["t"], "additionalProperties": false}}},
      "stream": true,
      "user": "dropped"
    })");
    const auto out = google::toGenerateContentRequest(in, nullptr);
    QVERIFY2(std::holds_alternative<json>(out), errorOf(out).constData());
    const json expected = json::parse(R"({
      "systemInstruction": {"parts": [{"text": "Be brief."}, {"text": "Use metric."}]},
      "contents": [
        {"role": "user", "parts": [
          {"text": "Weather?"}, {"text": "See"},
          {"inlineData": {"mimeType": "image/png", "data": "iVBO"}},
          {"fileData": {"mimeType": "image/webp", "fileUri": "https://example.com/a.webp?x=1"}},
          {"fileData": {"mimeType": "application/pdf", "fileUri": "gs://bucket/doc.pdf"}},
          {"inlineData": {"mimeType": "audio/wav", "data": "UklG"}},
          {"inlineData": {"mimeType": "application/pdf", "data": "JVBE"}}]},
        {"role": "model", "parts": [
          {"text": "Let me look."},
          {"functionCall": {"name": "get_weather", "args": {"city": "Paris"}}},
          {"functionCall": {"name": "get_time", "args": {}}}]},
        {"role": "user", "parts": [
          {"functionResponse": {"name": "get_weather", "response": {"output": "18C"}}},
          {"functionResponse": {"name": "get_time", "response": {"output": "noon"}}},
          {"functionResponse": {"name": "lookup", "response": {"output": "x"}}},
          {"text": "Thanks"}]}
      ],
      "generationConfig": {"temperature": 0.3, "topP": 0.8, "topK": 20, "maxOutputTokens": 200, "stopSequences": ["END"],
        "candidateCount": 2, "seed": 42, "presencePenalty": 0.1, "frequencyPenalty": 0.2,
        "responseMimeType": "application/json",
        "responseSchema": {"type": "object", "properties": {"t": {"type": "number", "nullable": true}}, "required": ["t"]}},
      "tools": [
        {"googleSearch": {}},
        {"functionDeclarations": [
          {"name": "get_weather", "description": "Weather",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"},
                                                           "unit": {"type": "string", "enum": ["c", "f"], "nullable": true}},
                          "required": ["city", "unit"]}},
          {"name": "get_time"}]}],
      "toolConfig": {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}}
    })");
    JSON_COMPARE(std::get<json>(out), expected);
}

void TestGoogleProvider::toolChoice_data()
{
    QTest::addColumn<QByteArray>("choice");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("auto") << QByteArray(R"("auto")") << QByteArray(R"({"mode":"AUTO"})");
    QTest::newRow("none") << QByteArray(R"("none")") << QByteArray(R"({"mode":"NONE"})");
    QTest::newRow("required") << QByteArray(R"("required")") << QByteArray(R"({"mode":"ANY"})");
    QTest::newRow("function") << QByteArray(R"({"type":"function","function":{"name":"f"}})")
                              << QByteArray(R"({"mode":"ANY","allowedFunctionNames":["f"]})");
}

void TestGoogleProvider::toolChoice()
{
    QFETCH(QByteArray, choice);
    QFETCH(QByteArray, expected);
    const std::string tools = R"(,"tools":[{"type":"function","function":{"name":"f"}}])";
    const json in = json::parse(R"({"model":"g","messages":[{"role":"user","content":"x"}],"tool_choice":)" + choice.toStdString() + tools + "}");
    const auto out = google::toGenerateContentRequest(in, nullptr);
    QVERIFY(std::holds_alternative<json>(out));
    JSON_COMPARE(std::get<json>(out)["toolConfig"]["functionCallingConfig"], json::parse(expected.toStdString()));
    // Without function declarations there is nothing to steer.
    const json bare = json::parse(R"({"model":"g","messages":[{"role":"user","content":"x"}],"tool_choice":)" + choice.toStdString() + "}");
    QVERIFY(!std::get<json>(google::toGenerateContentRequest(bare, nullptr)).contains("toolConfig"));
}

void TestGoogleProvider::responseFormats_data()
{
    QTest::addColumn<QByteArray>("format");
    QTest::addColumn<QByteArray>("config");
    QTest::newRow("text") << QByteArray(R"({"type":"text"})") << QByteArray("null");
    QTest::newRow("json_object") << QByteArray(R"({"type":"json_object"})") << QByteArray(R"({"responseMimeType":"application/json"})");
    QTest::newRow("json_schema without schema") << QByteArray(R"({"type":"json_schema","json_schema":{"name":"x"}})")
                                                << QByteArray(R"({"responseMimeType":"application/json"})");
}

void TestGoogleProvider::responseFormats()
{
    QFETCH(QByteArray, format);
    QFETCH(QByteArray, config);
    const json in = json::parse(R"({"model":"g","messages":[{"role":"user","content":"x"}],"response_format":)" + format.toStdString() + "}");
    const auto out = google::toGenerateContentRequest(in, nullptr);
    QVERIFY(std::holds_alternative<json>(out));
    const json& j = std::get<json>(out);
    JSON_COMPARE(j.contains("generationConfig") ? j["generationConfig"] : json(), json::parse(config.toStdString()));
}

void TestGoogleProvider::schemaCleanup()
{
    const json in = json::parse(R"({
      "$schema": "x", "$id": "y", "type": "object", "title": "T", "additionalProperties": {"type": "string"},
      "properties": {
        "additionalProperties": {"type": "string", "description": "a property named like a keyword stays"},
        "when": {"type": "string", "format": "date-time", "examples": ["2020"]},
        "email": {"type": "string", "format": "email", "minLength": 3, "pattern": "@"},
        "n": {"type": "integer", "format": "int64", "minimum": 0, "exclusiveMinimum": 0},
        "x": {"type": "number", "format": "decimal"},
        "kind": {"const": "fixed"},
        "nums": {"enum": [1, 2]},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": true},
        "pair": {"type": "array", "items": [{"type": "integer"}, {"type": "string"}]},
        "either": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "multi": {"type": ["string", "integer", "null"]},
        "both": {"allOf": [{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
                           {"properties": {"b": {"type": "integer"}}, "required": ["b"]}]},
        "bare": {"properties": {"c": {"type": "boolean"}}},
        "anything": true
      },
      "required": ["when", "missing", 5]
    })");
    const json expected = json::parse(R"({
      "type": "object", "title": "T",
      "properties": {
        "additionalProperties": {"type": "string", "description": "a property named like a keyword stays"},
        "when": {"type": "string", "format": "date-time"},
        "email": {"type": "string", "minLength": 3, "pattern": "@"},
        "n": {"type": "integer", "format": "int64", "minimum": 0},
        "x": {"type": "number"},
        "kind": {"type": "string", "enum": ["fixed"]},
        "nums": {},
        "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "pair": {"type": "array", "items": {"type": "integer"}},
        "either": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        "multi": {"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": true},
        "both": {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a", "b"]},
        "bare": {"type": "object", "properties": {"c": {"type": "boolean"}}},
        "anything": {}
      },
      "required": ["when"]
    })");
    JSON_COMPARE(google::toGeminiSchema(in), expected);
}

void TestGoogleProvider::schemaRefsAndCycles()
{
    const json in = json::parse(R"({
      "type": "object",
      "$defs": {
        "Address": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        "Node": {"type": "object", "properties": {"value": {"type": "integer"}, "next": {"$ref": "#/$defs/Node"}}}
      },
      "definitions": {"Old": {"type": "string"}},
      "properties": {
        "home": {"$ref": "#/$defs/Address", "description": "where"},
        "work": {"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}]},
        "list": {"$ref": "#/$defs/Node"},
        "old": {"$ref": "#/definitions/Old"},
        "dangling": {"$ref": "#/$defs/Nope"},
        "remote": {"$ref": "https://example.com/schema"}
      }
    })");
    const json expected = json::parse(R"({
      "type": "object",
      "properties": {
        "home": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "description": "where"},
        "work": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "nullable": true},
        "list": {"type": "object", "properties": {"value": {"type": "integer"}, "next": {}}},
        "old": {"type": "string"},
        "dangling": {},
        "remote": {}
      }
    })");
    JSON_COMPARE(google::toGeminiSchema(in), expected);

    // A definition that doubles at every level must not expand exponentially.
    json bomb = {{"$defs", json::object()}, {"$ref", "#/$defs/d0"}};
    for (int i = 0; i < 40; ++i) {
        const std::string next = "#/$defs/d" + std::to_string(i + 1);
        bomb["$defs"]["d" + std::to_string(i)] = {{"type", "object"}, {"properties", {{"a", {{"$ref", next}}}, {"b", {{"$ref", next}}}}}};
    }
    bomb["$defs"]["d40"] = {{"type", "string"}};
    QElapsedTimer t;
    t.start();
    const json out = google::toGeminiSchema(bomb);
    QVERIFY(out.is_object());
    QVERIFY2(t.elapsed() < 5000, QByteArray::number(t.elapsed()).constData());
}

void TestGoogleProvider::embeddingsRequest()
{
    GoogleProvider p(googleInfo());
    for (const auto& [body, expected] : std::vector<std::pair<const char*, const char*>>{
             {R"({"model":"text-embedding-004","input":"hello"})",
              R"({"requests":[{"model":"models/text-embedding-004","content":{"parts":[{"text":"hello"}]}}]})"},
             {R"({"model":"text-embedding-004","input":["a","b"],"dimensions":256,"encoding_format":"float"})",
              R"({"requests":[{"model":"models/text-embedding-004","content":{"parts":[{"text":"a"}]},"outputDimensionality":256},
                              {"model":"models/text-embedding-004","content":{"parts":[{"text":"b"}]},"outputDimensionality":256}]})"}}) {
        const json in = json::parse(body);
        ProviderCall call;
        call.endpoint = Endpoint::Embeddings;
        call.bodyJson = &in;
        call.apiKey = QStringLiteral("k");
        BUILD_OK(r, p, call);
        JSON_COMPARE(json::parse(r.body.toStdString()), json::parse(expected));
    }
    for (const char* bad : {R"({"model":"e","input":[1,2]})", R"({"model":"e","input":[]})", R"({"model":"e"})",
                            R"({"model":"e","input":"x","dimensions":"big"})", R"({"model":"e","input":{"a":1}})"}) {
        const json in = json::parse(bad);
        ProviderCall call;
        call.endpoint = Endpoint::Embeddings;
        call.bodyJson = &in;
        call.apiKey = QStringLiteral("k");
        const auto r = p.buildRequest(call);
        QVERIFY2(std::holds_alternative<ApiError>(r), bad);
        QCOMPARE(std::get<ApiError>(r).status, 400);
    }
}

void TestGoogleProvider::badRequests_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("param");
    QTest::newRow("no model") << QByteArray(R"({"messages":[{"role":"user","content":"x"}]})") << "model";
    QTest::newRow("bad model") << QByteArray(R"({"model":"a/b/c","messages":[{"role":"user","content":"x"}]})") << "model";
    QTest::newRow("no messages") << QByteArray(R"({"model":"g"})") << "messages";
    QTest::newRow("only system") << QByteArray(R"({"model":"g","messages":[{"role":"system","content":"x"}]})") << "messages";
    QTest::newRow("message not object") << QByteArray(R"({"model":"g","messages":[null]})") << "messages[0]";
    QTest::newRow("bad role") << QByteArray(R"({"model":"g","messages":[{"role":"model","content":"x"}]})") << "messages[0].role";
    QTest::newRow("content object") << QByteArray(R"({"model":"g","messages":[{"role":"user","content":{}}]})") << "messages[0].content";
    QTest::newRow("assistant content number") << QByteArray(R"({"model":"g","messages":[{"role":"assistant","content":1}]})") << "messages[0].content";
    QTest::newRow("unknown part") << QByteArray(R"({"model":"g","messages":[{"role":"user","content":[{"type":"refusal"}]}]})")
                                  << "messages[0].content[0].type";
    QTest::newRow("bad image") << QByteArray(R"({"model":"g","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"file:///etc/passwd"}}]}]})")
                               << "messages[0].content[0].image_url.url";
    QTest::newRow("audio without data") << QByteArray(R"({"model":"g","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]})")
                                        << "messages[0].content[0].input_audio.data";
    QTest::newRow("tool_calls string") << QByteArray(R"({"model":"g","messages":[{"role":"assistant","tool_calls":"x"}]})") << "messages[0].tool_calls";
    QTest::newRow("tool call without name") << QByteArray(R"({"model":"g","messages":[{"role":"assistant","tool_calls":[{"id":"a"}]}]})")
                                            << "messages[0].tool_calls[0]";
    QTest::newRow("non-function tool") << QByteArray(R"({"model":"g","messages":[{"role":"user","content":"x"}],"tools":[{"type":"web_search"}]})") << "tools[0]";
    QTest::newRow("tool_choice number") << QByteArray(R"({"model":"g","messages":[{"role":"user","content":"x"}],"tool_choice":3})") << "tool_choice";
    QTest::newRow("response_format bad") << QByteArray(R"({"model":"g","messages":[{"role":"user","content":"x"}],"response_format":{"type":"xml"}})")
                                         << "response_format.type";
    QTest::newRow("top_k float") << QByteArray(R"({"model":"g","messages":[{"role":"user","content":"x"}],"top_k":2.5})") << "top_k";
    QTest::newRow("seed string") << QByteArray(R"({"model":"g","messages":[{"role":"user","content":"x"}],"seed":"1"})") << "seed";
}

void TestGoogleProvider::badRequests()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, param);
    const json in = json::parse(body.toStdString());
    GoogleProvider p(googleInfo());
    ProviderCall call;
    call.bodyJson = &in;
    call.apiKey = QStringLiteral("k");
    const auto r = p.buildRequest(call);
    QVERIFY2(std::holds_alternative<ApiError>(r), "expected a 400");
    QCOMPARE(std::get<ApiError>(r).status, 400);
    QCOMPARE(std::get<ApiError>(r).param, param);
}

void TestGoogleProvider::responseText()
{
    GoogleProvider p(googleInfo());
    int status = 200;
    QByteArray body = R"({"candidates":[{"content":{"role":"model","parts":[{"text":"plan","thought":true},{"text":"Hi "},{"text":"there"}]},
        "finishReason":"STOP","index":0}],
        "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"thoughtsTokenCount":4,"cachedContentTokenCount":2,"totalTokenCount":12},
        "modelVersion":"gemini-2.5-flash","responseId":"resp-1"})";
    p.mapResponse(Endpoint::ChatCompletions, status, body);
    QCOMPARE(status, 200);
    json j = json::parse(body.toStdString());
    QVERIFY(j["created"].get<qint64>() > 1'600'000'000);
    j["created"] = 0;
    JSON_COMPARE(j, json::parse(R"({"id":"resp-1","object":"chat.completion","created":0,"model":"gemini-2.5-flash",
        "choices":[{"index":0,"message":{"role":"assistant","content":"Hi there"},"logprobs":null,"finish_reason":"stop"}],
        "usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":2},
                 "completion_tokens_details":{"reasoning_tokens":4}}})"));
}

void TestGoogleProvider::responseToolCalls()
{
    GoogleProvider p(googleInfo());
    int status = 200;
    QByteArray body = R"({"candidates":[{"content":{"role":"model","parts":[
        {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"sig-1"},
        {"functionCall":{"name":"get_time"}}]},"finishReason":"STOP","index":0}],
        "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8},"modelVersion":"gemini-x"})";
    p.mapResponse(Endpoint::ChatCompletions, status, body);
    json j = normalizeIds(json::parse(body.toStdString()));
    QVERIFY(QString::fromStdString(j["id"].get<std::string>()).startsWith(QStringLiteral("chatcmpl-")));
    j["id"] = "x";
    j["created"] = 0;
    JSON_COMPARE(j, json::parse(R"({"id":"x","object":"chat.completion","created":0,"model":"gemini-x",
        "choices":[{"index":0,"logprobs":null,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,"tool_calls":[
          {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
          {"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{}"}}]}}],
        "usage":{"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}})"));
}

void TestGoogleProvider::responseBlocked()
{
    GoogleProvider p(googleInfo());
    int status = 200;
    QByteArray body = R"({"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[]},"usageMetadata":{"promptTokenCount":4,"totalTokenCount":4},"modelVersion":"g"})";
    p.mapResponse(Endpoint::ChatCompletions, status, body);
    QCOMPARE(status, 200);
    const json j = json::parse(body.toStdString());
    JSON_COMPARE(j["choices"], json::parse(R"([{"index":0,"message":{"role":"assistant","content":""},"logprobs":null,"finish_reason":"content_filter"}])"));
    JSON_COMPARE(j["usage"], json::parse(R"({"prompt_tokens":4,"completion_tokens":0,"total_tokens":4})"));
}

void TestGoogleProvider::finishReasons_data()
{
    QTest::addColumn<QString>("gemini");
    QTest::addColumn<QString>("openai");
    QTest::newRow("STOP") << "STOP" << "stop";
    QTest::newRow("MAX_TOKENS") << "MAX_TOKENS" << "length";
    for (const char* r : {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "LANGUAGE", "IMAGE_SAFETY"})
        QTest::newRow(r) << r << "content_filter";
    QTest::newRow("OTHER") << "OTHER" << "stop";
    QTest::newRow("MALFORMED_FUNCTION_CALL") << "MALFORMED_FUNCTION_CALL" << "stop";
    QTest::newRow("absent") << "" << "stop";
}

void TestGoogleProvider::finishReasons()
{
    QFETCH(QString, gemini);
    QFETCH(QString, openai);
    GoogleProvider p(googleInfo());
    int status = 200;
    QByteArray body = R"({"candidates":[{"content":{"parts":[{"text":"x"}]},"finishReason":")" + gemini.toUtf8() + R"("}]})";
    p.mapResponse(Endpoint::ChatCompletions, status, body);
    QCOMPARE(QString::fromStdString(json::parse(body.toStdString())["choices"][0]["finish_reason"].get<std::string>()), openai);
}

void TestGoogleProvider::errorBodies_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("400") << 400 << QByteArray(R"({"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT","details":[]}})")
                         << QByteArray(R"({"error":{"message":"API key not valid.","type":"invalid_request_error","param":null,"code":"INVALID_ARGUMENT"}})");
    QTest::newRow("429") << 429 << QByteArray(R"({"error":{"code":429,"message":"Quota","status":"RESOURCE_EXHAUSTED"}})")
                         << QByteArray(R"({"error":{"message":"Quota","type":"rate_limit_error","param":null,"code":"RESOURCE_EXHAUSTED"}})");
    QTest::newRow("503 array form") << 503 << QByteArray(R"([{"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}])")
                                    << QByteArray(R"({"error":{"message":"overloaded","type":"server_error","param":null,"code":"UNAVAILABLE"}})");
    QTest::newRow("403 no message") << 403 << QByteArray(R"({"error":{"code":403,"status":"PERMISSION_DENIED"}})")
                                    << QByteArray(R"({"error":{"message":"PERMISSION_DENIED","type":"permission_error","param":null,"code":"PERMISSION_DENIED"}})");
    QTest::newRow("html kept") << 502 << QByteArray("<html>x</html>") << QByteArray("<html>x</html>");
}

void TestGoogleProvider::errorBodies()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, expected);
    GoogleProvider p(googleInfo());
    for (Endpoint e : {Endpoint::ChatCompletions, Endpoint::Embeddings}) {
        int s = status;
        QByteArray b = body;
        p.mapResponse(e, s, b);
        QCOMPARE(s, status);
        const json got = json::parse(b.toStdString(), nullptr, false);
        if (got.is_discarded())
            QCOMPARE(b, expected);
        else
            JSON_COMPARE(got, json::parse(expected.toStdString()));
    }
}

void TestGoogleProvider::embeddingsResponse()
{
    GoogleProvider p(googleInfo());
    int status = 200;
    QByteArray body = R"({"embeddings":[{"values":[0.1,-0.2]},{"values":[0.3,0.4]},{"nothing":1}]})";
    p.mapResponse(Endpoint::Embeddings, status, body);
    QCOMPARE(status, 200);
    JSON_COMPARE(json::parse(body.toStdString()), json::parse(R"({"object":"list","model":"",
        "data":[{"object":"embedding","index":0,"embedding":[0.1,-0.2]},{"object":"embedding","index":1,"embedding":[0.3,0.4]},
                {"object":"embedding","index":2,"embedding":[]}],
        "usage":{"prompt_tokens":0,"total_tokens":0}})"));
}

void TestGoogleProvider::unusable2xxIs502()
{
    GoogleProvider p(googleInfo());
    for (Endpoint e : {Endpoint::ChatCompletions, Endpoint::Embeddings}) {
        const QByteArray deep = R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"a":)" +
                                QByteArray(1000, '[') + QByteArray(1000, ']') + R"(}}}]}}],"embeddings":[]})";
        for (const QByteArray& garbage : {QByteArray("nope"), QByteArray("[1]"), QByteArray(), deep}) {
            int status = 200;
            QByteArray body = garbage;
            p.mapResponse(e, status, body);
            QCOMPARE(status, 502);
            JSON_COMPARE(json::parse(body.toStdString())["error"]["code"], json("invalid_upstream_response"));
        }
    }
}

void TestGoogleProvider::thoughtSignaturesRoundTrip()
{
    GoogleProvider p(googleInfo());
    int status = 200;
    QByteArray body = R"({"candidates":[{"content":{"role":"model","parts":[
        {"functionCall":{"name":"f","args":{}},"thoughtSignature":"SIG-A"},{"functionCall":{"name":"g","args":{}}}]},"finishReason":"STOP"}]})";
    p.mapResponse(Endpoint::ChatCompletions, status, body);
    const json answer = json::parse(body.toStdString());
    const json calls = answer["choices"][0]["message"]["tool_calls"];
    QCOMPARE(calls.size(), std::size_t(2));
    QVERIFY(calls[0]["id"] != calls[1]["id"]);

    // The client sends the conversation back the OpenAI way: the signature returns on its own.
    json next = {{"model", "gemini-3-pro-preview"},
                 {"messages", {{{"role", "user"}, {"content", "weather?"}},
                               {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", calls}},
                               {{"role", "tool"}, {"tool_call_id", calls[0]["id"]}, {"content", "sunny"}},
                               {{"role", "tool"}, {"tool_call_id", calls[1]["id"]}, {"content", "noon"}}}}};
    ProviderCall call;
    call.bodyJson = &next;
    call.apiKey = QStringLiteral("k");
    BUILD_OK(r, p, call);
    const json sent = json::parse(r.body.toStdString());
    const json& parts = sent["contents"][1]["parts"];
    JSON_COMPARE(parts[0], json::parse(R"({"functionCall":{"name":"f","args":{}},"thoughtSignature":"SIG-A"})"));
    JSON_COMPARE(parts[1], json::parse(R"({"functionCall":{"name":"g","args":{}}})"));   // parallel calls: only the first is signed
    JSON_COMPARE(sent["contents"][2]["parts"][0]["functionResponse"]["name"], json("f"));

    // A signature the client carried itself (Gemini's OpenAI-compatible form) is used as given.
    json own = json::parse(R"({"model":"gemini-2.5-flash","messages":[{"role":"assistant","tool_calls":[{"id":"x1","type":"function",
        "function":{"name":"h","arguments":"{}"},"extra_content":{"google":{"thought_signature":"OWN"}}}]}]})");
    call.bodyJson = &own;
    BUILD_OK(r2, p, call);
    JSON_COMPARE(json::parse(r2.body.toStdString())["contents"][0]["parts"][0]["thoughtSignature"], json("OWN"));
}

void TestGoogleProvider::thoughtSignaturePlaceholderForGemini3()
{
    const char* history = R"(,"messages":[{"role":"user","content":"q"},
        {"role":"assistant","tool_calls":[{"id":"from-elsewhere","type":"function","function":{"name":"f","arguments":"{}"}},
                                          {"id":"other","type":"function","function":{"name":"g","arguments":"{}"}}]},
        {"role":"tool","tool_call_id":"from-elsewhere","content":"r"}]})";
    const json g3 = json::parse(std::string(R"({"model":"gemini-3-flash-preview")") + history);
    const json g25 = json::parse(std::string(R"({"model":"gemini-2.5-flash")") + history);
    google::ThoughtSignatureStore store;
    const json a = std::get<json>(google::toGenerateContentRequest(g3, &store));
    JSON_COMPARE(a["contents"][1]["parts"][0]["thoughtSignature"], json("skip_thought_signature_validator"));
    QVERIFY(!a["contents"][1]["parts"][1].contains("thoughtSignature"));
    const json b = std::get<json>(google::toGenerateContentRequest(g25, &store));
    QVERIFY(!b["contents"][1]["parts"][0].contains("thoughtSignature"));   // older models do not need one
}

void TestGoogleProvider::signatureStoreIsBounded()
{
    google::ThoughtSignatureStore store;
    for (std::size_t i = 0; i < google::ThoughtSignatureStore::kMaxEntries + 100; ++i)
        store.remember("id" + std::to_string(i), "sig");
    QCOMPARE(store.size(), google::ThoughtSignatureStore::kMaxEntries);
    QVERIFY(!store.find("id0"));   // the oldest went first
    QCOMPARE(*store.find("id" + std::to_string(google::ThoughtSignatureStore::kMaxEntries + 99)), std::string("sig"));
    store.remember("", "x");
    store.remember("y", "");
    QVERIFY(!store.find(""));
    QVERIFY(!store.find("y"));
}

void TestGoogleProvider::streamWhole_data()
{
    QTest::addColumn<QByteArray>("separator");
    QTest::newRow("CRLF CRLF (Gemini)") << QByteArray("\r\n\r\n");
    QTest::newRow("LF LF") << QByteArray("\n\n");
    QTest::newRow("mixed") << QByteArray("\r\n\n");
}

void TestGoogleProvider::streamWhole()
{
    QFETCH(QByteArray, separator);
    auto store = std::make_shared<google::ThoughtSignatureStore>();
    google::GoogleStreamMapper m(store);
    const QByteArray out = test::feedInPieces(m, geminiStream(separator.constData()), 0);
    JSON_COMPARE(normalizeIds(test::normalizedChunks(out)), expectedChunks());
    QCOMPARE(store->size(), std::size_t(1));   // the signed call is remembered under its id
    const json chunks = test::normalizedChunks(out);
    QCOMPARE(*store->find(chunks[2]["choices"][0]["delta"]["tool_calls"][0]["id"].get<std::string>()), std::string("sig1"));
}

void TestGoogleProvider::streamOneByteAndRandomPieces()
{
    for (const char* sep : {"\r\n\r\n", "\n\n"}) {
        const QByteArray in = geminiStream(sep);
        {
            google::GoogleStreamMapper m;
            JSON_COMPARE(normalizeIds(test::normalizedChunks(test::feedInPieces(m, in, 1))), expectedChunks());
        }
        for (quint32 seed = 1; seed <= 60; ++seed) {
            google::GoogleStreamMapper m;
            const json got = normalizeIds(test::normalizedChunks(test::feedRandomly(m, in, seed, seed % 2 ? 5 : 400)));
            QVERIFY2(got == expectedChunks(), (QByteArray("seed ") + QByteArray::number(seed) + diff(got, expectedChunks())).constData());
        }
    }
}

void TestGoogleProvider::streamTwoCandidates()
{
    const QByteArray in =
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"A\"}]},\"index\":0},{\"content\":{\"parts\":[{\"text\":\"B\"}]},\"index\":1}],\"responseId\":\"r1\",\"modelVersion\":\"gemini-2.5-flash\"}\r\n\r\n"
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"finishReason\":\"STOP\",\"index\":0},{\"content\":{\"parts\":[]},\"finishReason\":\"MAX_TOKENS\",\"index\":1}],"
        "\"usageMetadata\":{\"promptTokenCount\":2,\"candidatesTokenCount\":3,\"totalTokenCount\":5},\"responseId\":\"r1\",\"modelVersion\":\"gemini-2.5-flash\"}\r\n\r\n";
    google::GoogleStreamMapper m;
    json last = chunk(json::object(), "length", 1);
    last["usage"] = {{"prompt_tokens", 2}, {"completion_tokens", 3}, {"total_tokens", 5}};
    const json expected = json::array({chunk({{"role", "assistant"}, {"content", "A"}}, nullptr, 0),
                                       chunk({{"role", "assistant"}, {"content", "B"}}, nullptr, 1),
                                       chunk({{"content", "a"}}, nullptr, 0),
                                       chunk(json::object(), "stop", 0),
                                       last, "[DONE]"});
    JSON_COMPARE(test::normalizedChunks(test::feedInPieces(m, in, 7)), expected);
}

void TestGoogleProvider::streamBlockedPrompt()
{
    const QByteArray in = "data: {\"promptFeedback\":{\"blockReason\":\"SAFETY\"},\"usageMetadata\":{\"promptTokenCount\":4,\"totalTokenCount\":4},"
                          "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}\r\n\r\n";
    google::GoogleStreamMapper m;
    json last = chunk(json::object(), "content_filter");
    last["usage"] = {{"prompt_tokens", 4}, {"completion_tokens", 0}, {"total_tokens", 4}};
    JSON_COMPARE(test::normalizedChunks(test::feedInPieces(m, in, 1)),
                 json::array({chunk({{"role", "assistant"}, {"content", ""}}), last, "[DONE]"}));
}

void TestGoogleProvider::streamErrorEvent()
{
    const QByteArray in =
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}],\"responseId\":\"r1\",\"modelVersion\":\"gemini-2.5-flash\"}\r\n\r\n"
        "data: {\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}\r\n\r\n"
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"late\"}]}}]}\r\n\r\n";
    google::GoogleStreamMapper m;
    JSON_COMPARE(test::normalizedChunks(test::feedInPieces(m, in, 3)),
                 json::array({chunk({{"role", "assistant"}, {"content", "Hi"}}),
                              json::parse(R"({"error":{"message":"The model is overloaded.","type":"server_error","param":null,"code":"UNAVAILABLE"}})")}));
}

void TestGoogleProvider::streamUsageOnlyAtEnd()
{
    // No finishReason ever came, and no final blank line: the text, then a usage-only chunk, then [DONE].
    const QByteArray in = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}],\"usageMetadata\":{\"promptTokenCount\":1,\"candidatesTokenCount\":1,\"totalTokenCount\":2},"
                          "\"responseId\":\"r1\",\"modelVersion\":\"gemini-2.5-flash\"}";
    google::GoogleStreamMapper m;
    const json usageChunk = {{"id", "r1"}, {"object", "chat.completion.chunk"}, {"created", 0}, {"model", "gemini-2.5-flash"},
                             {"choices", json::array()}, {"usage", {{"prompt_tokens", 1}, {"completion_tokens", 1}, {"total_tokens", 2}}}};
    JSON_COMPARE(test::normalizedChunks(test::feedInPieces(m, in, 0)),
                 json::array({chunk({{"role", "assistant"}, {"content", "Hi"}}), usageChunk, "[DONE]"}));
}

void TestGoogleProvider::fuzzedRequestsNeverThrow()
{
    const json chat = json::parse(R"({"model":"gemini-3-pro","max_tokens":10,"temperature":0.5,"stop":["a"],"n":1,
      "response_format":{"type":"json_schema","json_schema":{"schema":{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"$defs":{"A":{"type":"string"}}}}},
      "messages":[{"role":"system","content":"s"},
                  {"role":"user","content":[{"type":"text","text":"t"},{"type":"image_url","image_url":{"url":"https://x/y.png"}}]},
                  {"role":"assistant","content":"a","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"c1","content":"r"}],
      "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object","properties":{"x":{"anyOf":[{"type":"string"},{"type":"null"}]}}}}}],
      "tool_choice":{"type":"function","function":{"name":"f"}}})");
    const json embed = json::parse(R"({"model":"text-embedding-004","input":["a","b"],"dimensions":8})");
    GoogleProvider p(googleInfo());
    QRandomGenerator rng(5);
    int ok = 0, rejected = 0;
    for (int i = 0; i < 4000; ++i) {
        const bool chatCall = i % 4 != 0;
        const json in = test::mutate(chatCall ? chat : embed, rng, 1 + int(rng.bounded(3)));
        ProviderCall call;
        call.endpoint = chatCall ? Endpoint::ChatCompletions : Endpoint::Embeddings;
        call.bodyJson = &in;
        call.apiKey = QStringLiteral("k");
        try {
            const auto r = p.buildRequest(call);
            if (const auto* e = std::get_if<ApiError>(&r)) {
                QCOMPARE(e->status, 400);
                ++rejected;
            } else {
                QVERIFY(json::accept(std::get<UpstreamRequest>(r).body.toStdString()));
                QVERIFY(!std::get<UpstreamRequest>(r).url.contains(' '));
                ++ok;
            }
        } catch (const std::exception& e) {
            QFAIL(qPrintable(QStringLiteral("threw %1 on %2").arg(QString::fromUtf8(e.what()), QString::fromStdString(in.dump()))));
        }
    }
    QVERIFY(ok > 100 && rejected > 100);
}

void TestGoogleProvider::fuzzedAnswersNeverThrow()
{
    const json answer = json::parse(R"({"candidates":[{"content":{"role":"model","parts":[{"text":"x"},
        {"functionCall":{"name":"f","args":{"a":1}},"thoughtSignature":"s"}]},"finishReason":"STOP","index":0}],
        "promptFeedback":{"blockReason":"OTHER"},"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":2,"totalTokenCount":3},
        "modelVersion":"g","responseId":"r"})");
    const json err = json::parse(R"({"error":{"code":429,"message":"m","status":"RESOURCE_EXHAUSTED"}})");
    const json emb = json::parse(R"({"embeddings":[{"values":[1,2]}]})");
    GoogleProvider p(googleInfo());
    QRandomGenerator rng(13);
    for (int i = 0; i < 3000; ++i) {
        try {
            int status = i % 3 ? 200 : 429;
            QByteArray body = QByteArray::fromStdString(test::mutate(i % 3 ? answer : err, rng).dump());
            p.mapResponse(Endpoint::ChatCompletions, status, body);
            QVERIFY(json::accept(body.toStdString()));
            status = 200;
            body = QByteArray::fromStdString(test::mutate(emb, rng).dump());
            p.mapResponse(Endpoint::Embeddings, status, body);
            QVERIFY(json::accept(body.toStdString()));

            QByteArray in;
            for (int k = 0; k < 3; ++k)
                in += "data: " + QByteArray::fromStdString(test::mutate(k == 1 && i % 5 == 0 ? err : answer, rng).dump()) + "\r\n\r\n";
            google::GoogleStreamMapper m(nullptr);
            for (const QByteArray& payload : test::ssePayloads(test::feedRandomly(m, in, quint32(i), 30)))
                QVERIFY2(payload == "[DONE]" || json::accept(payload.toStdString()), payload.constData());
        } catch (const std::exception& e) {
            QFAIL(e.what());
        }
    }
}

namespace {

const char* const kGroundedAnswer = R"({"candidates":[{"content":{"role":"model","parts":[{"text":"Weighing it.","thought":true},{"text":"It is sunny."}]},
    "finishReason":"STOP","groundingMetadata":{"webSearchQueries":["paris weather"],"groundingChunks":[{"web":{"uri":"https://example.com","title":"Weather"}}]}}],
    "usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":3,"totalTokenCount":7},"modelVersion":"gemini-2.5-flash"})";

} // namespace

// x-portkey-strict-open-ai-compliance: false -- groundingMetadata on the choice and thought/text
// parts as content_blocks (Portkey's extras), in whole answers and on a stream's finish chunk.
void TestGoogleProvider::nonStrictAddsGroundingAndContentBlocks()
{
    int status = 200;
    QByteArray body = kGroundedAnswer;
    google::mapGenerateContentResponse(status, body, nullptr, false);
    json j = json::parse(body.toStdString());
    const json grounding = json::parse(kGroundedAnswer)["candidates"][0]["groundingMetadata"];
    QVERIFY2(j["choices"][0]["groundingMetadata"] == grounding, body.constData());
    QVERIFY(j["choices"][0]["message"]["content_blocks"]
            == json::parse(R"([{"type":"thinking","thinking":"Weighing it."},{"type":"text","text":"It is sunny."}])"));
    QVERIFY(j["choices"][0]["message"]["content"] == "It is sunny.");

    body = kGroundedAnswer;
    google::mapGenerateContentResponse(status, body, nullptr, true);
    j = json::parse(body.toStdString());
    QVERIFY(!j["choices"][0].contains("groundingMetadata"));
    QVERIFY(!j["choices"][0]["message"].contains("content_blocks"));

    const QByteArray sse = "data: " + QByteArray::fromStdString(json::parse(kGroundedAnswer).dump()) + "\r\n\r\n";
    google::GoogleStreamMapper loose(nullptr, false);
    const json chunks = test::normalizedChunks(test::feedRandomly(loose, sse, 3));
    json finish;
    for (const auto& c : chunks) {
        if (c.is_object() && !c["choices"][0]["finish_reason"].is_null())
            finish = c["choices"][0];
    }
    QVERIFY2(finish["groundingMetadata"] == grounding, chunks.dump().c_str());
    google::GoogleStreamMapper strict;
    QVERIFY(!test::feedInPieces(strict, sse, 0).contains("groundingMetadata"));
}

// Non-strict streams carry the parts as content_blocks deltas too: thought parts (dropped from
// content) as thinking, a new block index whenever the part kind changes; tool calls unchanged.
void TestGoogleProvider::nonStrictStreamAddsContentBlockDeltas()
{
    json expected = expectedChunks();
    expected[0]["choices"][0]["delta"]["content_blocks"] = json::parse(R"([{"index":0,"delta":{"text":"Hel"}}])");
    expected[1]["choices"][0]["delta"]["content_blocks"] =
        json::parse("[{\"index\":1,\"delta\":{\"thinking\":\"thinking...\"}},{\"index\":2,\"delta\":{\"text\":\"lo \xe2\x9c\x93\"}}]");
    const QByteArray in = geminiStream("\r\n\r\n");
    {
        google::GoogleStreamMapper m(nullptr, false);
        JSON_COMPARE(normalizeIds(test::normalizedChunks(test::feedInPieces(m, in, 1))), expected);
    }
    for (quint32 seed = 1; seed <= 10; ++seed) {
        google::GoogleStreamMapper m(nullptr, false);
        JSON_COMPARE(normalizeIds(test::normalizedChunks(test::feedRandomly(m, in, seed))), expected);
    }

    // A chunk of thoughts only still goes out (as the role chunk, content empty).
    const QByteArray thoughtsOnly = R"(data: {"candidates":[{"content":{"role":"model","parts":[{"text":"hmm","thought":true}]},"index":0}],"modelVersion":"gemini-2.5-flash","responseId":"r1"})"
                                    "\r\n\r\n";
    google::GoogleStreamMapper m(nullptr, false);
    const json chunks = test::normalizedChunks(test::feedInPieces(m, thoughtsOnly, 0));
    JSON_COMPARE(chunks[0]["choices"][0]["delta"],
                 json::parse(R"({"role":"assistant","content":"","content_blocks":[{"index":0,"delta":{"thinking":"hmm"}}]})"));
    google::GoogleStreamMapper strict;
    QVERIFY(!test::feedInPieces(strict, in, 0).contains("content_blocks"));
}

QTEST_GUILESS_MAIN(TestGoogleProvider)
#include "tst_google_provider.moc"
