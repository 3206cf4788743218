#pragma once
// Where in a JSON text an error points: the offset of a JSON path ("targets[1].weight" -> the key
// "weight" of the second target), or of "line L, column C" in a syntax error message. Best effort
// for the editor's cursor: a path that is not in the text gives its deepest part that is.

#include <QString>

namespace gatehouse {

// Character offset into text, or -1 when nothing of the path (nor a line/column) is found.
int jsonTextPosition(const QString& text, const QString& path, const QString& message = {});

} // namespace gatehouse
