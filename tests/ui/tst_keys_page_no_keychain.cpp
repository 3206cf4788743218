// The Keys page when the OS keychain cannot be reached (no D-Bus session bus: CTest points
// DBUS_SESSION_BUS_ADDRESS at a socket that does not exist). The page must stay usable and say what
// is wrong and what to do: a stored key shows "secret unavailable" with the reason, the load problem
// is shown on the page, and saving a new key keeps the dialog open with the keychain's message.

#include "keys/key_vault.h"
#include "keys/keychain_secret_store.h"
#include "models/virtual_key_model.h"
#include "pages/key_dialog.h"
#include "pages/keys_page.h"
#include "providers/provider_registry.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace gatehouse;

class TestKeysPageNoKeychain : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void keychainFailuresAreShownWithWhatToDo()
    {
        QVERIFY2(qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS").contains(QStringLiteral("no-such-bus")), "run from CTest");
        QTemporaryDir dir;
        const QString metadata = dir.filePath(QStringLiteral("virtual-keys.json"));
        QFile f(metadata);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"version\":1,\"keys\":[{\"slug\":\"stored-key\",\"provider\":\"openai\",\"created_ms\":1}]}");
        f.close();
        KeyVault vault(metadata, std::make_unique<KeychainSecretStore>(QStringLiteral("gatehouse-no-keychain-test")), ProviderRegistry::builtIn());
        KeysPage page(&vault, nullptr, nullptr);
        QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        page.show();
        QSignalSpy loaded(&vault, &KeyVault::loaded);
        vault.load();
        QVERIFY(loaded.wait(15000));

        QCOMPARE(page.model()->rowCount(), 1);
        const QModelIndex status = page.model()->index(0, VirtualKeyModel::StatusColumn);
        QCOMPARE(status.data().toString(), QStringLiteral("secret unavailable"));
        QVERIFY2(status.data(Qt::ToolTipRole).toString().contains(QStringLiteral("No D-Bus session bus is reachable")),
                 qPrintable(status.data(Qt::ToolTipRole).toString()));
        QVERIFY(page.messageLabel()->isVisible());
        QVERIFY2(page.messageLabel()->text().contains(QStringLiteral("No D-Bus session bus is reachable"))
                     && page.messageLabel()->text().contains(QStringLiteral("--secrets-file")),
                 qPrintable(page.messageLabel()->text()));

        KeyDialog* d = page.openCreateDialog();
        d->slugEdit()->setText(QStringLiteral("new-key"));
        d->secretEdit()->setText(QStringLiteral("sk-no-keychain-77aa"));
        QSignalSpy saved(d, &KeyDialog::saved);
        d->saveButton()->click();
        QVERIFY(QTest::qWaitFor([&] { return d->saveButton()->isEnabled(); }, 15000));   // the async job answered
        QCOMPARE(saved.count(), 0);
        QVERIFY(d->isVisible());
        QVERIFY2(d->errorLabel()->text().contains(QStringLiteral("No D-Bus session bus is reachable")), qPrintable(d->errorLabel()->text()));
        QVERIFY(!d->errorLabel()->text().contains(QStringLiteral("sk-no-keychain-77aa")));
        QCOMPARE(page.model()->rowCount(), 1);   // nothing half-saved

        // Test without a gateway says so instead of failing silently.
        page.selectSlug(QStringLiteral("stored-key"));
        QSignalSpy tested(&page, &KeysPage::testFinished);
        page.testSelected();
        QCOMPARE(tested.count(), 1);
        QVERIFY(page.testResultLabel()->text().contains(QStringLiteral("gateway is not running")));
        d->reject();
    }
};

QTEST_MAIN(TestKeysPageNoKeychain)
#include "tst_keys_page_no_keychain.moc"
