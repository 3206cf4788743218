#include "keys/keychain_secret_store.h"

#include "keys/keychain_errors.h"

#include <qt6keychain/keychain.h>

namespace gatehouse {

namespace {

QString itemKey(const QString& slug)
{
    return QStringLiteral("virtual-key/") + slug;
}

// Runs a job; finished() always comes from the event loop (QtKeychain queues it).
template <typename Job, typename OnOk>
void run(Job* job, const QString& slug, SecretStore::Callback done, OnOk onOk)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(itemKey(slug));
    QObject::connect(job, &QKeychain::Job::finished, job, [job, done = std::move(done), onOk](QKeychain::Job*) {
        SecretResult r;
        if (job->error() == QKeychain::NoError) {
            r.ok = true;
            onOk(*job, r);
        } else if (job->error() == QKeychain::EntryNotFound) {
            r.notFound = true;
            r.message = QStringLiteral("The OS keychain holds no secret for this key; set one with 'gatehouse keys rotate' or on the Keys page.");
        } else {
            r.message = describeKeychainFailure(job->error(), job->errorString());
        }
        done(std::move(r));
    });
    job->start();
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QString service)
    : service_(std::move(service))
{
}

void KeychainSecretStore::read(const QString& slug, Callback done)
{
    run(new QKeychain::ReadPasswordJob(service_), slug, std::move(done),
        [](QKeychain::ReadPasswordJob& job, SecretResult& r) { r.secret = job.textData(); });
}

void KeychainSecretStore::write(const QString& slug, const QString& secret, Callback done)
{
    auto* job = new QKeychain::WritePasswordJob(service_);
    job->setTextData(secret);
    run(job, slug, std::move(done), [](QKeychain::WritePasswordJob&, SecretResult&) {});
}

void KeychainSecretStore::remove(const QString& slug, Callback done)
{
    // Deleting what is not there is fine: the goal (no secret stored) holds.
    run(new QKeychain::DeletePasswordJob(service_), slug,
        [done = std::move(done)](SecretResult r) {
            if (r.notFound) {
                r.ok = true;
                r.notFound = false;
                r.message.clear();
            }
            done(std::move(r));
        },
        [](QKeychain::DeletePasswordJob&, SecretResult&) {});
}

} // namespace gatehouse
