// Merkle trees for the tamper-evident audit log: RFC 6962 / RFC 9162 (§2.1)
// hashing, inclusion and consistency proofs, their verification, and a
// compact "frontier" that maintains the root of a growing log.
//
// A log of n entries d[0..n-1] has the Merkle Tree Hash (RFC 9162 §2.1.1)
//   MTH({})        = SHA-256("")
//   MTH({d[0]})    = LeafHash(d[0])                = SHA-256(0x00 || d[0])
//   MTH(D[n]), n>1 = NodeHash(MTH(D[0:k]), MTH(D[k:n]))
//                  = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
// where k is the largest power of two smaller than n. Every hash is
// kHashSize (32) bytes; all hashes here are raw bytes, not hex.
//
// Who uses what:
//  - The log writer keeps a CompactTree: Append() each new entry's LeafHash()
//    and read Root() in O(log n), without rereading old entries; Encode() it
//    next to the log so a restart does not rescan the log either.
//  - The log server answers "prove entry i is in the tree of size n"
//    (InclusionProof) and "prove the tree of size m is a prefix of the tree
//    of size n" (ConsistencyProof) from a LeafHashSource over its store.
//  - Auditors and clients check those answers with VerifyInclusion and
//    VerifyConsistency, which need nothing but the proof, the sizes and the
//    roots. The roots must come from a trusted source (a signed tree head):
//    a proof only shows that a leaf or an old root is consistent with the
//    root it is checked against.
//
// Status conventions: an argument that cannot be right whatever the proof
// (a hash that is not 32 bytes, an index outside the tree, a proof with the
// wrong number of hashes for the sizes given) is INVALID_ARGUMENT whose
// message starts with the argument's name and a colon ("index: ...").
// Asking for a tree larger than the source holds is OUT_OF_RANGE ("tree_size:
// ..."), since the log may yet grow to it. A well-formed proof that does not
// match is DATA_LOSS "... does not verify": the log, the proof or the root has
// been tampered with or corrupted.
//
// Thread-safety: the free functions are pure and may be called concurrently
// (proof generation calls only const methods of the LeafHashSource, which must
// then allow concurrent const calls). A CompactTree is a value: const methods
// may run concurrently, Append() needs external synchronisation.
#ifndef HOIDLA_VAULT_AUDIT_MERKLE_H_
#define HOIDLA_VAULT_AUDIT_MERKLE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace hoidla::audit {

// Size in bytes of every hash: leaf hashes, node hashes, roots.
inline constexpr size_t kHashSize = 32;

// SHA-256(0x00 || leaf): the hash of one log entry, as it enters the tree.
std::string LeafHash(std::string_view leaf);
// SHA-256(0x01 || left || right): the hash of an interior node. The domain
// separation bytes keep a leaf from passing for an interior node (second
// preimage attacks). Callers pass kHashSize-byte hashes.
std::string NodeHash(std::string_view left, std::string_view right);
// SHA-256(""): the root of the empty tree
// (e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855).
std::string EmptyRoot();

// A read-only, append-only sequence of leaf hashes: what proofs are computed
// over. The audit log implements it over its store; VectorLeafHashes keeps
// them in memory.
//
// Thread-safety: implementations used concurrently must allow concurrent const
// calls.
class LeafHashSource {
 public:
  virtual ~LeafHashSource() = default;

  // The hash of leaf `index` (LeafHash of the entry, kHashSize bytes).
  // OUT_OF_RANGE when index >= size(); other errors (UNAVAILABLE, DATA_LOSS)
  // are passed on to the caller of the proof functions unchanged.
  virtual absl::StatusOr<std::string> LeafHashAt(uint64_t index) const = 0;

  // How many leaves the source holds. It may grow between calls but never
  // shrinks, and existing leaves never change.
  virtual uint64_t size() const = 0;

