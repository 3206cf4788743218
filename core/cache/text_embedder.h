#pragma once
// The built-in offline embedder of the semantic cache: hashed lexical features (words, adjacent word
// pairs and character trigrams) folded into a fixed 256-dimension vector, L2-normalised. It measures
// how much two texts share in wording, not in meaning: it matches rewordings that keep the content
// words (case, punctuation, contractions, filler such as "please" or "can you tell me", small
// additions) and keeps apart texts whose content words or word order differ ("Celsius to
// Fahrenheit" vs "Fahrenheit to Celsius"). It does not know synonyms. docs/cache.md has the numbers.

#include <QString>

#include <vector>

namespace gatehouse {

class TextEmbedder {
public:
    static constexpr int kDimensions = 256;
    static constexpr int kVersion = 1;   // stored with each vector: a new embedder ignores old vectors

    // A unit vector of kDimensions floats (all zeros for a text with no words).
    static std::vector<float> embed(const QString& text);
    // The words the features are built from, after normalisation (for tests and docs).
    static QStringList words(const QString& text);
};

} // namespace gatehouse
