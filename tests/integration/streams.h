// Reading server-streamed answers whose parts concatenate into one message
// (ExportSubjectData, ExportAudit). Test code only.
#ifndef HOIDLA_TESTS_INTEGRATION_STREAMS_H_
#define HOIDLA_TESTS_INTEGRATION_STREAMS_H_

#include <grpcpp/grpcpp.h>

#include <memory>

namespace hoidla::testing {

// Reads every part from `reader` into `out` (merged, as concatenating their
// bytes would) and returns the call's status.
template <typename Part>
grpc::Status ReadMerged(std::unique_ptr<grpc::ClientReader<Part>> reader, Part* out) {
  Part part;
  while (reader->Read(&part)) out->MergeFrom(part);
  return reader->Finish();
}

}  // namespace hoidla::testing

#endif  // HOIDLA_TESTS_INTEGRATION_STREAMS_H_