  // The hash of the perfect subtree of 2^level leaves starting at leaf
  // index << level, i.e. MTH(D[index*2^level : (index+1)*2^level]); level 0
  // is the leaf hash itself. Every root and proof below is assembled from
  // O(log n) calls of this.
  //
  // The default reads the 2^level leaves through LeafHashAt (O(2^level) reads
  // and hashes, O(level) memory). A source that stores interior nodes (e.g.
  // the hashes a CompactTree merges as the log grows) should override it with
  // a lookup, which makes RootHash, InclusionProof and ConsistencyProof
  // O(log n).
  //
  // OUT_OF_RANGE when level >= 64 or the subtree extends past size();
  // DATA_LOSS when a leaf hash read is not kHashSize bytes; errors of
  // LeafHashAt are passed on.
  virtual absl::StatusOr<std::string> SubtreeHash(uint64_t level, uint64_t index) const;
};

// Leaf hashes held in memory. Thread-safety: const methods may run
// concurrently; Add() needs external synchronisation.
class VectorLeafHashes final : public LeafHashSource {
 public:
  // REQUIRES: every element is kHashSize bytes (a LeafHash). Violations are
  // not checked here; the proof functions report them as DATA_LOSS.
  explicit VectorLeafHashes(std::vector<std::string> leaf_hashes = {})
      : hashes_(std::move(leaf_hashes)) {}

  // The source over LeafHash(e) of each entry e.
  static VectorLeafHashes FromEntries(const std::vector<std::string>& entries);

  // Appends one leaf hash (see the constructor's REQUIRES).
  void Add(std::string_view leaf_hash) { hashes_.emplace_back(leaf_hash); }

  absl::StatusOr<std::string> LeafHashAt(uint64_t index) const override;
  uint64_t size() const override { return hashes_.size(); }

 private:
  std::vector<std::string> hashes_;
};

// MTH of the first `tree_size` leaves of `source` (EmptyRoot() for 0).
// OUT_OF_RANGE "tree_size: ..." when tree_size > source.size(); errors of the
// source are passed on.
// Cost: popcount(tree_size) SubtreeHash calls; with the default SubtreeHash
// that is tree_size leaf reads and about as many hashes.
absl::StatusOr<std::string> RootHash(const LeafHashSource& source, uint64_t tree_size);

// The inclusion proof (audit path) of leaf `index` in the tree of the first
// `tree_size` leaves: PATH(index, D[tree_size]) of RFC 9162 §2.1.3.1, the
// sibling hashes ordered from the leaf up to the root. Empty when
// tree_size == 1.
// OUT_OF_RANGE "tree_size: ..." when tree_size > source.size();
// INVALID_ARGUMENT "index: ..." when index >= tree_size; errors of the source
// are passed on.
// Cost: O(log tree_size) SubtreeHash calls; with the default SubtreeHash that
// is O(tree_size) leaf reads and hashes (every leaf but `index` is read once).
absl::StatusOr<std::vector<std::string>> InclusionProof(const LeafHashSource& source,
                                                        uint64_t index, uint64_t tree_size);

// The consistency proof that the tree of the first `old_size` leaves is a
// prefix of the tree of the first `new_size`: PROOF(old_size, D[new_size]) =
// SUBPROOF(old_size, D[new_size], true) of RFC 9162 §2.1.4.1. Empty when
// old_size == 0 or old_size == new_size (nothing to prove beyond comparing
// roots).
// OUT_OF_RANGE "new_size: ..." when new_size > source.size();
// INVALID_ARGUMENT "old_size: ..." when old_size > new_size; errors of the
// source are passed on.
// Cost: as InclusionProof, O(log new_size) SubtreeHash calls, O(new_size)
// leaf reads with the default SubtreeHash.
absl::StatusOr<std::vector<std::string>> ConsistencyProof(const LeafHashSource& source,
                                                          uint64_t old_size, uint64_t new_size);

