#pragma once
// A line diff between two texts (longest common subsequence), for showing what changed between two
// versions of a saved config. Configs are small; past a size limit the diff degrades to "all removed,
// all added" instead of using quadratic memory.

#include <QString>
#include <QStringList>
#include <vector>

namespace gatehouse {

struct DiffLine {
    enum class Kind { Same, Removed, Added };
    Kind kind = Kind::Same;
    QString text;
    int oldLine = 0;   // 1-based line in the old text; 0 for added lines
    int newLine = 0;   // 1-based line in the new text; 0 for removed lines
};

std::vector<DiffLine> lineDiff(const QStringList& oldLines, const QStringList& newLines);
std::vector<DiffLine> lineDiff(const QString& oldText, const QString& newText);

// "-removed" / "+added" / " same" lines, as a unified diff body without hunk headers.
QString formatUnified(const std::vector<DiffLine>& diff);

} // namespace gatehouse
