#include "views/json_text_position.h"

#include <QRegularExpression>
#include <QVariant>

#include <vector>

namespace gatehouse {

namespace {

struct Segment {
    QString key;      // object member, or
    int index = -1;   // array element
};

std::vector<Segment> splitPath(const QString& path)
{
    std::vector<Segment> out;
    static const QRegularExpression part(QStringLiteral("([^.\\[\\]]+)|\\[(\\d+)\\]"));
    for (auto it = part.globalMatch(path); it.hasNext();) {
        const auto m = it.next();
        if (m.capturedLength(2))
            out.push_back({{}, m.captured(2).toInt()});
        else
            out.push_back({m.captured(1), -1});
    }
    return out;
}

// A small recursive reader that only tracks where values start; gives up quietly on broken text.
class Finder {
public:
    Finder(const QString& text, std::vector<Segment> path) : t_(text), path_(std::move(path)) {}

    int run()
    {
        value(0);
        return best_;
    }

private:
    void ws()
    {
        while (p_ < t_.size() && t_[p_].isSpace())
            ++p_;
    }
    bool string(QString* out)
    {
        if (p_ >= t_.size() || t_[p_] != QLatin1Char('"'))
            return false;
        ++p_;
        QString s;
        while (p_ < t_.size() && t_[p_] != QLatin1Char('"')) {
            if (t_[p_] == QLatin1Char('\\') && p_ + 1 < t_.size())
                ++p_;
            s += t_[p_++];
        }
        ++p_;
        if (out)
            *out = s;
        return true;
    }
    // depth: how many path segments lead here; true once the whole path was found.
    bool value(std::size_t depth)
    {
        ws();
        if (p_ >= t_.size() || ++nesting_ > 200)
            return false;
        const QChar c = t_[p_];
        if (c == QLatin1Char('{')) {
            ++p_;
            for (;;) {
                ws();
                if (p_ < t_.size() && t_[p_] == QLatin1Char('}')) { ++p_; break; }
                const int keyAt = int(p_);
                QString key;
                if (!string(&key))
                    return false;
                ws();
                if (p_ >= t_.size() || t_[p_] != QLatin1Char(':'))
                    return false;
                ++p_;
                const bool onPath = depth < path_.size() && path_[depth].index < 0 && path_[depth].key == key;
                if (onPath) {
                    best_ = keyAt;
                    if (depth + 1 == path_.size())
                        return true;
                }
                if (value(onPath ? depth + 1 : path_.size() + 1))
                    return true;
                ws();
                if (p_ < t_.size() && t_[p_] == QLatin1Char(',')) { ++p_; continue; }
                if (p_ < t_.size() && t_[p_] == QLatin1Char('}')) { ++p_; break; }
                return false;
            }
        } else if (c == QLatin1Char('[')) {
            ++p_;
            for (int i = 0;; ++i) {
                ws();
                if (p_ < t_.size() && t_[p_] == QLatin1Char(']')) { ++p_; break; }
                const bool onPath = depth < path_.size() && path_[depth].index == i;
                if (onPath) {
                    best_ = int(p_);
                    if (depth + 1 == path_.size())
                        return true;
                }
                if (value(onPath ? depth + 1 : path_.size() + 1))
                    return true;
                ws();
                if (p_ < t_.size() && t_[p_] == QLatin1Char(',')) { ++p_; continue; }
                if (p_ < t_.size() && t_[p_] == QLatin1Char(']')) { ++p_; break; }
                return false;
            }
        } else if (c == QLatin1Char('"')) {
            string(nullptr);
        } else {
            while (p_ < t_.size() && !QStringLiteral(",}] \t\r\n").contains(t_[p_]))
                ++p_;
        }
        --nesting_;
        return false;
    }

    const QString& t_;
    std::vector<Segment> path_;
    qsizetype p_ = 0;
    int best_ = -1;
    int nesting_ = 0;
};

} // namespace

int jsonTextPosition(const QString& text, const QString& path, const QString& message)
{
    static const QRegularExpression lineColumn(QStringLiteral("line (\\d+), column (\\d+)"));
    if (const auto m = lineColumn.match(message); m.hasMatch()) {
        const int line = m.captured(1).toInt(), column = m.captured(2).toInt();
        int offset = 0;
        for (int l = 1; l < line && offset >= 0; ++l) {
            offset = int(text.indexOf(QLatin1Char('\n'), offset));
            if (offset >= 0)
                ++offset;
        }
        return offset < 0 ? int(text.size()) : std::min(int(text.size()), offset + std::max(0, column - 1));
    }
    if (path.isEmpty() || path == QLatin1String("config"))
        return 0;
    return Finder(text, splitPath(path)).run();
}

} // namespace gatehouse
