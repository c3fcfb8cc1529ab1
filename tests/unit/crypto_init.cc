// Initialises libsodium before any test runs (and before anything caches the
// preferred cipher, which depends on CPU detection done by sodium_init).
#include <cstdio>
#include <cstdlib>

#include "keys/crypto.h"

namespace {
const bool kCryptoReady = [] {
  if (!hoidla::keys::InitCrypto().ok()) {
    std::fprintf(stderr, "InitCrypto failed\n");
    std::abort();
  }
  return true;
}();
}  // namespace
