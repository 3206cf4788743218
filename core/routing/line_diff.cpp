#include "routing/line_diff.h"

#include <algorithm>

namespace gatehouse {

namespace {

constexpr qsizetype kMaxCells = 4'000'000;   // 2000 x 2000 lines

QStringList splitLines(const QString& text)
{
    if (text.isEmpty())
        return {};
    QStringList lines = text.split(QLatin1Char('\n'));
    if (lines.last().isEmpty())   // a final newline ends the last line, it does not start another
        lines.removeLast();
    return lines;
}

} // namespace

std::vector<DiffLine> lineDiff(const QStringList& a, const QStringList& b)
{
    std::vector<DiffLine> out;
    // Common head and tail are cheap to strip and keep the table small for typical edits.
    qsizetype head = 0;
    while (head < a.size() && head < b.size() && a[head] == b[head])
        ++head;
    qsizetype tail = 0;
    while (tail < a.size() - head && tail < b.size() - head && a[a.size() - 1 - tail] == b[b.size() - 1 - tail])
        ++tail;
    for (qsizetype i = 0; i < head; ++i)
        out.push_back({DiffLine::Kind::Same, a[i], int(i + 1), int(i + 1)});

    const qsizetype n = a.size() - head - tail;
    const qsizetype m = b.size() - head - tail;
    if (n * m > kMaxCells) {
        for (qsizetype i = 0; i < n; ++i)
            out.push_back({DiffLine::Kind::Removed, a[head + i], int(head + i + 1), 0});
        for (qsizetype j = 0; j < m; ++j)
            out.push_back({DiffLine::Kind::Added, b[head + j], 0, int(head + j + 1)});
    } else {
        // lcs[i][j]: length of the LCS of a[i..n) and b[j..m) (middle parts only).
        std::vector<int> lcs(std::size_t((n + 1) * (m + 1)), 0);
        auto at = [&](qsizetype i, qsizetype j) -> int& { return lcs[std::size_t(i * (m + 1) + j)]; };
        for (qsizetype i = n - 1; i >= 0; --i) {
            for (qsizetype j = m - 1; j >= 0; --j)
                at(i, j) = a[head + i] == b[head + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
        }
        qsizetype i = 0, j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && a[head + i] == b[head + j]) {
                out.push_back({DiffLine::Kind::Same, a[head + i], int(head + i + 1), int(head + j + 1)});
                ++i;
                ++j;
            } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {   // removals before additions
                out.push_back({DiffLine::Kind::Removed, a[head + i], int(head + i + 1), 0});
                ++i;
            } else {
                out.push_back({DiffLine::Kind::Added, b[head + j], 0, int(head + j + 1)});
                ++j;
            }
        }
    }
    for (qsizetype k = 0; k < tail; ++k) {
        const qsizetype ia = a.size() - tail + k, ib = b.size() - tail + k;
        out.push_back({DiffLine::Kind::Same, a[ia], int(ia + 1), int(ib + 1)});
    }
    return out;
}

std::vector<DiffLine> lineDiff(const QString& oldText, const QString& newText)
{
    return lineDiff(splitLines(oldText), splitLines(newText));
}

QString formatUnified(const std::vector<DiffLine>& diff)
{
    QString out;
    for (const DiffLine& d : diff) {
        out += d.kind == DiffLine::Kind::Same ? QLatin1Char(' ') : d.kind == DiffLine::Kind::Removed ? QLatin1Char('-') : QLatin1Char('+');
        out += d.text;
        out += QLatin1Char('\n');
    }
    return out;
}

} // namespace gatehouse
