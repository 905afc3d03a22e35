/* HMAC_CTX is deprecated in OpenSSL 3 but is the way to HMAC with a
 * pre-fetched digest; keep its declarations free of the attribute. */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <openssl/crypto.h>
