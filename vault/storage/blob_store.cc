#include "vault/storage/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/strings.h"

namespace hoidla::storage {
namespace {

constexpr std::string_view kPartial = ".partial";
constexpr size_t kWriteBuffer = 1 << 20;
constexpr int64_t kWritebackEvery = 8 << 20;

absl::Status IoError(std::string_view what, std::string_view name) {
  return absl::UnavailableError(
      StrCat("blob store: ", what, " ", name, ": ", std::strerror(errno)));
}

absl::Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open folder", dir);
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return IoError("cannot sync folder", dir);
  return absl::OkStatus();
}

class FileBlobWriter : public BlobWriter {
 public:
  FileBlobWriter(int fd, std::string dir, std::string partial, std::string final_path)
      : fd_(fd), dir_(std::move(dir)), partial_(std::move(partial)), final_(std::move(final_path)) {
    buffer_.reserve(kWriteBuffer);
  }
  ~FileBlobWriter() override {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(partial_.c_str());
  }

  absl::Status Append(std::string_view data) override {
    if (failed_) return absl::FailedPreconditionError("blob writer failed earlier");
    if (buffer_.size() + data.size() > kWriteBuffer) {
      absl::Status s = Flush();
      if (!s.ok()) return s;
    }
    if (data.size() >= kWriteBuffer) return WriteAll(data);
    buffer_.append(data);
    return absl::OkStatus();
  }

  absl::Status Commit() override {
    if (failed_) return absl::FailedPreconditionError("blob writer failed earlier");
    absl::Status s = Flush();
    if (!s.ok()) return s;
    if (::fdatasync(fd_) != 0) return Fail("cannot sync");
    ::close(fd_);
    fd_ = -1;
    if (::rename(partial_.c_str(), final_.c_str()) != 0) return Fail("cannot publish");
    if (absl::Status s = SyncDir(dir_); !s.ok()) {
      // Not durable: take it back, so that a failed Commit() leaves nothing.
      ::unlink(final_.c_str());
      failed_ = true;
      return s;
    }
    committed_ = true;
    return absl::OkStatus();
  }

 private:
  absl::Status Fail(std::string_view what) {
    failed_ = true;
    return IoError(what, partial_);
  }
  absl::Status Flush() {
    absl::Status s = WriteAll(buffer_);
    buffer_.clear();
    return s;
  }
  absl::Status WriteAll(std::string_view data) {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::write(fd_, data.data() + off, data.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return Fail("cannot write");
      off += n;
    }
    written_ += data.size();
    // Start writeback early so that Commit()'s fdatasync has little left.
    if (written_ - synced_to_ >= kWritebackEvery) {
      ::sync_file_range(fd_, synced_to_, written_ - synced_to_, SYNC_FILE_RANGE_WRITE);
      synced_to_ = written_;
    }
    return absl::OkStatus();
  }

  int fd_;
  std::string dir_, partial_, final_;
  std::string buffer_;
  int64_t written_ = 0;
  int64_t synced_to_ = 0;
  bool committed_ = false;
  bool failed_ = false;
};

class FileBlobReader : public BlobReader {
 public:
  FileBlobReader(int fd, int64_t size) : fd_(fd), size_(size) {}
  ~FileBlobReader() override { ::close(fd_); }
  int64_t size() const override { return size_; }
  absl::Status ReadAt(int64_t offset, size_t n, std::string* out) override {
    if (offset < 0 || offset + static_cast<int64_t>(n) > size_) {
      out->clear();
      return absl::DataLossError("stored object is shorter than expected");
    }
    out->resize(n);
    size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, out->data() + got, n - got, offset + got);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return absl::UnavailableError("blob store: read failed");
      if (r == 0) {
        out->clear();
        return absl::DataLossError("stored object is shorter than expected");
      }
      got += r;
    }
    return absl::OkStatus();
  }

 private:
  int fd_;
  int64_t size_;
};

class MemoryBlobReader : public BlobReader {
 public:
  explicit MemoryBlobReader(std::shared_ptr<const std::string> bytes) : bytes_(std::move(bytes)) {}
  int64_t size() const override { return static_cast<int64_t>(bytes_->size()); }
  absl::Status ReadAt(int64_t offset, size_t n, std::string* out) override {
    if (offset < 0 || offset + static_cast<int64_t>(n) > size()) {
      out->clear();
      return absl::DataLossError("stored object is shorter than expected");
    }
    out->assign(*bytes_, offset, n);
    return absl::OkStatus();
  }

 private:
  std::shared_ptr<const std::string> bytes_;
};

}  // namespace

