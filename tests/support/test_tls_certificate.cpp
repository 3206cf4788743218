#include "test_tls_certificate.h"

#include "openssl_handles.h"

#include <openssl/pem.h>

namespace gatehouse::test {

namespace {

bool addExtension(X509* cert, int nid, const char* value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    OpenSslPtr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

} // namespace

TestTlsCertificate TestTlsCertificate::generate()
{
    TestTlsCertificate out;
    OpenSslPtr<EVP_PKEY> key(EVP_EC_gen("P-256"));
    OpenSslPtr<X509> cert(X509_new());
    if (!key || !cert)
        return out;
    X509_set_version(cert.get(), X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Gatehouse test upstream"), -1, -1, 0);
    X509_set_issuer_name(cert.get(), name);   // self-signed: its own CA
    if (!addExtension(cert.get(), NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost")
        || !addExtension(cert.get(), NID_basic_constraints, "critical,CA:TRUE")
        || !addExtension(cert.get(), NID_key_usage, "critical,digitalSignature,keyCertSign")
        || X509_sign(cert.get(), key.get(), EVP_sha256()) == 0)
        return out;
    OpenSslPtr<BIO> certBio(BIO_new(BIO_s_mem()));
    OpenSslPtr<BIO> keyBio(BIO_new(BIO_s_mem()));
    if (PEM_write_bio_X509(certBio.get(), cert.get()) == 1
        && PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1) {
        out.certificatePem = memoryBioBytes(certBio.get());
        out.privateKeyPem = memoryBioBytes(keyBio.get());
    }
    return out;
}

} // namespace gatehouse::test
