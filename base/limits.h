// Input limits, set in vaultd's configuration. Plain value; copy freely.
#ifndef HOIDLA_BASE_LIMITS_H_
#define HOIDLA_BASE_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace hoidla::core {

struct Limits {
  // Names and titles (organisation, project, client names, case and
  // document titles), in bytes of UTF-8.
  size_t max_name_bytes = 200;
  // Free-text metadata fields (descriptions, reasons).
  size_t max_text_bytes = 4096;
  // Largest document accepted.
  int64_t max_document_bytes = int64_t{16} << 30;
  // Largest single `data` message of an upload stream.
  size_t max_upload_message_bytes = 4 << 20;
};

}  // namespace hoidla::core

#endif  // HOIDLA_BASE_LIMITS_H_