class MemoryBlobWriter : public BlobWriter {
 public:
  MemoryBlobWriter(MemoryBlobStore* store, std::string name)
      : store_(store), name_(std::move(name)) {}
  absl::Status Append(std::string_view data) override {
    bytes_.append(data);
    return absl::OkStatus();
  }
  absl::Status Commit() override {
    store_->Put(name_, std::make_shared<const std::string>(std::move(bytes_)));
    return absl::OkStatus();
  }

 private:
  MemoryBlobStore* store_;
  std::string name_;
  std::string bytes_;
};

absl::Status ValidateBlobName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) ok &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  if (!ok) return absl::InvalidArgumentError("blob name: malformed");
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<FileBlobStore>> FileBlobStore::Open(const std::string& root) {
  std::error_code ec;
  std::filesystem::create_directories(root, ec);
  if (ec) return absl::UnavailableError(StrCat("blob store: cannot create ", root));
  // Uploads cut short by a crash leave partial files behind.
  for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().string().ends_with(kPartial)) {
      std::filesystem::remove(it->path(), ec);
    }
  }
  return std::unique_ptr<FileBlobStore>(new FileBlobStore(root));
}

std::string FileBlobStore::PathOf(std::string_view name) const {
  // Shard by the last two characters (the random end of an id).
  std::string_view shard = name.size() >= 2 ? name.substr(name.size() - 2) : name;
  return StrCat(root_, "/", shard, "/", name);
}

absl::StatusOr<std::unique_ptr<BlobWriter>> FileBlobStore::Create(std::string_view name) {
  if (absl::Status s = ValidateBlobName(name); !s.ok()) return s;
  std::string final_path = PathOf(name);
  std::string dir = final_path.substr(0, final_path.rfind('/'));
  if (::access(final_path.c_str(), F_OK) == 0) {
    return absl::AlreadyExistsError("blob store: object exists");
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return IoError("cannot create", dir);
  std::string partial = StrCat(final_path, kPartial);
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return IoError("cannot create", partial);
  return std::unique_ptr<BlobWriter>(new FileBlobWriter(fd, dir, partial, final_path));
}

absl::StatusOr<std::unique_ptr<BlobReader>> FileBlobStore::Open(std::string_view name) {
  if (absl::Status s = ValidateBlobName(name); !s.ok()) return s;
  std::string path = PathOf(name);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError("blob store: no such object");
    return IoError("cannot open", path);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return IoError("cannot stat", path);
  }
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<BlobReader>(new FileBlobReader(fd, st.st_size));
}

absl::Status FileBlobStore::Delete(std::string_view name) {
  if (absl::Status s = ValidateBlobName(name); !s.ok()) return s;
  std::string path = PathOf(name);
  bool removed = false;
  for (const std::string& p : {path, StrCat(path, kPartial)}) {
    if (::unlink(p.c_str()) == 0) {
      removed = true;
    } else if (errno != ENOENT) {
      return IoError("cannot delete", p);
    }
  }
  if (removed) return SyncDir(path.substr(0, path.rfind('/')));
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<BlobWriter>> MemoryBlobStore::Create(std::string_view name) {
  if (absl::Status s = ValidateBlobName(name); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  if (objects_.contains(name)) return absl::AlreadyExistsError("blob store: object exists");
  return std::unique_ptr<BlobWriter>(new MemoryBlobWriter(this, std::string(name)));
}

absl::StatusOr<std::unique_ptr<BlobReader>> MemoryBlobStore::Open(std::string_view name) {
  if (absl::Status s = ValidateBlobName(name); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  auto it = objects_.find(name);
  if (it == objects_.end()) return absl::NotFoundError("blob store: no such object");
  return std::unique_ptr<BlobReader>(new MemoryBlobReader(it->second));
}

absl::Status MemoryBlobStore::Delete(std::string_view name) {
  if (absl::Status s = ValidateBlobName(name); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  auto it = objects_.find(name);
  if (it != objects_.end()) objects_.erase(it);
  return absl::OkStatus();
}

void MemoryBlobStore::Put(const std::string& name, std::shared_ptr<const std::string> bytes) {
  absl::MutexLock lock(&mu_);
  objects_[name] = std::move(bytes);
}

bool MemoryBlobStore::Tamper(std::string_view name, const std::function<void(std::string&)>& edit) {
  absl::MutexLock lock(&mu_);
  auto it = objects_.find(name);
  if (it == objects_.end()) return false;
  auto copy = std::make_shared<std::string>(*it->second);
  edit(*copy);
  it->second = std::move(copy);
  return true;
}

size_t MemoryBlobStore::Count() const {
  absl::MutexLock lock(&mu_);
  return objects_.size();
}

}  // namespace hoidla::storage
