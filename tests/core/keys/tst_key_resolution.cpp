// A request's virtual key slug against a snapshot: the right key, or the documented error.

#include "keys/key_resolution.h"

#include <QTest>

using namespace gatehouse;

namespace {

KeySnapshot snapshot()
{
    KeySnapshot s;
    ResolvedKey ok;
    ok.key.slug = QStringLiteral("live");
    ok.key.provider = QStringLiteral("openai");
    ok.secret = QStringLiteral("sk-live-secret");
    s.keys.emplace(ok.key.slug, ok);
    ResolvedKey off = ok;
    off.key.slug = QStringLiteral("off");
    off.key.disabled = true;
    s.keys.emplace(off.key.slug, off);
    ResolvedKey gone = ok;
    gone.key.slug = QStringLiteral("gone");
    gone.secret.clear();
    gone.unavailable = QStringLiteral("The OS keyring is locked.");
    s.keys.emplace(gone.key.slug, gone);
    return s;
}

ApiError errorOf(const std::variant<const ResolvedKey*, ApiError>& r)
{
    return std::get<ApiError>(r);
}

} // namespace

class TestKeyResolution : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void knownKeyResolves()
    {
        const KeySnapshot s = snapshot();
        const auto r = resolveVirtualKey(&s, QStringLiteral("live"));
        QVERIFY(std::holds_alternative<const ResolvedKey*>(r));
        QCOMPARE(std::get<const ResolvedKey*>(r)->secret, QStringLiteral("sk-live-secret"));
        QCOMPARE(std::get<const ResolvedKey*>(r)->key.provider, QStringLiteral("openai"));
    }

    void unknownSlugIs401()
    {
        const KeySnapshot s = snapshot();
        const ApiError e = errorOf(resolveVirtualKey(&s, QStringLiteral("nope")));
        QCOMPARE(e.status, 401);
        QCOMPARE(e.code, QStringLiteral("virtual_key_not_found"));
        QCOMPARE(e.param, QStringLiteral("x-portkey-virtual-key"));
        QVERIFY(e.message.contains(QStringLiteral("'nope'")));
        // no snapshot at all (vault not loaded) is the same answer
        QCOMPARE(errorOf(resolveVirtualKey(nullptr, QStringLiteral("nope"))).status, 401);
    }

    void somethingThatIsNotASlugIsNotEchoed()
    {
        const KeySnapshot s = snapshot();
        const ApiError e = errorOf(resolveVirtualKey(&s, QStringLiteral("sk-PastedRealSecret123")));
        QCOMPARE(e.status, 401);
        QVERIFY2(!e.message.contains(QStringLiteral("PastedRealSecret")), qPrintable(e.message));
        QVERIFY(!e.toJson().contains("PastedRealSecret"));
    }

    void disabledKeyIs403()
    {
        const KeySnapshot s = snapshot();
        const ApiError e = errorOf(resolveVirtualKey(&s, QStringLiteral("off")));
        QCOMPARE(e.status, 403);
        QCOMPARE(e.code, QStringLiteral("virtual_key_disabled"));
        QVERIFY(!e.message.contains(QStringLiteral("sk-live-secret")));
    }

    void unavailableSecretIs503WithTheReason()
    {
        const KeySnapshot s = snapshot();
        const ApiError e = errorOf(resolveVirtualKey(&s, QStringLiteral("gone")));
        QCOMPARE(e.status, 503);
        QCOMPARE(e.code, QStringLiteral("virtual_key_unavailable"));
        QVERIFY(e.message.contains(QStringLiteral("keyring is locked")));
    }
};

QTEST_GUILESS_MAIN(TestKeyResolution)
#include "tst_key_resolution.moc"
