#include "gateway_service.h"

#include "gateway_worker.h"
#include "catalog/model_catalog.h"
#include "providers/provider_registry.h"
#include "routing/config_set.h"
#include "pipeline/gateway_access.h"

#include "cache/cache_database.h"

#include <QEventLoop>
#include <QPointer>
#include <QRandomGenerator>
#include <QThread>
#include <QThreadPool>

namespace gatehouse {

GatewayService::GatewayService(QObject* parent)
    : QObject(parent)
{
    qRegisterMetaType<gatehouse::RecordBatch>("gatehouse::RecordBatch");
    qRegisterMetaType<gatehouse::CircuitSnapshot>("gatehouse::CircuitSnapshot");
    qRegisterMetaType<gatehouse::CacheNamespaceList>("gatehouse::CacheNamespaceList");
    QByteArray random(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(random.data()), random.size() / 4);
    consoleKey_ = "gh-console-" + random.toHex();
}

GatewayService::~GatewayService()
{
    stopAndWait();
}

QString GatewayService::baseUrl() const
{
    QString host = settings_.bindAddress;
    if (host == QLatin1String("0.0.0.0"))
        host = QStringLiteral("127.0.0.1");
    else if (host.contains(QLatin1Char(':')))
        host = QLatin1Char('[') + host + QLatin1Char(']');
    return QStringLiteral("http://%1:%2").arg(host).arg(port_);
}

void GatewayService::start(const GatewaySettings& settings)
{
    if (thread_)
        return;
    settings_ = settings;
    if (!settings_.apiKeyDigests.empty())
        settings_.apiKeyDigests.push_back(gatewayKeyDigest(consoleKey_));
    std::shared_ptr<const ProviderRegistry> providers;
    try {
        providers = ProviderRegistry::builtIn();
        ModelCatalog::builtIn();   // parse the catalog here, not on the gateway thread
    } catch (const std::exception& e) {
        QMetaObject::invokeMethod(this, [this, msg = QString::fromUtf8(e.what())] { Q_EMIT failed(msg); }, Qt::QueuedConnection);
        return;
    }
    thread_ = new QThread(this);
    thread_->setObjectName(QStringLiteral("gateway"));
    worker_ = new GatewayWorker(settings_, providers);
    worker_->setConfigs(configs_);   // before the move: the worker is not running yet
    worker_->setKeys(keys_);
    if (spendSource_)
        worker_->setSpendBaseline(spendSource_());
    worker_->moveToThread(thread_);
    connect(thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &GatewayWorker::recordsReady, this, &GatewayService::recordsReady);
    connect(worker_, &GatewayWorker::circuitsChanged, this, [this](const CircuitSnapshot& circuits) {
        circuits_ = circuits;
        Q_EMIT circuitsChanged(circuits);
    });
    connect(worker_, &GatewayWorker::connectionsChanged, this, &GatewayService::connectionsChanged);
    connect(worker_, &GatewayWorker::cacheListed, this, [this](const CacheNamespaceList& list) { Q_EMIT cacheListed(list, QString()); });
    connect(worker_, &GatewayWorker::cacheCleared, this, [this](qint64 removed) { Q_EMIT cacheCleared(removed, QString()); });
    connect(worker_, &GatewayWorker::started, this, [this](quint16 port) {
        port_ = port;
        running_ = true;
        Q_EMIT started(baseUrl());
    });
    connect(worker_, &GatewayWorker::failed, this, [this](const QString& message) {
        thread_->quit();
        thread_->wait();
        thread_->deleteLater();
        thread_ = nullptr;
        worker_ = nullptr;
        Q_EMIT failed(message);
    });
    connect(worker_, &GatewayWorker::drained, this, [this] {
        thread_->quit();
        thread_->wait();   // the worker is idle: this returns at once
        thread_->deleteLater();
        thread_ = nullptr;
        worker_ = nullptr;
        running_ = false;
        Q_EMIT stopped();
    });
    thread_->start();
    const quint16 port = settings_.port;
    QMetaObject::invokeMethod(worker_, [w = worker_, port] { w->start(port); }, Qt::QueuedConnection);
}

void GatewayService::setConfigs(std::shared_ptr<const ConfigSet> configs)
{
    configs_ = std::move(configs);
    if (worker_)
        QMetaObject::invokeMethod(worker_, [w = worker_, c = configs_] { w->setConfigs(c); }, Qt::QueuedConnection);
}

void GatewayService::setKeys(KeySnapshotPtr keys)
{
    keys_ = std::move(keys);
    if (worker_)
        QMetaObject::invokeMethod(worker_, [w = worker_, k = keys_] { w->setKeys(k); }, Qt::QueuedConnection);
}

void GatewayService::listCache()
{
    if (worker_) {
        QMetaObject::invokeMethod(worker_, &GatewayWorker::listCache, Qt::QueuedConnection);
        return;
    }
    // No gateway: the file, read off this thread.
    QThreadPool::globalInstance()->start([self = QPointer<GatewayService>(this), path = settings_.cachePath] {
        QString error;
        const auto list = path.isEmpty() ? std::optional<CacheNamespaceList>(CacheNamespaceList{}) : cacheFileNamespaces(path, &error);
        if (self)
            QMetaObject::invokeMethod(self.data(), [self, list = list.value_or(CacheNamespaceList{}), error] {
            if (self)
                Q_EMIT self->cacheListed(list, error);
        }, Qt::QueuedConnection);
    });
}

void GatewayService::clearCache(const std::optional<QString>& cacheNamespace)
{
    if (worker_) {
        QMetaObject::invokeMethod(worker_, [w = worker_, cacheNamespace] { w->clearCache(cacheNamespace); }, Qt::QueuedConnection);
        return;
    }
    QThreadPool::globalInstance()->start([self = QPointer<GatewayService>(this), path = settings_.cachePath, cacheNamespace] {
        QString error;
        const qint64 removed = path.isEmpty() ? 0 : clearCacheFile(path, cacheNamespace, &error);
        if (self)
            QMetaObject::invokeMethod(self.data(), [self, removed, error] {
            if (!self)
                return;
            Q_EMIT self->cacheCleared(removed, error);
            self->listCache();
        }, Qt::QueuedConnection);
    });
}

void GatewayService::stop()
{
    if (!worker_)
        return;
    QMetaObject::invokeMethod(worker_, &GatewayWorker::shutdown, Qt::QueuedConnection);
}

void GatewayService::stopAndWait()
{
    if (!thread_)
        return;
    QEventLoop loop;
    connect(this, &GatewayService::stopped, &loop, &QEventLoop::quit);
    connect(this, &GatewayService::failed, &loop, &QEventLoop::quit);
    stop();
    if (thread_)
        loop.exec();
}

} // namespace gatehouse
