#pragma once
// Turns SIGINT/SIGTERM into a Qt signal on the main thread (self-pipe: the handler only writes a byte).

#include <QObject>

class QSocketNotifier;

namespace gatehouse {

class SignalWatcher : public QObject {
    Q_OBJECT
public:
    explicit SignalWatcher(QObject* parent = nullptr);

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    QSocketNotifier* notifier_ = nullptr;
};

} // namespace gatehouse
