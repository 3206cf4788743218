#pragma once
// Hostile-input generator for the native adapters' tests: takes a valid request or answer and
// replaces one randomly chosen value (anywhere in the tree, the root included) by a value of a
// random type, so every field gets to be null, a number, a string, an array, an object or a boolean.

#include <QRandomGenerator>
#include <nlohmann/json.hpp>

namespace gatehouse::test {

nlohmann::json randomValue(QRandomGenerator& rng, int depth = 0);
nlohmann::json mutate(const nlohmann::json& base, QRandomGenerator& rng, int mutations = 1);

} // namespace gatehouse::test
