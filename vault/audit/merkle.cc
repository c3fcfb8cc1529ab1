#include "vault/audit/merkle.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>

#include "base/coding.h"
#include "base/status_macros.h"
#include "base/strings.h"
#include "keys/crypto.h"

namespace hoidla::audit {
namespace {

constexpr char kLeafPrefix = '\x00';
constexpr char kNodePrefix = '\x01';
constexpr char kCompactTreeVersion = '\x01';
constexpr size_t kCompactTreeHeader = 1 + 8;  // version + size

// The largest power of two strictly smaller than n. REQUIRES: n >= 2.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

void ShiftBoth(uint64_t* fn, uint64_t* sn) {
  *fn >>= 1;
  *sn >>= 1;
}

// RFC 9162 §2.1.3.2 step 4.b.ii / §2.1.4.2 step 6.b.ii: after hashing in a
// left sibling at a node that is not a right child (fn == sn, the right edge
// of the tree), skip the levels where the node has no sibling.
void SkipLevelsWithoutSibling(uint64_t* fn, uint64_t* sn) {
  while ((*fn & 1) == 0 && *fn != 0) ShiftBoth(fn, sn);
}

// Runs the index arithmetic of the RFC 9162 verification loop from (fn, sn)
// until sn reaches 0, without hashing: the number of proof elements the loop
// consumes when the proof is well formed.
uint64_t LoopSteps(uint64_t fn, uint64_t sn) {
  uint64_t steps = 0;
  while (sn != 0) {
    if ((fn & 1) != 0 || fn == sn) {
      if ((fn & 1) == 0) SkipLevelsWithoutSibling(&fn, &sn);
    }
    ++steps;
    ShiftBoth(&fn, &sn);
  }
  return steps;
}

// Length of PATH(index, D[tree_size]). REQUIRES: index < tree_size.
uint64_t InclusionPathLength(uint64_t index, uint64_t tree_size) {
  return LoopSteps(index, tree_size - 1);
}

// Length of PROOF(old_size, D[new_size]). REQUIRES: 0 < old_size < new_size.
uint64_t ConsistencyProofLength(uint64_t old_size, uint64_t new_size) {
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) ShiftBoth(&fn, &sn);
  // The first element is the seed, unless old_size is a power of two, in
  // which case the verifier uses old_root as the seed.
  return LoopSteps(fn, sn) + (std::has_single_bit(old_size) ? 0 : 1);
}

absl::Status CheckHashArgument(std::string_view name, std::string_view hash) {
  if (hash.size() != kHashSize) {
    return absl::InvalidArgumentError(
        StrCat(name, ": has ", hash.size(), " bytes, a hash has ", kHashSize));
  }
  return absl::OkStatus();
}

absl::Status CheckProofHashes(const std::vector<std::string>& proof) {
  for (size_t i = 0; i < proof.size(); ++i) {
    if (proof[i].size() != kHashSize) {
      return absl::InvalidArgumentError(
          StrCat("proof: element ", i, " has ", proof[i].size(), " bytes, a hash has ", kHashSize));
    }
  }
  return absl::OkStatus();
}

// SubtreeHash, checked to be a hash: a source that returns anything else is
// corrupt.
absl::StatusOr<std::string> CheckedSubtreeHash(const LeafHashSource& source, uint64_t level,
                                               uint64_t index) {
  HOIDLA_ASSIGN_OR_RETURN(std::string hash, source.SubtreeHash(level, index));
  if (hash.size() != kHashSize) {
    return absl::DataLossError(StrCat("subtree hash at level ", level, " index ", index, " has ",
                                      hash.size(), " bytes, a hash has ", kHashSize));
  }
  return hash;
}

// MTH(D[begin:end]) for a range that the RFC's recursion produces: begin is a
// multiple of the smallest power of two >= end - begin, so the range
// decomposes into aligned perfect subtrees following the bits of
// end - begin, largest first. Their hashes fold from the right.
// REQUIRES: begin < end.
absl::StatusOr<std::string> RangeHash(const LeafHashSource& source, uint64_t begin, uint64_t end) {
  const uint64_t count = end - begin;
  std::vector<std::string> parts;
  parts.reserve(std::popcount(count));
  uint64_t pos = begin;
  for (int level = 63; level >= 0; --level) {
    const uint64_t width = uint64_t{1} << level;
    if ((count & width) == 0) continue;
    if ((pos & (width - 1)) != 0) {
      return absl::InternalError(
          StrCat("range [", begin, ", ", end, ") is not aligned at level ", level));
    }
    HOIDLA_ASSIGN_OR_RETURN(std::string hash, CheckedSubtreeHash(source, level, pos >> level));
    parts.push_back(std::move(hash));
    pos += width;
  }
  std::string root = std::move(parts.back());
  for (size_t i = parts.size() - 1; i-- > 0;) root = NodeHash(parts[i], root);
  return root;
}

absl::Status CheckTreeSize(const LeafHashSource& source, std::string_view name, uint64_t size) {
  if (size > source.size()) {
    return absl::OutOfRangeError(
        StrCat(name, ": ", size, " is beyond the ", source.size(), " leaves of the log"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string LeafHash(std::string_view leaf) {
  keys::Sha256 sha;
  sha.Update(std::string_view(&kLeafPrefix, 1));
  sha.Update(leaf);
  return sha.Finish();
}

std::string NodeHash(std::string_view left, std::string_view right) {
  keys::Sha256 sha;
  sha.Update(std::string_view(&kNodePrefix, 1));
  sha.Update(left);
  sha.Update(right);
  return sha.Finish();
}

std::string EmptyRoot() {
  keys::Sha256 sha;
  return sha.Finish();
}

absl::StatusOr<std::string> LeafHashSource::SubtreeHash(uint64_t level, uint64_t index) const {
  const uint64_t leaves = size();
  if (level >= 64 || index >= (leaves >> level)) {
    return absl::OutOfRangeError(StrCat("subtree at level ", level, " index ", index,
                                        " extends beyond the ", leaves, " leaves of the log"));
  }
  // Merges the 2^level leaves left to right; stack[j] holds a perfect
  // subtree, each smaller than the one before (the binary digits of i).
  const uint64_t first = index << level;
  const uint64_t count = uint64_t{1} << level;
  std::vector<std::string> stack;
  stack.reserve(level + 1);
  for (uint64_t i = 0; i < count; ++i) {
    HOIDLA_ASSIGN_OR_RETURN(std::string hash, LeafHashAt(first + i));
    if (hash.size() != kHashSize) {
      return absl::DataLossError(StrCat("leaf hash at index ", first + i, " has ", hash.size(),
                                        " bytes, a hash has ", kHashSize));
    }
    for (uint64_t bits = i; (bits & 1) != 0; bits >>= 1) {
      hash = NodeHash(stack.back(), hash);
      stack.pop_back();
    }
    stack.push_back(std::move(hash));
  }
  return std::move(stack.back());
}

VectorLeafHashes VectorLeafHashes::FromEntries(const std::vector<std::string>& entries) {
  std::vector<std::string> hashes;
  hashes.reserve(entries.size());
  for (const std::string& e : entries) hashes.push_back(LeafHash(e));
  return VectorLeafHashes(std::move(hashes));
}

absl::StatusOr<std::string> VectorLeafHashes::LeafHashAt(uint64_t index) const {
  if (index >= hashes_.size()) {
    return absl::OutOfRangeError(
        StrCat("index: ", index, " is beyond the ", hashes_.size(), " leaves"));
  }
  return hashes_[index];
}

absl::StatusOr<std::string> RootHash(const LeafHashSource& source, uint64_t tree_size) {
  HOIDLA_RETURN_IF_ERROR(CheckTreeSize(source, "tree_size", tree_size));
  if (tree_size == 0) return EmptyRoot();
  return RangeHash(source, 0, tree_size);
}

absl::StatusOr<std::vector<std::string>> InclusionProof(const LeafHashSource& source,
                                                        uint64_t index, uint64_t tree_size) {
  HOIDLA_RETURN_IF_ERROR(CheckTreeSize(source, "tree_size", tree_size));
  if (index >= tree_size) {
    return absl::InvalidArgumentError(
        StrCat("index: ", index, " is not below tree_size ", tree_size));
  }
  // PATH(m, D[n]) = PATH(m, D[0:k]) : MTH(D[k:n])      for m < k
  //               = PATH(m - k, D[k:n]) : MTH(D[0:k])  for m >= k
  // walked from the root down, so the siblings come out root first.
  std::vector<std::string> proof;
  uint64_t begin = 0;
  uint64_t end = tree_size;
  while (end - begin > 1) {
    const uint64_t mid = begin + SplitPoint(end - begin);
    if (index < mid) {
      HOIDLA_ASSIGN_OR_RETURN(std::string sibling, RangeHash(source, mid, end));
      proof.push_back(std::move(sibling));
      end = mid;
    } else {
      HOIDLA_ASSIGN_OR_RETURN(std::string sibling, RangeHash(source, begin, mid));
      proof.push_back(std::move(sibling));
      begin = mid;
    }
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

absl::StatusOr<std::vector<std::string>> ConsistencyProof(const LeafHashSource& source,
                                                          uint64_t old_size, uint64_t new_size) {
  HOIDLA_RETURN_IF_ERROR(CheckTreeSize(source, "new_size", new_size));
  if (old_size > new_size) {
    return absl::InvalidArgumentError(
        StrCat("old_size: ", old_size, " is greater than new_size ", new_size));
  }
  std::vector<std::string> proof;
  if (old_size == 0 || old_size == new_size) return proof;
  // SUBPROOF(m, D[n], b) = []                                  m == n, b
  //                      = [MTH(D[n])]                         m == n, !b
  //                      = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])         m <= k
  //                      = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k]) m > k
  // walked from the root down with the invariant begin < old_size <= end.
  uint64_t begin = 0;
  uint64_t end = new_size;
  bool whole_old_tree = true;  // b: [begin, end) ends where the old tree does
  while (old_size != end) {
    const uint64_t mid = begin + SplitPoint(end - begin);
    if (old_size <= mid) {
      HOIDLA_ASSIGN_OR_RETURN(std::string sibling, RangeHash(source, mid, end));
      proof.push_back(std::move(sibling));
      end = mid;
    } else {
      HOIDLA_ASSIGN_OR_RETURN(std::string sibling, RangeHash(source, begin, mid));
      proof.push_back(std::move(sibling));
      begin = mid;
      whole_old_tree = false;
    }
  }
  if (!whole_old_tree) {
    HOIDLA_ASSIGN_OR_RETURN(std::string node, RangeHash(source, begin, end));
    proof.push_back(std::move(node));
  }
  std::reverse(proof.begin(), proof.end());
  return proof;
}

absl::Status VerifyInclusion(std::string_view leaf_hash, uint64_t index, uint64_t tree_size,
                             const std::vector<std::string>& proof, std::string_view root) {
  HOIDLA_RETURN_IF_ERROR(CheckHashArgument("leaf_hash", leaf_hash));
  HOIDLA_RETURN_IF_ERROR(CheckHashArgument("root", root));
  if (index >= tree_size) {
    return absl::InvalidArgumentError(
        StrCat("index: ", index, " is not below tree_size ", tree_size));
  }
  HOIDLA_RETURN_IF_ERROR(CheckProofHashes(proof));
  const uint64_t want = InclusionPathLength(index, tree_size);
  if (proof.size() != want) {
    return absl::InvalidArgumentError(StrCat("proof: has ", proof.size(), " hashes, leaf ", index,
                                             " of a tree of ", tree_size, " needs ", want));
  }
  // RFC 9162 §2.1.3.2. The length check above guarantees that sn reaches 0
  // exactly with the last element.
  uint64_t fn = index;
  uint64_t sn = tree_size - 1;
  std::string r(leaf_hash);
  for (const std::string& p : proof) {
    if ((fn & 1) != 0 || fn == sn) {
      r = NodeHash(p, r);
      if ((fn & 1) == 0) SkipLevelsWithoutSibling(&fn, &sn);
    } else {
      r = NodeHash(r, p);
    }
    ShiftBoth(&fn, &sn);
  }
  if (sn != 0) return absl::InternalError("inclusion proof length check is inconsistent");
  if (r != root) {
    return absl::DataLossError(StrCat("inclusion proof does not verify: leaf ", index,
                                      " of a tree of ", tree_size, " does not lead to the root"));
  }
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t old_size, uint64_t new_size, std::string_view old_root,
                               std::string_view new_root, const std::vector<std::string>& proof) {
  HOIDLA_RETURN_IF_ERROR(CheckHashArgument("old_root", old_root));
  HOIDLA_RETURN_IF_ERROR(CheckHashArgument("new_root", new_root));
  if (old_size > new_size) {
    return absl::InvalidArgumentError(
        StrCat("old_size: ", old_size, " is greater than new_size ", new_size));
  }
  HOIDLA_RETURN_IF_ERROR(CheckProofHashes(proof));
  if (old_size == 0 || old_size == new_size) {
    if (!proof.empty()) {
      return absl::InvalidArgumentError(StrCat("proof: has ", proof.size(),
                                               " hashes, a proof from size ", old_size, " to size ",
                                               new_size, " is empty"));
    }
    if (old_size == 0 && old_root != EmptyRoot()) {
      return absl::DataLossError(
          "consistency proof does not verify: old_root is not the root of the empty tree");
    }
    if (old_size == new_size && old_root != new_root) {
      return absl::DataLossError(StrCat("consistency proof does not verify: two trees of size ",
                                        old_size, " have different roots"));
    }
    return absl::OkStatus();
  }
  const uint64_t want = ConsistencyProofLength(old_size, new_size);
  if (proof.size() != want) {
    return absl::InvalidArgumentError(StrCat("proof: has ", proof.size(),
                                             " hashes, a proof from size ", old_size, " to size ",
                                             new_size, " needs ", want));
  }
  // RFC 9162 §2.1.4.2. When old_size is a power of two the old tree is a
  // perfect subtree of the new one and old_root itself seeds the walk
  // (step 2 prepends it to the path).
  size_t next = 0;
  std::string fr;
  if (std::has_single_bit(old_size)) {
    fr = std::string(old_root);
  } else {
    fr = proof[0];
    next = 1;
  }
  std::string sr = fr;
  uint64_t fn = old_size - 1;
  uint64_t sn = new_size - 1;
  while ((fn & 1) != 0) ShiftBoth(&fn, &sn);
  for (; next < proof.size(); ++next) {
    const std::string& c = proof[next];
    if ((fn & 1) != 0 || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if ((fn & 1) == 0) SkipLevelsWithoutSibling(&fn, &sn);
    } else {
      sr = NodeHash(sr, c);
    }
    ShiftBoth(&fn, &sn);
  }
  if (sn != 0) return absl::InternalError("consistency proof length check is inconsistent");
  if (fr != old_root) {
    return absl::DataLossError(
        StrCat("consistency proof does not verify: it does not lead to "
               "old_root for size ",
               old_size));
  }
  if (sr != new_root) {
    return absl::DataLossError(
        StrCat("consistency proof does not verify: it does not lead to "
               "new_root for size ",
               new_size));
  }
  return absl::OkStatus();
}

void CompactTree::Append(std::string_view leaf_hash) {
  if (leaf_hash.size() != kHashSize) {
    std::fprintf(stderr, "hoidla::audit::CompactTree::Append: leaf hash of %zu bytes, want %zu\n",
                 leaf_hash.size(), kHashSize);
    std::abort();
  }
  // Appending leaf number size_ merges one subtree for each trailing 1 bit
  // of size_ (binary addition with carries).
  std::string hash(leaf_hash);
  for (uint64_t bits = size_; (bits & 1) != 0; bits >>= 1) {
    hash = NodeHash(frontier_.back(), hash);
    frontier_.pop_back();
  }
  frontier_.push_back(std::move(hash));
  ++size_;
}

std::string CompactTree::Root() const {
  if (frontier_.empty()) return EmptyRoot();
  std::string root = frontier_.back();
  for (size_t i = frontier_.size() - 1; i-- > 0;) root = NodeHash(frontier_[i], root);
  return root;
}

std::string CompactTree::Encode() const {
  std::string out;
  out.reserve(kCompactTreeHeader + frontier_.size() * kHashSize);
  out.push_back(kCompactTreeVersion);
  PutFixed64BE(&out, size_);
  for (const std::string& h : frontier_) out.append(h);
  return out;
}

absl::StatusOr<CompactTree> CompactTree::Decode(std::string_view encoded) {
  if (encoded.size() < kCompactTreeHeader) {
    return absl::DataLossError(
        StrCat("compact tree: ", encoded.size(), " bytes is shorter than its header"));
  }
  if (encoded[0] != kCompactTreeVersion) {
    return absl::DataLossError(StrCat("compact tree: unknown version ",
                                      static_cast<int>(static_cast<uint8_t>(encoded[0]))));
  }
  const uint64_t size = DecodeFixed64BE(encoded.substr(1));
  const size_t hashes = static_cast<size_t>(std::popcount(size));
  const size_t want = kCompactTreeHeader + hashes * kHashSize;
  if (encoded.size() != want) {
    return absl::DataLossError(StrCat("compact tree: ", encoded.size(), " bytes, a tree of ", size,
                                      " leaves encodes to ", want));
  }
  CompactTree tree;
  tree.size_ = size;
  tree.frontier_.reserve(hashes);
  for (size_t i = 0; i < hashes; ++i) {
    tree.frontier_.emplace_back(encoded.substr(kCompactTreeHeader + i * kHashSize, kHashSize));
  }
  return tree;
}

}  // namespace hoidla::audit
