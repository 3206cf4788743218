#pragma once
// Owning handles for the OpenSSL objects the test helpers make (keys, certificates), and the bytes
// written to a memory BIO.

#include <QByteArray>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace gatehouse::test {

struct OpenSslFree {
    void operator()(BIO* b) const { BIO_free(b); }
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
    void operator()(X509* x) const { X509_free(x); }
    void operator()(X509_EXTENSION* e) const { X509_EXTENSION_free(e); }
};

template <class T>
using OpenSslPtr = std::unique_ptr<T, OpenSslFree>;

inline QByteArray memoryBioBytes(BIO* bio)
{
    char* data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return QByteArray(data, qsizetype(n));
}

} // namespace gatehouse::test
