#include "cache/text_embedder.h"

#include <QStringList>

#include <cmath>
#include <cstdint>

namespace gatehouse {

namespace {

// Filler that changes how a question is asked, not what is asked. Question words, prepositions and
// negations are not here: they change the question.
bool isFiller(const QString& w)
{
    static const QStringList kFiller = {
        QStringLiteral("a"), QStringLiteral("an"), QStringLiteral("the"), QStringLiteral("please"),
        QStringLiteral("kindly"), QStringLiteral("can"), QStringLiteral("could"), QStringLiteral("would"),
        QStringLiteral("you"), QStringLiteral("me"), QStringLiteral("i"), QStringLiteral("tell"),
        QStringLiteral("hey"), QStringLiteral("hi"), QStringLiteral("hello"), QStringLiteral("just"),
        QStringLiteral("quick"), QStringLiteral("question"), QStringLiteral("thanks"), QStringLiteral("thank"),
        QStringLiteral("is"), QStringLiteral("are"), QStringLiteral("do"), QStringLiteral("does"),
    };
    return kFiller.contains(w);
}

std::uint64_t fnv1a(const QString& s, char tag)
{
    std::uint64_t h = 1469598103934665603ULL ^ std::uint64_t(std::uint8_t(tag));
    h *= 1099511628211ULL;
    for (const QChar c : s) {
        h ^= c.unicode();
        h *= 1099511628211ULL;
    }
    // final mix: spreads the low bits the modulo uses
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    return h;
}

void add(std::vector<float>& v, const QString& feature, char tag, float weight)
{
    const std::uint64_t h = fnv1a(feature, tag);
    const auto index = std::size_t(h % TextEmbedder::kDimensions);
    v[index] += (h >> 63) ? -weight : weight;   // signed hashing: collisions cancel out on average
}

} // namespace

QStringList TextEmbedder::words(const QString& text)
{
    QString t = text.toCaseFolded();
    t.replace(QChar(0x2019), QLatin1Char('\''));
    // Contractions spelled out, so "what's" and "what is", "don't" and "do not" agree.
    t.replace(QStringLiteral("n't"), QStringLiteral(" not"));
    t.replace(QStringLiteral("'s"), QStringLiteral(" is"));
    t.replace(QStringLiteral("'re"), QStringLiteral(" are"));
    t.replace(QStringLiteral("'m"), QStringLiteral(" am"));
    t.replace(QStringLiteral("'ll"), QStringLiteral(" will"));
    t.replace(QStringLiteral("'ve"), QStringLiteral(" have"));
    t.replace(QStringLiteral("'d"), QStringLiteral(" would"));
    QString cleaned;
    cleaned.reserve(t.size());
    for (const QChar c : t)
        cleaned += c.isLetterOrNumber() ? c : QLatin1Char(' ');
    QStringList out;
    for (QString w : cleaned.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (isFiller(w))
            continue;
        // A light plural fold ("lists" -> "list", "queries" -> "query"), not a real stemmer.
        if (w.size() > 4 && w.endsWith(QLatin1String("ies")))
            w = w.chopped(3) + QLatin1Char('y');
        else if (w.size() > 3 && w.endsWith(QLatin1Char('s')) && !w.endsWith(QLatin1String("ss"))
                 && !w.endsWith(QLatin1String("us")) && !w.endsWith(QLatin1String("is")))
            w.chop(1);
        out << w;
    }
    return out;
}

std::vector<float> TextEmbedder::embed(const QString& text)
{
    std::vector<float> v(kDimensions, 0.0f);
    const QStringList ws = words(text);
    for (qsizetype i = 0; i < ws.size(); ++i) {
        const QString& w = ws[i];
        add(v, w, 'w', 1.0f);
        if (i + 1 < ws.size())
            add(v, w + QLatin1Char(' ') + ws[i + 1], 'b', 0.9f);   // word order: "celsius fahrenheit"
        const QString padded = QLatin1Char('^') + w + QLatin1Char('$');
        for (qsizetype k = 0; k + 3 <= padded.size(); ++k)
            add(v, padded.mid(k, 3), 'c', 0.2f);   // plurals and typos still overlap
    }
    double norm = 0;
    for (const float x : v)
        norm += double(x) * x;
    if (norm > 0) {
        const auto inv = float(1.0 / std::sqrt(norm));
        for (float& x : v)
            x *= inv;
    }
    return v;
}

} // namespace gatehouse
