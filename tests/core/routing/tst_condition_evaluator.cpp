// evaluateCondition / checkCondition: Portkey's conditional-routing queries (spec §3.4).
#include "routing/condition_evaluator.h"

#include <QElapsedTimer>
#include <QTest>

using gatehouse::checkCondition;
using gatehouse::evaluateCondition;
using gatehouse::RoutingContext;
using nlohmann::json;

namespace {

const std::map<std::string, std::string>& metadata()
{
    static const std::map<std::string, std::string> m{
        {"plan", "paid"}, {"tier", "2"}, {"score", "10.5"}, {"beta", "true"}, {"region", "eu-west-1"}, {"a.b", "dotted"}};
    return m;
}

const json& body()
{
    static const json b = json::parse(R"({
        "model": "gpt-4o-mini", "temperature": 0.7, "max_tokens": 100, "stream": true, "user": null,
        "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hello world"}],
        "tags": ["a", "b"], "response_format": {"type": "json_object"}, "seed": "42"})");
    return b;
}

RoutingContext context()
{
    RoutingContext c;
    c.metadata = &metadata();
    c.params = &body();
    c.urlPath = "/v1/chat/completions";
    return c;
}

QByteArray describe(const std::variant<bool, std::string>& r)
{
    if (const auto* e = std::get_if<std::string>(&r))
        return "error: " + QByteArray::fromStdString(*e);
    return std::get<bool>(r) ? "true" : "false";
}

} // namespace

class TestConditionEvaluator : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void operators_data();
    void operators();
    void malformed_data();
    void malformed();
    void missingContext();
    void regexIsBounded();
    void regexGrammarIsEcmaScript();
};

void TestConditionEvaluator::operators_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<bool>("expected");
    auto row = [](const char* name, const char* query, bool expected) {
        QTest::newRow(name) << QByteArray(query) << expected;
    };
    // $eq / plain values
    row("eq string", R"({"metadata.plan": {"$eq": "paid"}})", true);
    row("eq string mismatch", R"({"metadata.plan": {"$eq": "free"}})", false);
    row("plain value", R"({"metadata.plan": "paid"})", true);
    row("plain value mismatch", R"({"metadata.plan": "Paid"})", false);
    row("eq number vs metadata string", R"({"metadata.tier": {"$eq": 2}})", true);
    row("eq number vs numeric string 2.0", R"({"metadata.tier": {"$eq": 2.0}})", true);
    row("eq bool vs metadata string", R"({"metadata.beta": {"$eq": true}})", true);
    row("eq number body", R"({"params.max_tokens": {"$eq": 100}})", true);
    row("eq number body vs string", R"({"params.max_tokens": "100"})", true);
    row("eq bool body", R"({"params.stream": true})", true);
    row("eq null body", R"({"params.user": null})", true);
    row("eq array", R"({"params.tags": ["a", "b"]})", true);
    row("eq object", R"({"params.response_format": {"$eq": {"type": "json_object"}}})", true);
    row("eq non-numeric vs number", R"({"metadata.plan": {"$eq": 0}})", false);
    // $ne
    row("ne", R"({"metadata.plan": {"$ne": "free"}})", true);
    row("ne equal", R"({"metadata.plan": {"$ne": "paid"}})", false);
    row("ne missing field", R"({"metadata.nothing": {"$ne": "x"}})", true);
    // ordering
    row("gt", R"({"params.temperature": {"$gt": 0.5}})", true);
    row("gt equal", R"({"params.max_tokens": {"$gt": 100}})", false);
    row("gte equal", R"({"params.max_tokens": {"$gte": 100}})", true);
    row("lt", R"({"metadata.score": {"$lt": 11}})", true);
    row("lte", R"({"metadata.score": {"$lte": 10.5}})", true);
    row("lt false", R"({"metadata.tier": {"$lt": 2}})", false);
    row("gt numeric string operand", R"({"params.seed": {"$gt": "41.5"}})", true);
    row("gt non-numeric field", R"({"metadata.plan": {"$gt": 1}})", false);
    row("gt missing field", R"({"metadata.nothing": {"$gt": 1}})", false);
    row("range", R"({"params.temperature": {"$gte": 0, "$lt": 1}})", true);
    row("range fails one", R"({"params.temperature": {"$gte": 0, "$lt": 0.5}})", false);
    // $in / $nin
    row("in", R"({"metadata.plan": {"$in": ["free", "paid"]}})", true);
    row("in absent", R"({"metadata.plan": {"$in": ["free", "trial"]}})", false);
    row("in numbers vs string", R"({"metadata.tier": {"$in": [1, 2, 3]}})", true);
    row("in missing field", R"({"metadata.nothing": {"$in": ["x"]}})", false);
    row("nin", R"({"params.model": {"$nin": ["gpt-4o", "o1"]}})", true);
    row("nin present", R"({"params.model": {"$nin": ["gpt-4o-mini"]}})", false);
    row("nin missing field", R"({"metadata.nothing": {"$nin": ["x"]}})", true);
    // $regex
    row("regex", R"({"params.model": {"$regex": "^gpt-4o"}})", true);
    row("regex search not full match", R"({"params.model": {"$regex": "mini"}})", true);
    row("regex no match", R"({"params.model": {"$regex": "^claude"}})", false);
    row("regex ecmascript class", R"({"metadata.region": {"$regex": "^[a-z]{2}-\\w+-\\d$"}})", true);
    row("regex on number", R"({"params.max_tokens": {"$regex": "^1\\d\\d$"}})", true);
    row("regex missing field", R"({"metadata.nothing": {"$regex": ".*"}})", false);
    row("regex and another operator", R"({"params.model": {"$regex": "^gpt", "$ne": "gpt-4o-mini"}})", false);
    // dotted paths, url
    row("params nested object", R"({"params.response_format.type": "json_object"})", true);
    row("params array index", R"({"params.messages.1.content": {"$regex": "hello"}})", true);
    row("params array index out of range", R"({"params.messages.7.role": {"$eq": "user"}})", false);
    row("params missing", R"({"params.tools": {"$eq": "x"}})", false);
    row("params path through scalar", R"({"params.model.x": {"$eq": "x"}})", false);
    row("metadata key with dot", R"({"metadata.a.b": "dotted"})", true);
    row("url pathname", R"({"url.pathname": {"$eq": "/v1/chat/completions"}})", true);
    row("url pathname regex", R"({"url.pathname": {"$regex": "embeddings$"}})", false);
    // logical
    row("and", R"({"$and": [{"metadata.plan": "paid"}, {"params.stream": true}]})", true);
    row("and one false", R"({"$and": [{"metadata.plan": "paid"}, {"params.stream": false}]})", false);
    row("or", R"({"$or": [{"metadata.plan": "free"}, {"metadata.tier": {"$gte": 2}}]})", true);
    row("or none", R"({"$or": [{"metadata.plan": "free"}, {"metadata.tier": {"$gt": 2}}]})", false);
    row("nested", R"({"$or": [{"$and": [{"metadata.plan": "paid"}, {"params.model": {"$regex": "^o1"}}]},
                             {"$and": [{"metadata.plan": "paid"}, {"params.model": {"$regex": "^gpt"}}]}]})", true);
    row("several fields all hold", R"({"metadata.plan": "paid", "params.stream": true, "url.pathname": "/v1/chat/completions"})", true);
    row("several fields one fails", R"({"metadata.plan": "paid", "params.stream": false})", false);
    row("logical and field together", R"({"$or": [{"metadata.plan": "paid"}], "params.stream": false})", false);
    row("empty query matches", R"({})", true);
}