// Checks that `proof` (as from InclusionProof) shows the leaf with hash
// `leaf_hash` at `index` in a tree of `tree_size` leaves whose root is
// `root`, by the algorithm of RFC 9162 §2.1.3.2. O(log tree_size) hashes.
//
// OK when it verifies. DATA_LOSS "inclusion proof does not verify ..." when the
// proof is well formed but the hashes do not chain to `root`.
// INVALID_ARGUMENT when malformed, naming the argument: "leaf_hash:" or
// "root:" not kHashSize bytes; "index:" index >= tree_size (so any tree_size
// of 0); "proof:" an element that is not kHashSize bytes, or a number of
// elements other than the path length that index and tree_size determine.
//
// Note that the proof commits to the shape of the path, not to tree_size as
// such: a proof for (index, n) also verifies against the same root as
// (index, n') when both trees give the leaf the same path shape. The root
// must be known to belong to tree_size (a signed tree head).
absl::Status VerifyInclusion(std::string_view leaf_hash, uint64_t index, uint64_t tree_size,
                             const std::vector<std::string>& proof, std::string_view root);

// Checks that `proof` (as from ConsistencyProof) shows the tree of `old_size`
// leaves with root `old_root` to be a prefix of the tree of `new_size` leaves
// with root `new_root`, by the algorithm of RFC 9162 §2.1.4.2. O(log new_size)
// hashes.
//
// Cases the RFC leaves to the caller: old_size == new_size verifies when the
// proof is empty and the roots are equal; old_size == 0 verifies when the
// proof is empty and old_root is EmptyRoot() (the empty tree is a prefix of
// every tree).
//
// OK when it verifies. DATA_LOSS "consistency proof does not verify ..." when
// the proof is well formed but does not chain to both roots (or, in the cases
// above, the roots differ / old_root is not EmptyRoot()). INVALID_ARGUMENT
// when malformed, naming the argument: "old_root:" or "new_root:" not
// kHashSize bytes; "old_size:" old_size > new_size; "proof:" an element that
// is not kHashSize bytes, or a number of elements other than the one old_size
// and new_size determine.
absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size, std::string_view old_root,
                               std::string_view new_root, const std::vector<std::string>& proof);

// The right edge of a growing tree (a "compact range" [0, size) in
// transparency-dev terms): the hashes of the perfect subtrees that the binary
// representation of size() decomposes the leaves into, largest (leftmost)
// first — popcount(size()) hashes. That is all it takes to compute the root
// and to keep computing it as leaves are appended, without rereading them.
//
// A default-constructed CompactTree is the empty tree. Copyable and movable.
// Thread-safety: const methods may run concurrently; Append() needs external
// synchronisation.
class CompactTree {
 public:
  CompactTree() = default;

  // Appends the leaf with hash `leaf_hash` (a LeafHash of the entry).
  // Amortised O(1) hashes, O(log n) worst case.
  // REQUIRES: leaf_hash.size() == kHashSize. Anything else is a programming
  // error that would silently corrupt the audit log's root; the process
  // aborts with a message instead.
  void Append(std::string_view leaf_hash);

  // How many leaves have been appended.
  uint64_t size() const { return size_; }

  // MTH of the leaves appended so far (EmptyRoot() when none). Equal to
  // RootHash(source, size()) over the same leaves. O(log n) hashes.
  std::string Root() const;

  // The perfect-subtree hashes described above, largest first: frontier()[j]
  // is the root of the j-th subtree from the left.
  const std::vector<std::string>& frontier() const { return frontier_; }

  // A self-delimiting byte string to persist the tree:
  //   version byte 0x01 | size (8 bytes big-endian) |
  //   popcount(size) hashes of kHashSize bytes, largest subtree first.
  std::string Encode() const;

  // Parses what Encode() produced. DATA_LOSS when `encoded` is not such a
  // string (unknown version, truncated, trailing bytes, hash count that does
  // not match the size).
  static absl::StatusOr<CompactTree> Decode(std::string_view encoded);

 private:
  uint64_t size_ = 0;
  std::vector<std::string> frontier_;
};

}  // namespace hoidla::audit

#endif  // HOIDLA_VAULT_AUDIT_MERKLE_H_
