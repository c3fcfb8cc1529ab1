// The audit log's Merkle tree: RFC 6962 / RFC 9162 hashing, proofs and their
// verification, the compact frontier.
//
// Known answers are the published RFC 6962 test vectors of
// transparency-dev/merkle (testonly/constants.go, proof/verify_test.go), the
// same as certificate-transparency and Trillian use. Everything else is
// checked against a simple recursive reference implementation written here
// straight from the RFC's definitions (MTH, PATH, SUBPROOF), with its own
// hashing.
#include "vault/audit/merkle.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/strings.h"
#include "gtest/gtest.h"
#include "keys/crypto.h"
#include "tests/unit/test_util.h"

namespace hoidla::audit {
namespace {

using ::hoidla::testing::IsInvalidArgumentFor;
using Proof = std::vector<std::string>;

std::string Unhex(std::string_view hex) {
  auto bytes = keys::FromHex(hex);
  EXPECT_TRUE(bytes.ok()) << hex;
  return bytes.ok() ? *bytes : std::string();
}
bool MessageStartsWith(const absl::Status& s, std::string_view prefix) {
  return ::hoidla::testing::StartsWith(std::string(s.message()), prefix);
}
std::string Hex(std::string_view bytes) { return keys::ToHex(bytes); }
std::vector<std::string> HexAll(const Proof& proof) {
  std::vector<std::string> out;
  for (const std::string& h : proof) out.push_back(Hex(h));
  return out;
}

// ---------------------------------------------------------------------------
// Published vectors (transparency-dev/merkle testonly/constants.go and
// proof/verify_test.go; identical in certificate-transparency-go and
// Trillian).

std::vector<std::string> VectorLeaves() {
  return {Unhex(""),
          Unhex("00"),
          Unhex("10"),
          Unhex("2021"),
          Unhex("3031"),
          Unhex("40414243"),
          Unhex("5051525354555657"),
          Unhex("606162636465666768696a6b6c6d6e6f")};
}

// kNodeHashes[level][index]: the perfect subtrees of the 8-leaf tree.
const std::vector<std::vector<std::string_view>> kNodeHashes = {
    {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
     "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
     "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
     "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
     "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
     "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
     "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
     "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"},
    {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
     "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
     "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
     "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"},
    {"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
     "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"},
    {"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"},
};

// kRoots[n]: the root of the first n leaves.
const std::vector<std::string_view> kRoots = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct InclusionVector {
  uint64_t index;  // 0-based (the Go vectors number leaves from 1)
  uint64_t tree_size;
  std::vector<std::string_view> proof;
};
const std::vector<InclusionVector> kInclusionVectors = {
    {0, 1, {}},
    {0,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

struct ConsistencyVector {
  uint64_t old_size;
  uint64_t new_size;
  std::vector<std::string_view> proof;
};
const std::vector<ConsistencyVector> kConsistencyVectors = {
    {1, 1, {}},
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

Proof UnhexAll(const std::vector<std::string_view>& hexes) {
  Proof out;
  for (std::string_view h : hexes) out.push_back(Unhex(h));
  return out;
}

// ---------------------------------------------------------------------------
// Reference implementation: the RFC 9162 §2.1 definitions, recursively, with
// its own SHA-256 calls.

std::string RefLeaf(std::string_view entry) {
  keys::Sha256 sha;
  sha.Update(std::string_view("\x00", 1));
  sha.Update(entry);
  return sha.Finish();
}
std::string RefNode(std::string_view left, std::string_view right) {
  keys::Sha256 sha;
  sha.Update("\x01");
  sha.Update(left);
  sha.Update(right);
  return sha.Finish();
}
// Largest power of two < n, n >= 2, by counting.
uint64_t RefSplit(uint64_t n) {
  uint64_t k = 1;
  while (k < n - k) k *= 2;
  return k;
}

using Leaves = std::span<const std::string>;  // leaf hashes

std::string RefMth(Leaves d) {
  if (d.empty()) {
    keys::Sha256 sha;
    return sha.Finish();
  }
  if (d.size() == 1) return d[0];
  const uint64_t k = RefSplit(d.size());
  return RefNode(RefMth(d.subspan(0, k)), RefMth(d.subspan(k)));
}

Proof RefPath(uint64_t m, Leaves d) {
  if (d.size() <= 1) return {};
  const uint64_t k = RefSplit(d.size());
  Proof out;
  if (m < k) {
    out = RefPath(m, d.subspan(0, k));
    out.push_back(RefMth(d.subspan(k)));
  } else {
    out = RefPath(m - k, d.subspan(k));
    out.push_back(RefMth(d.subspan(0, k)));
  }
  return out;
}

Proof RefSubproof(uint64_t m, Leaves d, bool b) {
  if (m == d.size()) return b ? Proof{} : Proof{RefMth(d)};
  const uint64_t k = RefSplit(d.size());
  Proof out;
  if (m <= k) {
    out = RefSubproof(m, d.subspan(0, k), b);
    out.push_back(RefMth(d.subspan(k)));
  } else {
    out = RefSubproof(m - k, d.subspan(k), false);
    out.push_back(RefMth(d.subspan(0, k)));
  }
  return out;
}
Proof RefConsistency(uint64_t m, Leaves d) {
  if (m == 0 || m == d.size()) return {};
  return RefSubproof(m, d, true);
}

// Proof lengths, from the same recursions.
uint64_t RefPathLength(uint64_t m, uint64_t n) {
  if (n <= 1) return 0;
  const uint64_t k = RefSplit(n);
  return 1 + (m < k ? RefPathLength(m, k) : RefPathLength(m - k, n - k));
}
uint64_t RefSubproofLength(uint64_t m, uint64_t n, bool b) {
  if (m == n) return b ? 0 : 1;
  const uint64_t k = RefSplit(n);
  return 1 + (m <= k ? RefSubproofLength(m, k, b) : RefSubproofLength(m - k, n - k, false));
}

// Verification by undoing PATH: the proof's last element is the sibling at
// the top. nullopt when the proof has the wrong length.
std::optional<std::string> RefRootFromPath(uint64_t m, uint64_t n, const std::string& leaf,
                                           std::span<const std::string> proof) {
  if (n == 1) return proof.empty() ? std::optional<std::string>(leaf) : std::nullopt;
  if (proof.empty()) return std::nullopt;
  const uint64_t k = RefSplit(n);
  const std::string& sibling = proof.back();
  auto rest = proof.first(proof.size() - 1);
  if (m < k) {
    auto sub = RefRootFromPath(m, k, leaf, rest);
    if (!sub) return std::nullopt;
    return RefNode(*sub, sibling);
  }
  auto sub = RefRootFromPath(m - k, n - k, leaf, rest);
  if (!sub) return std::nullopt;
  return RefNode(sibling, *sub);
}

// Verification by undoing SUBPROOF: (old hash, new hash) of the subtree.
std::optional<std::pair<std::string, std::string>> RefUndoSubproof(
    uint64_t m, uint64_t n, bool b, const std::string& old_root,
    std::span<const std::string> proof) {
  if (m == n) {
    if (b) {
      if (!proof.empty()) return std::nullopt;
      return std::make_pair(old_root, old_root);
    }
    if (proof.size() != 1) return std::nullopt;
    return std::make_pair(proof[0], proof[0]);
  }
  if (proof.empty()) return std::nullopt;
  const uint64_t k = RefSplit(n);
  const std::string& c = proof.back();
  auto rest = proof.first(proof.size() - 1);
  if (m <= k) {
    auto sub = RefUndoSubproof(m, k, b, old_root, rest);
    if (!sub) return std::nullopt;
    return std::make_pair(sub->first, RefNode(sub->second, c));
  }
  auto sub = RefUndoSubproof(m - k, n - k, false, old_root, rest);
  if (!sub) return std::nullopt;
  return std::make_pair(RefNode(c, sub->first), RefNode(c, sub->second));
}

// What VerifyInclusion / VerifyConsistency must answer, by the reference:
// the status code and, for INVALID_ARGUMENT, the argument named.
struct Expected {
  absl::StatusCode code;
  std::string field;
};

bool AllHashes(const Proof& proof) {
  for (const auto& h : proof) {
    if (h.size() != kHashSize) return false;
  }
  return true;
}

Expected ExpectInclusion(const std::string& leaf, uint64_t m, uint64_t n, const Proof& proof,
                         const std::string& root) {
  if (leaf.size() != kHashSize) return {absl::StatusCode::kInvalidArgument, "leaf_hash"};
  if (root.size() != kHashSize) return {absl::StatusCode::kInvalidArgument, "root"};
  if (m >= n) return {absl::StatusCode::kInvalidArgument, "index"};
  if (!AllHashes(proof) || proof.size() != RefPathLength(m, n)) {
    return {absl::StatusCode::kInvalidArgument, "proof"};
  }
  auto got = RefRootFromPath(m, n, leaf, proof);
  return {got && *got == root ? absl::StatusCode::kOk : absl::StatusCode::kDataLoss, ""};
}

Expected ExpectConsistency(uint64_t m, uint64_t n, const std::string& old_root,
                           const std::string& new_root, const Proof& proof) {
  if (old_root.size() != kHashSize) return {absl::StatusCode::kInvalidArgument, "old_root"};
  if (new_root.size() != kHashSize) return {absl::StatusCode::kInvalidArgument, "new_root"};
  if (m > n) return {absl::StatusCode::kInvalidArgument, "old_size"};
  if (!AllHashes(proof)) return {absl::StatusCode::kInvalidArgument, "proof"};
  if (m == 0 || m == n) {
    if (!proof.empty()) return {absl::StatusCode::kInvalidArgument, "proof"};
    const bool ok = (m != 0 || old_root == RefMth({})) && (m != n || old_root == new_root);
    return {ok ? absl::StatusCode::kOk : absl::StatusCode::kDataLoss, ""};
  }
  if (proof.size() != RefSubproofLength(m, n, true)) {
    return {absl::StatusCode::kInvalidArgument, "proof"};
  }
  auto got = RefUndoSubproof(m, n, true, old_root, proof);
  const bool ok = got && got->first == old_root && got->second == new_root;
  return {ok ? absl::StatusCode::kOk : absl::StatusCode::kDataLoss, ""};
}

::testing::AssertionResult Matches(const absl::Status& s, const Expected& want) {
  if (want.code == absl::StatusCode::kInvalidArgument) return IsInvalidArgumentFor(s, want.field);
  if (s.code() != want.code) {
    return ::testing::AssertionFailure()
           << "expected " << absl::StatusCodeToString(want.code) << ", got " << s;
  }
  if (want.code == absl::StatusCode::kDataLoss &&
      std::string(s.message()).find("does not verify") == std::string::npos) {
    return ::testing::AssertionFailure() << "DATA_LOSS without \"does not verify\": " << s;
  }
  return ::testing::AssertionSuccess();
}

// Entries of varied lengths for the property tests.
std::vector<std::string> Entries(uint64_t n) {
  std::vector<std::string> out;
  for (uint64_t i = 0; i < n; ++i) {
    out.push_back(std::string(i % 5, static_cast<char>(i)) + "entry " + std::to_string(i));
  }
  return out;
}
std::vector<std::string> RefLeafHashes(const std::vector<std::string>& entries) {
  std::vector<std::string> out;
  for (const auto& e : entries) out.push_back(RefLeaf(e));
  return out;
}

constexpr uint64_t kMaxPropertySize = 70;

// The 70 leaves of the property tests, hashed by the reference.
const std::vector<std::string>& PropertyLeafHashes() {
  static const auto* hashes =
      new std::vector<std::string>(RefLeafHashes(Entries(kMaxPropertySize)));
  return *hashes;
}

// PropertyRoots()[n]: the reference root of the first n of those leaves.
const std::vector<std::string>& PropertyRoots() {
  static const auto* roots = [] {
    auto* out = new std::vector<std::string>;
    for (uint64_t n = 0; n <= kMaxPropertySize; ++n) {
      out->push_back(RefMth(Leaves(PropertyLeafHashes()).first(n)));
    }
    return out;
  }();
  return *roots;
}

// Sizes near `n` that a tampered proof might claim.
std::set<uint64_t> NearbySizes(uint64_t n, uint64_t lo, uint64_t hi) {
  std::set<uint64_t> out;
  for (uint64_t c : {n - 1, n + 1, n * 2, n / 2, n ^ 1, n ^ 2, n ^ 4, n + 3, n - 3}) {
    if (c != n && c >= lo && c <= hi) out.insert(c);
  }
  return out;
}

std::string Flipped(std::string s, size_t byte) {
  s[byte % s.size()] ^= 0x20;
  return s;
}

// A source that fails on one leaf, or returns a malformed leaf hash there.
class BrokenSource : public LeafHashSource {
 public:
  BrokenSource(VectorLeafHashes inner, uint64_t bad, absl::Status error)
      : inner_(std::move(inner)), bad_(bad), error_(std::move(error)) {}
  absl::StatusOr<std::string> LeafHashAt(uint64_t index) const override {
    if (index != bad_) return inner_.LeafHashAt(index);
    if (!error_.ok()) return error_;
    return std::string(31, 'x');
  }
  uint64_t size() const override { return inner_.size(); }

 private:
  VectorLeafHashes inner_;
  uint64_t bad_;
  absl::Status error_;
};

// A source that stores every perfect subtree hash, as a store keeping interior
// nodes would, and counts how many it serves.
class StoredNodesSource : public LeafHashSource {
 public:
  explicit StoredNodesSource(std::vector<std::string> leaf_hashes) {
    levels_.push_back(std::move(leaf_hashes));
    while (levels_.back().size() >= 2) {
      const auto& below = levels_.back();
      std::vector<std::string> up;
      for (size_t i = 0; i + 1 < below.size(); i += 2) {
        up.push_back(NodeHash(below[i], below[i + 1]));
      }
      levels_.push_back(std::move(up));
    }
  }
  absl::StatusOr<std::string> LeafHashAt(uint64_t index) const override {
    ++leaf_reads;
    if (index >= size()) return absl::OutOfRangeError("index");
    return levels_[0][index];
  }
  uint64_t size() const override { return levels_[0].size(); }
  absl::StatusOr<std::string> SubtreeHash(uint64_t level, uint64_t index) const override {
    ++subtree_reads;
    if (level >= levels_.size() || index >= levels_[level].size()) {
      return absl::OutOfRangeError("subtree");
    }
    return levels_[level][index];
  }
  mutable uint64_t leaf_reads = 0;
  mutable uint64_t subtree_reads = 0;

 private:
  std::vector<std::vector<std::string>> levels_;
};

// ---------------------------------------------------------------------------
// Hashing: known answers.

TEST(Merkle, LeafHashesMatchThePublishedVectors) {
  const auto leaves = VectorLeaves();
  for (size_t i = 0; i < leaves.size(); ++i) {
    EXPECT_EQ(Hex(LeafHash(leaves[i])), kNodeHashes[0][i]) << i;
  }
}

TEST(Merkle, NodeHashesOfEveryLevelMatchThePublishedVectors) {
  for (size_t level = 1; level < kNodeHashes.size(); ++level) {
    for (size_t i = 0; i < kNodeHashes[level].size(); ++i) {
      EXPECT_EQ(Hex(NodeHash(Unhex(kNodeHashes[level - 1][2 * i]),
                             Unhex(kNodeHashes[level - 1][2 * i + 1]))),
                kNodeHashes[level][i])
          << level << "/" << i;
    }
  }
}

TEST(Merkle, EmptyRootIsTheSha256OfNothing) {
  EXPECT_EQ(Hex(EmptyRoot()), kRoots[0]);
  EXPECT_EQ(EmptyRoot().size(), kHashSize);
}

TEST(Merkle, LeafAndNodeHashesAreDomainSeparated) {
  // A 64-byte entry that is the concatenation of two hashes does not hash
  // like the node over them.
  const std::string a = LeafHash("a");
  const std::string b = LeafHash("b");
  EXPECT_NE(LeafHash(a + b), NodeHash(a, b));
  EXPECT_EQ(NodeHash(a, b), RefNode(a, b));
  EXPECT_NE(NodeHash(a, b), NodeHash(b, a));
}

TEST(Merkle, RootOfEveryPrefixOfThePublishedLeavesMatchesThePublishedRoot) {
  const auto source = VectorLeafHashes::FromEntries(VectorLeaves());
  ASSERT_EQ(source.size(), 8u);
  for (uint64_t n = 0; n <= 8; ++n) {
    HOIDLA_ASSERT_OK_AND_ASSIGN(std::string root, RootHash(source, n));
    EXPECT_EQ(Hex(root), kRoots[n]) << n;
  }
}

TEST(Merkle, PublishedInclusionProofsAreGeneratedAndVerify) {
  const auto leaves = VectorLeaves();
  const auto source = VectorLeafHashes::FromEntries(leaves);
  for (const auto& v : kInclusionVectors) {
    SCOPED_TRACE(::testing::Message() << "index " << v.index << " size " << v.tree_size);
    HOIDLA_ASSERT_OK_AND_ASSIGN(Proof proof, InclusionProof(source, v.index, v.tree_size));
    EXPECT_EQ(HexAll(proof), std::vector<std::string>(v.proof.begin(), v.proof.end()));
    HOIDLA_EXPECT_OK(VerifyInclusion(LeafHash(leaves[v.index]), v.index, v.tree_size,
                                     UnhexAll(v.proof), Unhex(kRoots[v.tree_size])));
  }
}

TEST(Merkle, PublishedConsistencyProofsAreGeneratedAndVerify) {
  const auto source = VectorLeafHashes::FromEntries(VectorLeaves());
  for (const auto& v : kConsistencyVectors) {
    SCOPED_TRACE(::testing::Message() << v.old_size << " -> " << v.new_size);
    HOIDLA_ASSERT_OK_AND_ASSIGN(Proof proof, ConsistencyProof(source, v.old_size, v.new_size));
    EXPECT_EQ(HexAll(proof), std::vector<std::string>(v.proof.begin(), v.proof.end()));
    HOIDLA_EXPECT_OK(VerifyConsistency(v.old_size, v.new_size, Unhex(kRoots[v.old_size]),
                                       Unhex(kRoots[v.new_size]), UnhexAll(v.proof)));
  }
}

TEST(Merkle, ReferenceImplementationAgreesWithThePublishedVectors) {
  // The property tests below trust the reference; it earns that here.
  const auto hashes = RefLeafHashes(VectorLeaves());
  Leaves all(hashes);
  for (uint64_t n = 0; n <= 8; ++n) EXPECT_EQ(Hex(RefMth(all.first(n))), kRoots[n]) << n;
  for (const auto& v : kInclusionVectors) {
    EXPECT_EQ(HexAll(RefPath(v.index, all.first(v.tree_size))),
              std::vector<std::string>(v.proof.begin(), v.proof.end()));
    EXPECT_EQ(RefPathLength(v.index, v.tree_size), v.proof.size());
  }
  for (const auto& v : kConsistencyVectors) {
    EXPECT_EQ(HexAll(RefConsistency(v.old_size, all.first(v.new_size))),
              std::vector<std::string>(v.proof.begin(), v.proof.end()));
  }
}

TEST(Merkle, SubtreeHashReadsPerfectSubtreesOfThePublishedTree) {
  const auto source = VectorLeafHashes::FromEntries(VectorLeaves());
  for (uint64_t level = 0; level < kNodeHashes.size(); ++level) {
    for (uint64_t i = 0; i < kNodeHashes[level].size(); ++i) {
      HOIDLA_ASSERT_OK_AND_ASSIGN(std::string h, source.SubtreeHash(level, i));
      EXPECT_EQ(Hex(h), kNodeHashes[level][i]) << level << "/" << i;
    }
  }
}

TEST(Merkle, SubtreeHashBeyondTheLeavesIsOutOfRange) {
  const auto source = VectorLeafHashes::FromEntries(Entries(6));
  EXPECT_EQ(source.SubtreeHash(0, 6).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(source.SubtreeHash(1, 3).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(source.SubtreeHash(2, 1).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(source.SubtreeHash(3, 0).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(source.SubtreeHash(64, 0).status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(source.SubtreeHash(63, ~uint64_t{0}).status().code(), absl::StatusCode::kOutOfRange);
  HOIDLA_EXPECT_OK(source.SubtreeHash(1, 2));
  HOIDLA_EXPECT_OK(source.SubtreeHash(2, 0));
}

// ---------------------------------------------------------------------------
// Properties against the reference, every tree size 1..70.

TEST(Merkle, RootHashEqualsTheReferenceForEveryTreeSize) {
  const auto& hashes = PropertyLeafHashes();
  VectorLeafHashes source(hashes);
  for (uint64_t n = 0; n <= kMaxPropertySize; ++n) {
    HOIDLA_ASSERT_OK_AND_ASSIGN(std::string root, RootHash(source, n));
    EXPECT_EQ(Hex(root), Hex(PropertyRoots()[n])) << n;
  }
}

TEST(Merkle, InclusionProofOfEveryLeafEqualsTheReferenceAndVerifiesAgainstTheRoot) {
  const auto& hashes = PropertyLeafHashes();
  VectorLeafHashes source(hashes);
  for (uint64_t n = 1; n <= kMaxPropertySize; ++n) {
    const std::string root = PropertyRoots()[n];
    for (uint64_t i = 0; i < n; ++i) {
      SCOPED_TRACE(::testing::Message() << "leaf " << i << " of " << n);
      HOIDLA_ASSERT_OK_AND_ASSIGN(Proof proof, InclusionProof(source, i, n));
      ASSERT_EQ(HexAll(proof), HexAll(RefPath(i, Leaves(hashes).first(n))));
      HOIDLA_ASSERT_OK(VerifyInclusion(hashes[i], i, n, proof, root));
    }
  }
}

TEST(Merkle, ConsistencyProofOfEveryPairOfSizesEqualsTheReferenceAndVerifies) {
  const auto& hashes = PropertyLeafHashes();
  VectorLeafHashes source(hashes);
  for (uint64_t n = 0; n <= kMaxPropertySize; ++n) {
    const std::string new_root = PropertyRoots()[n];
    for (uint64_t m = 0; m <= n; ++m) {
      SCOPED_TRACE(::testing::Message() << m << " -> " << n);
      HOIDLA_ASSERT_OK_AND_ASSIGN(Proof proof, ConsistencyProof(source, m, n));
      ASSERT_EQ(HexAll(proof), HexAll(RefConsistency(m, Leaves(hashes).first(n))));
      HOIDLA_ASSERT_OK(VerifyConsistency(m, n, PropertyRoots()[m], new_root, proof));
    }
  }
}

TEST(Merkle, TamperedInclusionProofsDoNotVerify) {
  const auto& hashes = PropertyLeafHashes();
  VectorLeafHashes source(hashes);
  const std::string other = RefLeaf("not in the log");
  uint64_t checked = 0;
  for (uint64_t n = 1; n <= kMaxPropertySize; ++n) {
    const std::string root = PropertyRoots()[n];
    for (uint64_t i = 0; i < n; ++i) {
      SCOPED_TRACE(::testing::Message() << "leaf " << i << " of " << n);
      HOIDLA_ASSERT_OK_AND_ASSIGN(Proof proof, InclusionProof(source, i, n));
      const std::string& leaf = hashes[i];
      auto expect_rejected = [&](const std::string& l, uint64_t index, uint64_t size,
                                 const Proof& p, const std::string& r, std::string_view what) {
        const Expected want = ExpectInclusion(l, index, size, p, r);
        EXPECT_NE(want.code, absl::StatusCode::kOk) << what;
        EXPECT_TRUE(Matches(VerifyInclusion(l, index, size, p, r), want)) << what;
        ++checked;
      };
      // One flipped byte anywhere in the proof, the leaf or the root.
      for (size_t e = 0; e < proof.size(); ++e) {
        Proof bad = proof;
        bad[e] = Flipped(bad[e], e * 7 + n);
        expect_rejected(leaf, i, n, bad, root, "flipped proof byte");
      }
      expect_rejected(Flipped(leaf, i), i, n, proof, root, "flipped leaf byte");
      expect_rejected(other, i, n, proof, root, "another leaf");
      expect_rejected(leaf, i, n, proof, Flipped(root, n), "flipped root byte");
      expect_rejected(leaf, i, n, proof, EmptyRoot(), "empty root");
      // Every other index of the same tree.
      for (uint64_t j = 0; j <= n; ++j) {
        if (j != i) expect_rejected(leaf, j, n, proof, root, "wrong index");
      }
      // Truncated, extended, reordered.
      if (!proof.empty()) {
        expect_rejected(leaf, i, n, Proof(proof.begin(), proof.end() - 1), root, "last dropped");
        expect_rejected(leaf, i, n, Proof(proof.begin() + 1, proof.end()), root, "first dropped");
        Proof short_hash = proof;
        short_hash.back().pop_back();
        expect_rejected(leaf, i, n, short_hash, root, "31-byte element");
      }
      for (const std::string& extra : {root, leaf, std::string(kHashSize, '\0')}) {
        Proof appended = proof;
        appended.push_back(extra);
        expect_rejected(leaf, i, n, appended, root, "element appended");
        Proof prepended = proof;
        prepended.insert(prepended.begin(), extra);
        expect_rejected(leaf, i, n, prepended, root, "element prepended");
      }
      for (size_t e = 0; e + 1 < proof.size(); ++e) {
        Proof swapped = proof;
        std::swap(swapped[e], swapped[e + 1]);
        if (swapped != proof) expect_rejected(leaf, i, n, swapped, root, "elements swapped");
      }
    }
  }
  EXPECT_GT(checked, 10000u);
}

TEST(Merkle, InclusionProofDoesNotVerifyAgainstTheRootOfAnotherTreeSize) {
  // Claiming another tree_size, with that tree's root, is rejected: with
  // INVALID_ARGUMENT when the size implies another path length or leaves the
  // index outside, DATA_LOSS otherwise (exactly as the reference predicts).
  const auto& hashes = PropertyLeafHashes();
  VectorLeafHashes source(hashes);
  for (uint64_t n = 1; n <= kMaxPropertySize; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      HOIDLA_ASSERT_OK_AND_ASSIGN(Proof proof, InclusionProof(source, i, n));
      std::set<uint64_t> sizes = NearbySizes(n, 0, kMaxPropertySize);
      sizes.insert(i);      // index == tree_size
      sizes.insert(i + 1);  // the smallest tree holding the leaf
      sizes.erase(n);
      for (uint64_t size : sizes) {
        const std::string root = PropertyRoots()[size];
        const Expected want = ExpectInclusion(hashes[i], i, size, proof, root);
        EXPECT_NE(want.code, absl::StatusCode::kOk);
        EXPECT_TRUE(Matches(VerifyInclusion(hashes[i], i, size, proof, root), want))
            << "leaf " << i << " of " << n << " claimed as of " << size;
      }
    }
  }
}

TEST(Merkle, InclusionProofBindsThePathShapeNotTheTreeSize) {
  // Against its own root, a proof claimed for another tree_size is rejected
  // (as above) unless the path to the leaf has exactly the same shape in both
  // trees: then the same hashes are combined the same way and it verifies.
  // This is inherent in RFC 9162 proofs (the root, from a signed tree head,
  // is what binds the size); exact answers come from the reference, the
  // counts show that both cases occur.
  const auto& hashes = PropertyLeafHashes();
  VectorLeafHashes source(hashes);
  uint64_t rejected = 0;
  uint64_t same_shape = 0;
  for (uint64_t n = 1; n <= kMaxPropertySize; ++n) {
    const std::string root = PropertyRoots()[n];
    for (uint64_t i = 0; i < n; ++i) {
      HOIDLA_ASSERT_OK_AND_ASSIGN(Proof proof, InclusionProof(source, i, n));
      std::set<uint64_t> sizes = NearbySizes(n, 0, 2 * kMaxPropertySize);
      sizes.insert(i);      // index == tree_size
      sizes.insert(i + 1);  // the smallest tree holding the leaf
      sizes.insert(~uint64_t{0});
      sizes.erase(n);
      for (uint64_t size : sizes) {
        const Expected want = ExpectInclusion(hashes[i], i, size, proof, root);
        EXPECT_TRUE(Matches(VerifyInclusion(hashes[i], i, size, proof, root), want))
            << "leaf " << i << " of " << n << " claimed as of " << size;
        (want.code == absl::StatusCode::kOk ? same_shape : rejected)++;
      }
    }
  }
  EXPECT_GT(rejected, 0u);
  EXPECT_GT(same_shape, 0u);
}

TEST(Merkle, InclusionProofForFiveLeavesAlsoVerifiesForSixAgainstTheFiveLeafRoot) {
  // The fact the previous test relies on, spelled out with the published
  // tree: leaf 0's path is left, left, left in both trees, so the root for
  // tree_size must come from a signed tree head, not from the proof.
  const auto leaves = VectorLeaves();
  const auto source = VectorLeafHashes::FromEntries(leaves);
  HOIDLA_ASSERT_OK_AND_ASSIGN(Proof proof, InclusionProof(source, 0, 5));
  HOIDLA_EXPECT_OK(VerifyInclusion(LeafHash(leaves[0]), 0, 5, proof, Unhex(kRoots[5])));
  HOIDLA_EXPECT_OK(VerifyInclusion(LeafHash(leaves[0]), 0, 6, proof, Unhex(kRoots[5])));
  EXPECT_EQ(VerifyInclusion(LeafHash(leaves[0]), 0, 6, proof, Unhex(kRoots[6])).code(),
            absl::StatusCode::kDataLoss);
  EXPECT_TRUE(IsInvalidArgumentFor(
      VerifyInclusion(LeafHash(leaves[0]), 0, 4, proof, Unhex(kRoots[5])), "proof"));
}

TEST(Merkle, TamperedConsistencyProofsDoNotVerify) {
  const auto& hashes = PropertyLeafHashes();
  VectorLeafHashes source(hashes);
  uint64_t checked = 0;
  for (uint64_t n = 2; n <= kMaxPropertySize; ++n) {
    const std::string new_root = PropertyRoots()[n];
    for (uint64_t m = 1; m < n; ++m) {
      SCOPED_TRACE(::testing::Message() << m << " -> " << n);
      const std::string old_root = PropertyRoots()[m];
      HOIDLA_ASSERT_OK_AND_ASSIGN(Proof proof, ConsistencyProof(source, m, n));
      ASSERT_FALSE(proof.empty());
      auto expect_rejected = [&](uint64_t old_size, uint64_t new_size, const std::string& r1,
                                 const std::string& r2, const Proof& p, std::string_view what) {
        const Expected want = ExpectConsistency(old_size, new_size, r1, r2, p);
        EXPECT_NE(want.code, absl::StatusCode::kOk) << what;
        EXPECT_TRUE(Matches(VerifyConsistency(old_size, new_size, r1, r2, p), want)) << what;
        ++checked;
      };
      for (size_t e = 0; e < proof.size(); ++e) {
        Proof bad = proof;
        bad[e] = Flipped(bad[e], e * 11 + m);
        expect_rejected(m, n, old_root, new_root, bad, "flipped proof byte");
      }
      expect_rejected(m, n, Flipped(old_root, m), new_root, proof, "flipped old_root byte");
      expect_rejected(m, n, old_root, Flipped(new_root, n), proof, "flipped new_root byte");
      expect_rejected(m, n, new_root, old_root, proof, "roots swapped");
      expect_rejected(m, n, old_root, old_root, proof, "old root twice");
      expect_rejected(m, n, EmptyRoot(), new_root, proof, "empty old root");
      expect_rejected(n, m, old_root, new_root, proof, "sizes swapped");
      expect_rejected(m, n, old_root, new_root, {}, "empty proof");
      expect_rejected(m, n, old_root, new_root, Proof(proof.begin(), proof.end() - 1),
                      "last dropped");
      expect_rejected(m, n, old_root, new_root, Proof(proof.begin() + 1, proof.end()),
                      "first dropped");
      for (const std::string& extra : {old_root, new_root, proof[0]}) {
        Proof appended = proof;
        appended.push_back(extra);
        expect_rejected(m, n, old_root, new_root, appended, "element appended");
        Proof prepended = proof;
        prepended.insert(prepended.begin(), extra);
        expect_rejected(m, n, old_root, new_root, prepended, "element prepended");
      }
      Proof short_hash = proof;
      short_hash[0].pop_back();
      expect_rejected(m, n, old_root, new_root, short_hash, "31-byte element");
      for (size_t e = 0; e + 1 < proof.size(); ++e) {
        Proof swapped = proof;
        std::swap(swapped[e], swapped[e + 1]);
        if (swapped != proof) expect_rejected(m, n, old_root, new_root, swapped, "swapped");
      }
    }
  }
  EXPECT_GT(checked, 40000u);
}

TEST(Merkle, ConsistencyProofDoesNotVerifyAgainstTheRootsOfOtherSizes) {
  const auto& hashes = PropertyLeafHashes();
  VectorLeafHashes source(hashes);
  for (uint64_t n = 2; n <= kMaxPropertySize; ++n) {
    for (uint64_t m = 1; m < n; ++m) {
      HOIDLA_ASSERT_OK_AND_ASSIGN(Proof proof, ConsistencyProof(source, m, n));
      auto check = [&](uint64_t old_size, uint64_t new_size) {
        const std::string old_root = PropertyRoots()[old_size];
        const std::string new_root = PropertyRoots()[new_size];
        const Expected want = ExpectConsistency(old_size, new_size, old_root, new_root, proof);
        EXPECT_NE(want.code, absl::StatusCode::kOk);
        EXPECT_TRUE(Matches(VerifyConsistency(old_size, new_size, old_root, new_root, proof), want))
            << m << " -> " << n << " claimed as " << old_size << " -> " << new_size;
      };
      std::set<uint64_t> olds = NearbySizes(m, 0, n);
      olds.insert(0);
      olds.insert(n);
      olds.erase(m);
      for (uint64_t old_size : olds) check(old_size, n);
      std::set<uint64_t> news = NearbySizes(n, m, kMaxPropertySize);
      news.insert(m);
      news.erase(n);
      for (uint64_t new_size : news) check(m, new_size);
    }
  }
}

TEST(Merkle, ConsistencyProofBindsItsShapeNotTheSizes) {
  // As for inclusion: against the original roots, a wrong old_size or
  // new_size is rejected with the exact status the reference predicts, and
  // verifies only where the reference combines the same hashes the same way
  // (e.g. 4 -> 8 claimed as 4 -> 6: old_root and one right sibling).
  const auto& hashes = PropertyLeafHashes();
  VectorLeafHashes source(hashes);
  uint64_t rejected = 0;
  uint64_t same_shape = 0;
  for (uint64_t n = 2; n <= kMaxPropertySize; ++n) {
    const std::string new_root = PropertyRoots()[n];
    for (uint64_t m = 1; m < n; ++m) {
      const std::string old_root = PropertyRoots()[m];
      HOIDLA_ASSERT_OK_AND_ASSIGN(Proof proof, ConsistencyProof(source, m, n));
      auto check = [&](uint64_t old_size, uint64_t new_size) {
        const Expected want = ExpectConsistency(old_size, new_size, old_root, new_root, proof);
        EXPECT_TRUE(Matches(VerifyConsistency(old_size, new_size, old_root, new_root, proof), want))
            << m << " -> " << n << " claimed as " << old_size << " -> " << new_size;
        (want.code == absl::StatusCode::kOk ? same_shape : rejected)++;
      };
      std::set<uint64_t> olds = NearbySizes(m, 0, n);
      olds.insert(0);
      olds.insert(n);
      olds.erase(m);
      for (uint64_t old_size : olds) check(old_size, n);
      std::set<uint64_t> news = NearbySizes(n, m, 2 * kMaxPropertySize);
      news.insert(m);
      news.insert(~uint64_t{0});
      news.erase(n);
      for (uint64_t new_size : news) check(m, new_size);
    }
  }
  EXPECT_GT(rejected, 0u);
  EXPECT_GT(same_shape, 0u);
}

// ---------------------------------------------------------------------------
// Argument checking.

TEST(Merkle, RootHashOfMoreLeavesThanTheSourceHoldsIsOutOfRange) {
  const auto source = VectorLeafHashes::FromEntries(Entries(8));
  auto root = RootHash(source, 9);
  EXPECT_EQ(root.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(MessageStartsWith(root.status(), "tree_size:")) << root.status();
  HOIDLA_ASSERT_OK_AND_ASSIGN(std::string empty, RootHash(VectorLeafHashes(), 0));
  EXPECT_EQ(empty, EmptyRoot());
}

TEST(Merkle, InclusionProofRejectsBadIndexAndSize) {
  const auto source = VectorLeafHashes::FromEntries(Entries(8));
  EXPECT_TRUE(IsInvalidArgumentFor(InclusionProof(source, 8, 8), "index"));
  EXPECT_TRUE(IsInvalidArgumentFor(InclusionProof(source, 5, 5), "index"));
  EXPECT_TRUE(IsInvalidArgumentFor(InclusionProof(source, 0, 0), "index"));
  auto beyond = InclusionProof(source, 0, 9);
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(MessageStartsWith(beyond.status(), "tree_size:"));
}

TEST(Merkle, ConsistencyProofRejectsBadSizesAndIsEmptyWhenThereIsNothingToProve) {
  const auto source = VectorLeafHashes::FromEntries(Entries(8));
  EXPECT_TRUE(IsInvalidArgumentFor(ConsistencyProof(source, 5, 4), "old_size"));
  auto beyond = ConsistencyProof(source, 1, 9);
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_TRUE(MessageStartsWith(beyond.status(), "new_size:"));
  for (auto [m, n] :
       std::vector<std::pair<uint64_t, uint64_t>>{{0, 0}, {0, 5}, {0, 8}, {5, 5}, {8, 8}}) {
    HOIDLA_ASSERT_OK_AND_ASSIGN(Proof proof, ConsistencyProof(source, m, n));
    EXPECT_TRUE(proof.empty()) << m << " -> " << n;
  }
}

TEST(Merkle, VerifyInclusionNamesTheMalformedArgument) {
  const std::string h = LeafHash("x");
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyInclusion(h.substr(1), 0, 1, {}, h), "leaf_hash"));
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyInclusion("", 0, 1, {}, h), "leaf_hash"));
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyInclusion(h, 0, 1, {}, h + "x"), "root"));
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyInclusion(h, 0, 0, {}, h), "index"));
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyInclusion(h, 1, 1, {}, h), "index"));
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyInclusion(h, 7, 2, {h}, h), "index"));
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyInclusion(h, 0, 2, {"short"}, h), "proof"));
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyInclusion(h, 0, 1, {h}, h), "proof"));
  // A one-leaf tree: the root is the leaf hash, the proof empty.
  HOIDLA_EXPECT_OK(VerifyInclusion(h, 0, 1, {}, h));
  EXPECT_EQ(VerifyInclusion(h, 0, 1, {}, LeafHash("y")).code(), absl::StatusCode::kDataLoss);
}