void TestConditionEvaluator::operators()
{
    QFETCH(QByteArray, query);
    QFETCH(bool, expected);
    const json q = json::parse(query.constData());
    QCOMPARE(checkCondition(q), std::string());
    const auto r = evaluateCondition(q, context());
    QVERIFY2(std::holds_alternative<bool>(r), describe(r).constData());
    QCOMPARE(std::get<bool>(r), expected);
}

void TestConditionEvaluator::malformed_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("error");
    auto row = [](const char* name, const char* query, const char* error) {
        QTest::newRow(name) << QByteArray(query) << QString::fromUtf8(error);
    };
    row("not an object", R"(["metadata.plan"])", "a query must be an object");
    row("unknown operator", R"({"metadata.plan": {"$like": "p%"}})",
        "'metadata.plan': unknown operator '$like'; use $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin or $regex");
    row("unknown top-level operator", R"({"$not": [{"metadata.plan": "paid"}]})", "unknown operator '$not' (the logical operators are $and and $or)");
    row("bad regex", R"({"params.model": {"$regex": "gpt-(4"}})", "'params.model': $regex: invalid regular expression");
    row("regex not a string", R"({"params.model": {"$regex": 5}})", "'params.model': $regex needs a string");
    row("in not an array", R"({"metadata.plan": {"$in": "paid"}})", "'metadata.plan': $in needs an array");
    row("nin not an array", R"({"metadata.plan": {"$nin": {}}})", "'metadata.plan': $nin needs an array");
    row("gt not a number", R"({"metadata.tier": {"$gt": "high"}})", "'metadata.tier': $gt needs a number");
    row("and not an array", R"({"$and": {"metadata.plan": "paid"}})", "$and needs a non-empty array of queries");
    row("or empty", R"({"$or": []})", "$or needs a non-empty array of queries");
    row("and item not object", R"({"$and": [{"metadata.plan": "paid"}, "x"]})", "$and[1]: a query must be an object");
    row("nested error path", R"({"$or": [{"$and": [{"metadata.x": {"$bad": 1}}]}]})", "$or[0]: $and[0]: 'metadata.x': unknown operator '$bad'");
    row("unknown field", R"({"plan": "paid"})", "unknown field 'plan': use metadata.<key>, params.<path> or url.pathname");
    row("url other", R"({"url.host": "x"})", "unknown field 'url.host'");
    row("metadata no key", R"({"metadata.": "x"})", "unknown field 'metadata.'");
    row("params empty segment", R"({"params.a..b": 1})", "field 'params.a..b' has an empty path segment");
    row("no operator", R"({"metadata.plan": {}})", "'metadata.plan': no operator given");
}

