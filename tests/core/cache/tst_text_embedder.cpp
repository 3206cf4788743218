// The built-in embedder against a small labelled set at the default threshold: rewordings that keep
// the content words match; other questions, swapped roles and negations do not.

#include "cache/request_cache.h"
#include "cache/text_embedder.h"
#include "cache/vector_index.h"

#include <QTest>

#include <cmath>

using namespace gatehouse;

namespace {

float similarity(const QString& a, const QString& b)
{
    const auto x = TextEmbedder::embed(a);
    const auto y = TextEmbedder::embed(b);
    return VectorIndex::dot(x.data(), y.data(), TextEmbedder::kDimensions);
}

const float kThreshold = float(RequestCache::kDefaultSimilarityThreshold);

} // namespace

class TestTextEmbedder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void unitVectors()
    {
        const auto v = TextEmbedder::embed(QStringLiteral("Hello there, world"));
        QCOMPARE(int(v.size()), TextEmbedder::kDimensions);
        QVERIFY(std::fabs(VectorIndex::dot(v.data(), v.data(), TextEmbedder::kDimensions) - 1.0f) < 1e-5f);
        const auto empty = TextEmbedder::embed(QStringLiteral("?!"));
        QCOMPARE(VectorIndex::dot(empty.data(), empty.data(), TextEmbedder::kDimensions), 0.0f);
    }

    void paraphrasesMatch_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::newRow("case and punctuation") << "What is the capital of France?" << "what is the capital of france";
        QTest::newRow("contraction") << "What is the capital of France?" << "What's the capital of France?";
        QTest::newRow("politeness") << "What is the capital of France?" << "Can you please tell me what the capital of France is?";
        QTest::newRow("negation contraction") << "Why don't cats like water?" << "why do not cats like water";
        QTest::newRow("plural") << "How do I sort a list in Python?" << "How do I sort lists in Python?";
        QTest::newRow("filler") << "Explain recursion in simple terms." << "Hey, quick question: explain recursion in simple terms please!";
        QTest::newRow("whitespace") << "Translate 'good morning' into Spanish" << "  translate   good morning into spanish ";
    }
    void paraphrasesMatch()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        const float s = similarity(a, b);
        qInfo("match    %.3f  %s | %s", s, qPrintable(a), qPrintable(b));
        QVERIFY2(s >= kThreshold, qPrintable(QStringLiteral("similarity %1").arg(s)));
    }

    void otherQuestionsDoNot_data()
    {
        QTest::addColumn<QString>("a");
        QTest::addColumn<QString>("b");
        QTest::newRow("other country") << "What is the capital of France?" << "What is the capital of Germany?";
        QTest::newRow("unrelated") << "What is the capital of France?" << "How do I boil an egg?";
        QTest::newRow("swapped conversion") << "How do I convert Celsius to Fahrenheit?" << "How do I convert Fahrenheit to Celsius?";
        QTest::newRow("negation") << "Is coffee good for your health?" << "Is coffee not good for your health?";
        QTest::newRow("opposite verb") << "How do I increase the font size in VS Code?" << "How do I decrease the font size in VS Code?";
        QTest::newRow("other language") << "Translate 'good morning' into Spanish" << "Translate 'good morning' into German";
        QTest::newRow("other number") << "What is 17 times 23?" << "What is 17 times 24?";
        QTest::newRow("why vs how") << "Why is the sky blue?" << "How is the sky blue?";
        QTest::newRow("from vs to") << "flights from Paris to London tomorrow" << "flights from London to Paris tomorrow";
    }
    void otherQuestionsDoNot()
    {
        QFETCH(QString, a);
        QFETCH(QString, b);
        const float s = similarity(a, b);
        qInfo("no match %.3f  %s | %s", s, qPrintable(a), qPrintable(b));
        QVERIFY2(s < kThreshold, qPrintable(QStringLiteral("similarity %1").arg(s)));
    }
};

QTEST_GUILESS_MAIN(TestTextEmbedder)
#include "tst_text_embedder.moc"