TEST(Merkle, VerifyConsistencyNamesTheMalformedArgument) {
  const std::string a = LeafHash("a");
  const std::string b = LeafHash("b");
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyConsistency(1, 2, a.substr(2), b, {b}), "old_root"));
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyConsistency(1, 2, a, "", {b}), "new_root"));
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyConsistency(3, 2, a, b, {b}), "old_size"));
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyConsistency(1, 2, a, b, {b + b}), "proof"));
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyConsistency(2, 2, a, a, {b}), "proof"));
  EXPECT_TRUE(IsInvalidArgumentFor(VerifyConsistency(0, 2, EmptyRoot(), b, {b}), "proof"));
}

TEST(Merkle, EqualSizesAreConsistentExactlyWhenTheRootsAreEqual) {
  const std::string a = LeafHash("a");
  HOIDLA_EXPECT_OK(VerifyConsistency(1, 1, a, a, {}));
  HOIDLA_EXPECT_OK(VerifyConsistency(0, 0, EmptyRoot(), EmptyRoot(), {}));
  EXPECT_EQ(VerifyConsistency(1, 1, a, LeafHash("b"), {}).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(VerifyConsistency(0, 0, a, a, {}).code(), absl::StatusCode::kDataLoss);
}

TEST(Merkle, TheEmptyTreeIsConsistentWithEveryTreeWhenItsRootIsTheEmptyRoot) {
  const std::string a = LeafHash("a");
  HOIDLA_EXPECT_OK(VerifyConsistency(0, 1, EmptyRoot(), a, {}));
  HOIDLA_EXPECT_OK(VerifyConsistency(0, 1000000, EmptyRoot(), a, {}));
  EXPECT_EQ(VerifyConsistency(0, 1, a, a, {}).code(), absl::StatusCode::kDataLoss);
}

TEST(Merkle, VerificationOfHugeSizesNeitherOverflowsNorVerifiesGarbage) {
  const uint64_t max = ~uint64_t{0};
  const std::string h = LeafHash("h");
  for (auto [i, n] : std::vector<std::pair<uint64_t, uint64_t>>{
           {max - 1, max}, {0, max}, {uint64_t{1} << 63, max}, {(uint64_t{1} << 63) - 1, max}}) {
    const Proof proof(RefPathLength(i, n), h);
    EXPECT_EQ(VerifyInclusion(h, i, n, proof, h).code(), absl::StatusCode::kDataLoss) << i;
    Proof longer = proof;
    longer.push_back(h);
    EXPECT_TRUE(IsInvalidArgumentFor(VerifyInclusion(h, i, n, longer, h), "proof")) << i;
  }
  for (auto [m, n] : std::vector<std::pair<uint64_t, uint64_t>>{
           {uint64_t{1} << 63, max}, {max - 1, max}, {1, max}, {3, uint64_t{1} << 63}}) {
    const Proof proof(RefSubproofLength(m, n, true), h);
    EXPECT_EQ(VerifyConsistency(m, n, h, h, proof).code(), absl::StatusCode::kDataLoss) << m;
    EXPECT_TRUE(
        IsInvalidArgumentFor(VerifyConsistency(m, n, h, h, Proof(proof.size() + 1, h)), "proof"))
        << m;
  }
}

// ---------------------------------------------------------------------------
// Sources.

TEST(Merkle, ErrorsOfTheSourceArePassedOn) {
  const auto good = VectorLeafHashes::FromEntries(Entries(13));
  BrokenSource failing(good, 9, absl::UnavailableError("disk gone"));
  EXPECT_EQ(RootHash(failing, 13).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(InclusionProof(failing, 2, 13).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(ConsistencyProof(failing, 3, 13).status().code(), absl::StatusCode::kUnavailable);
  // Proofs that do not need the failing leaf still work.
  HOIDLA_EXPECT_OK(RootHash(failing, 9));
  HOIDLA_EXPECT_OK(InclusionProof(failing, 9, 13));
}

TEST(Merkle, AMalformedLeafHashInTheSourceIsDataLoss) {
  BrokenSource corrupt(VectorLeafHashes::FromEntries(Entries(13)), 4, absl::OkStatus());
  EXPECT_EQ(RootHash(corrupt, 13).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(InclusionProof(corrupt, 0, 13).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ConsistencyProof(corrupt, 7, 13).status().code(), absl::StatusCode::kDataLoss);
}

TEST(Merkle, VectorLeafHashesBeyondTheEndIsOutOfRange) {
  const auto source = VectorLeafHashes::FromEntries(Entries(3));
  EXPECT_EQ(source.LeafHashAt(3).status().code(), absl::StatusCode::kOutOfRange);
  VectorLeafHashes grown;
  grown.Add(LeafHash("a"));
  EXPECT_EQ(grown.size(), 1u);
  HOIDLA_ASSERT_OK_AND_ASSIGN(std::string h, grown.LeafHashAt(0));
  EXPECT_EQ(h, LeafHash("a"));
}

TEST(Merkle, ASourceThatStoresSubtreesServesProofsWithLogarithmicallyManyReads) {
  // The same proofs as over leaves, from O(log n) SubtreeHash calls and no
  // leaf reads at all.
  for (uint64_t n : {uint64_t{1}, uint64_t{2}, uint64_t{7}, uint64_t{64}, uint64_t{70},
                     uint64_t{1000}, uint64_t{4097}}) {
    const auto hashes = RefLeafHashes(Entries(n));
    VectorLeafHashes plain(hashes);
    StoredNodesSource stored(hashes);
    const uint64_t log_n = std::bit_width(n);
    for (uint64_t i : {uint64_t{0}, n / 3, n / 2, n - 1}) {
      stored.subtree_reads = 0;
      HOIDLA_ASSERT_OK_AND_ASSIGN(Proof fast, InclusionProof(stored, i, n));
      EXPECT_LE(stored.subtree_reads, 2 * log_n) << i << " of " << n;
      HOIDLA_ASSERT_OK_AND_ASSIGN(Proof slow, InclusionProof(plain, i, n));
      EXPECT_EQ(fast, slow);
    }
    for (uint64_t m : {uint64_t{1}, n / 3, n / 2, n - 1}) {
      if (m == 0) continue;
      stored.subtree_reads = 0;
      HOIDLA_ASSERT_OK_AND_ASSIGN(Proof fast, ConsistencyProof(stored, m, n));
      EXPECT_LE(stored.subtree_reads, 2 * log_n + 1) << m << " -> " << n;
      HOIDLA_ASSERT_OK_AND_ASSIGN(Proof slow, ConsistencyProof(plain, m, n));
      EXPECT_EQ(fast, slow);
    }
    stored.subtree_reads = 0;
    HOIDLA_ASSERT_OK_AND_ASSIGN(std::string root, RootHash(stored, n));
    EXPECT_EQ(stored.subtree_reads, static_cast<uint64_t>(std::popcount(n)));
    EXPECT_EQ(root, RefMth(hashes));
    EXPECT_EQ(stored.leaf_reads, 0u);
  }
}

// ---------------------------------------------------------------------------
// CompactTree.

TEST(Merkle, CompactTreeFrontierMatchesThePublishedCompactRanges) {
  // transparency-dev/merkle testonly.CompactTrees(): the frontier after each
  // append of the published leaves.
  const std::vector<std::vector<std::pair<size_t, size_t>>> want = {
      {},       {{0, 0}},         {{1, 0}},         {{1, 0}, {0, 2}},
      {{2, 0}}, {{2, 0}, {0, 4}}, {{2, 0}, {1, 2}}, {{2, 0}, {1, 2}, {0, 6}},
      {{3, 0}},
  };
  const auto leaves = VectorLeaves();
  CompactTree tree;
  for (size_t n = 0; n <= 8; ++n) {
    if (n > 0) tree.Append(LeafHash(leaves[n - 1]));
    std::vector<std::string> expected;
    for (auto [level, index] : want[n]) expected.emplace_back(kNodeHashes[level][index]);
    EXPECT_EQ(HexAll(tree.frontier()), expected) << n;
    EXPECT_EQ(Hex(tree.Root()), kRoots[n]) << n;
    EXPECT_EQ(tree.size(), n);
  }
}

TEST(Merkle, CompactTreeRootEqualsRootHashAfterEveryAppend) {
  const auto entries = Entries(1100);  // crosses 1024
  VectorLeafHashes source;
  CompactTree tree;
  EXPECT_EQ(tree.Root(), EmptyRoot());
  for (size_t i = 0; i < entries.size(); ++i) {
    source.Add(LeafHash(entries[i]));
    tree.Append(LeafHash(entries[i]));
    ASSERT_EQ(tree.size(), i + 1);
    ASSERT_EQ(tree.frontier().size(), static_cast<size_t>(std::popcount(tree.size())));
    HOIDLA_ASSERT_OK_AND_ASSIGN(std::string root, RootHash(source, i + 1));
    ASSERT_EQ(Hex(tree.Root()), Hex(root)) << i + 1;
    if (i < kMaxPropertySize) {
      ASSERT_EQ(Hex(tree.Root()), Hex(RefMth(Leaves(PropertyLeafHashes()).first(i + 1))));
    }
  }
}

TEST(Merkle, CompactTreeSurvivesEncodeDecodeAtEverySize) {
  const auto entries = Entries(300);
  CompactTree tree;
  for (size_t i = 0; i <= entries.size(); ++i) {
    const std::string encoded = tree.Encode();
    ASSERT_EQ(encoded.size(), 9 + kHashSize * std::popcount(tree.size()));
    HOIDLA_ASSERT_OK_AND_ASSIGN(CompactTree decoded, CompactTree::Decode(encoded));
    ASSERT_EQ(decoded.size(), tree.size());
    ASSERT_EQ(decoded.frontier(), tree.frontier());
    ASSERT_EQ(decoded.Root(), tree.Root());
    ASSERT_EQ(decoded.Encode(), encoded);
    // The decoded tree carries on exactly as the original would.
    CompactTree continued = decoded;
    CompactTree original = tree;
    for (size_t j = i; j < std::min(entries.size(), i + 5); ++j) {
      continued.Append(LeafHash(entries[j]));
      original.Append(LeafHash(entries[j]));
      ASSERT_EQ(continued.Root(), original.Root()) << i << "+" << j;
    }
    if (i < entries.size()) tree.Append(LeafHash(entries[i]));
  }
}

TEST(Merkle, CompactTreeEncodingIsVersionSizeThenFrontier) {
  CompactTree tree;
  for (int i = 0; i < 5; ++i) tree.Append(LeafHash(std::to_string(i)));
  const std::string encoded = tree.Encode();
  EXPECT_EQ(Hex(encoded.substr(0, 9)), "010000000000000005");
  EXPECT_EQ(encoded.substr(9), tree.frontier()[0] + tree.frontier()[1]);
}

TEST(Merkle, CompactTreeOfTheLargestSizeDecodesAndEncodes) {
  std::string encoded = Unhex("01ffffffffffffffff");
  for (int i = 0; i < 64; ++i) encoded += LeafHash(std::to_string(i));
  HOIDLA_ASSERT_OK_AND_ASSIGN(CompactTree tree, CompactTree::Decode(encoded));
  EXPECT_EQ(tree.size(), ~uint64_t{0});
  EXPECT_EQ(tree.frontier().size(), 64u);
  EXPECT_EQ(tree.Encode(), encoded);
  EXPECT_EQ(tree.Root().size(), kHashSize);
}

TEST(Merkle, DecodingAMalformedCompactTreeIsDataLoss) {
  CompactTree tree;
  for (int i = 0; i < 6; ++i) tree.Append(LeafHash(std::to_string(i)));
  const std::string good = tree.Encode();  // size 6: two hashes
  std::vector<std::pair<std::string, std::string>> bad = {
      {"", "empty"},
      {good.substr(0, 8), "header cut"},
      {good.substr(0, 9), "hashes missing"},
      {good.substr(0, good.size() - 1), "last byte missing"},
      {good + "x", "trailing byte"},
      {good + std::string(kHashSize, 'h'), "one hash too many"},
      // StrCat, not operator+: GCC 12 at -O3 reports a false -Wrestrict
      // in libstdc++'s operator+(const char*, std::string&&).
      {StrCat("\x02", good.substr(1)), "unknown version"},
      {StrCat(std::string(1, '\0'), good.substr(1)), "version zero"},
      {StrCat(Unhex("010000000000000007"), good.substr(9)), "size 7 needs three hashes"},
      {StrCat(Unhex("010000000000000000"), good.substr(9)), "size 0 has no hashes"},
  };
  for (const auto& [encoded, what] : bad) {
    EXPECT_EQ(CompactTree::Decode(encoded).status().code(), absl::StatusCode::kDataLoss) << what;
  }
  HOIDLA_ASSERT_OK_AND_ASSIGN(CompactTree empty, CompactTree::Decode(Unhex("010000000000000000")));
  EXPECT_EQ(empty.size(), 0u);
  EXPECT_EQ(empty.Root(), EmptyRoot());
}

TEST(MerkleDeathTest, AppendingSomethingOtherThanAHashAborts) {
  CompactTree tree;
  EXPECT_DEATH(tree.Append("not a hash"), "leaf hash of 10 bytes");
  EXPECT_DEATH(tree.Append(LeafHash("a") + "x"), "leaf hash of 33 bytes");
}

}  // namespace
}  // namespace hoidla::audit
