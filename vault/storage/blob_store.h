// BlobStore: the storage seam for large immutable objects (document content).
//
// An object is written once, front to back, and becomes readable under its
// name only when Commit() returns; then it is durable. Reads are random access
// (ReadAt), so a byte range of a large object costs only that range. Objects
// are deleted whole. The bytes are already sealed by the layers above
// (doc/format.md); a BlobStore never sees plaintext.
//
// FileBlobStore keeps one file per object under a folder (the embedded
// default); MemoryBlobStore serves tests. The contract is that of an S3-style
// object store, which is the intended distributed implementation.
//
// Names are 1-64 characters of [a-z0-9_]; anything else is INVALID_ARGUMENT.
// Thread-safety: BlobStore methods may be called concurrently; a writer or
// reader belongs to one thread at a time.
#ifndef HOIDLA_VAULT_STORAGE_BLOB_STORE_H_
#define HOIDLA_VAULT_STORAGE_BLOB_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace hoidla::storage {

class BlobWriter {
 public:
  // Destroying a writer without a successful Commit() discards the object.
  virtual ~BlobWriter() = default;
  // Appends bytes. UNAVAILABLE on I/O failure (disk full, ...); the writer is
  // then unusable.
  virtual absl::Status Append(std::string_view data) = 0;
  // Makes the object durable and visible under its name. UNAVAILABLE on
  // failure, in which case the object does not exist.
  virtual absl::Status Commit() = 0;
};

class BlobReader {
 public:
  virtual ~BlobReader() = default;
  // The object's size in bytes.
  virtual int64_t size() const = 0;
  // Reads exactly `n` bytes at `offset` into `out` (resized). DATA_LOSS when
  // the object ends before offset + n; UNAVAILABLE on I/O failure.
  virtual absl::Status ReadAt(int64_t offset, size_t n, std::string* out) = 0;
};

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Starts a new object. ALREADY_EXISTS when `name` exists.
  virtual absl::StatusOr<std::unique_ptr<BlobWriter>> Create(std::string_view name) = 0;
  // Opens a committed object. NOT_FOUND when there is none.
  virtual absl::StatusOr<std::unique_ptr<BlobReader>> Open(std::string_view name) = 0;
  // Deletes an object, committed or not. OK when it does not exist.
  virtual absl::Status Delete(std::string_view name) = 0;
};

// Returns OK when `name` is a valid object name.
absl::Status ValidateBlobName(std::string_view name);

// One file per object: <root>/<last two characters of name>/<name>. Writes
// go to "<name>.partial" and are renamed at Commit() after fdatasync; the
// folder is fsynced too. Leftover ".partial" files are removed by Open().
class FileBlobStore : public BlobStore {
 public:
  // Creates `root` when missing. UNAVAILABLE when it cannot.
  static absl::StatusOr<std::unique_ptr<FileBlobStore>> Open(const std::string& root);

  absl::StatusOr<std::unique_ptr<BlobWriter>> Create(std::string_view name) override;
  absl::StatusOr<std::unique_ptr<BlobReader>> Open(std::string_view name) override;
  absl::Status Delete(std::string_view name) override;

  // The path of object `name` (for tests and operators).
  std::string PathOf(std::string_view name) const;

 private:
  explicit FileBlobStore(std::string root) : root_(std::move(root)) {}
  std::string root_;
};

// Objects in memory, for tests. Tamper() gives direct access to the bytes.
class MemoryBlobStore : public BlobStore {
 public:
  absl::StatusOr<std::unique_ptr<BlobWriter>> Create(std::string_view name) override;
  absl::StatusOr<std::unique_ptr<BlobReader>> Open(std::string_view name) override;
  absl::Status Delete(std::string_view name) override;

  // Test hooks. Tamper() calls `edit` on the committed bytes of `name` and
  // returns false when there is no such object. Count() counts objects.
  bool Tamper(std::string_view name, const std::function<void(std::string&)>& edit);
  size_t Count() const;

 private:
  friend class MemoryBlobWriter;
  void Put(const std::string& name, std::shared_ptr<const std::string> bytes);
  mutable absl::Mutex mu_;
  std::map<std::string, std::shared_ptr<const std::string>, std::less<>> objects_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace hoidla::storage

#endif  // HOIDLA_VAULT_STORAGE_BLOB_STORE_H_