void TestConditionEvaluator::malformed()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, error);
    const json q = json::parse(query.constData());
    const std::string check = checkCondition(q);
    QVERIFY2(check.find(error.toStdString()) == 0, ("checkCondition: " + check).c_str());
    const auto r = evaluateCondition(q, context());
    QVERIFY2(std::holds_alternative<std::string>(r), describe(r).constData());
    QCOMPARE(std::get<std::string>(r), check);
}

void TestConditionEvaluator::missingContext()
{
    const RoutingContext empty;   // no metadata, no body
    const json q = json::parse(R"({"metadata.plan": {"$ne": "x"}, "params.model": {"$nin": ["x"]}})");
    QCOMPARE(describe(evaluateCondition(q, empty)), QByteArray("true"));
    const json paid = json::parse(R"({"metadata.plan": "paid"})");
    const json emptyPath = json::parse(R"({"url.pathname": ""})");
    QCOMPARE(describe(evaluateCondition(paid, empty)), QByteArray("false"));
    QCOMPARE(describe(evaluateCondition(emptyPath, empty)), QByteArray("true"));
}

void TestConditionEvaluator::regexIsBounded()
{
    // Long values: no per-character recursion (std::regex would overflow the stack here).
    const json params = {{"prompt", std::string(100'000, 'a')}, {"evil", std::string(30, 'a') + "!"},
                         {"huge", std::string((1 << 20) + 1, 'a')}};
    RoutingContext c;
    c.params = &params;
    const json longQuery = json::parse(R"({"params.prompt": {"$regex": "(a|b)*c"}})");
    QCOMPARE(describe(evaluateCondition(longQuery, c)), QByteArray("false"));
    const json longMatch = json::parse(R"({"params.prompt": {"$regex": "^a+$"}})");
    QCOMPARE(describe(evaluateCondition(longMatch, c)), QByteArray("true"));

    // Catastrophic backtracking ends at the engine's match limit, as an error, not a stalled thread.
    QElapsedTimer timer;
    timer.start();
    const json evil = json::parse(R"({"params.evil": {"$regex": "^(a+)+$"}})");
    const auto r = evaluateCondition(evil, c);
    QVERIFY(timer.elapsed() < 5000);
    if (const auto* e = std::get_if<std::string>(&r))
        QVERIFY2(e->find("gave up") != std::string::npos, e->c_str());
    else
        QCOMPARE(std::get<bool>(r), false);

    const json huge = json::parse(R"({"params.huge": {"$regex": "a"}})");
    const auto h = evaluateCondition(huge, c);
    QVERIFY2(std::holds_alternative<std::string>(h), describe(h).constData());
    QVERIFY(std::get<std::string>(h).find("longer than") != std::string::npos);
    // Other operators look at long values freely.
    const json ne = json::parse(R"({"params.huge": {"$ne": "x"}})");
    QCOMPARE(describe(evaluateCondition(ne, c)), QByteArray("true"));
}

void TestConditionEvaluator::regexGrammarIsEcmaScript()
{
    // PCRE-only syntax is refused: the patterns are ECMAScript, as in Portkey.
    for (const char* pattern : {"(?<=a)b", "(?>a)", "(?i)abc"}) {
        const json q = {{"params.model", {{"$regex", pattern}}}};
        QVERIFY2(!checkCondition(q).empty(), pattern);
    }
    const json ok = json::parse(R"({"params.model": {"$regex": "^gpt-4o(-mini)?$"}})");
    QCOMPARE(checkCondition(ok), std::string());
    QCOMPARE(describe(evaluateCondition(ok, context())), QByteArray("true"));
}

QTEST_GUILESS_MAIN(TestConditionEvaluator)
#include "tst_condition_evaluator.moc"
