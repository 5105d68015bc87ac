// Namespaces: the link and id-map parsers (table-driven, malformed input),
// the read of a process's links from a tree of symlinks, the tracker's
// "read when the process list changed, not per collection" (counted reads),
// and the classification across containers.
#include "collector/namespaces.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "collector/derived.h"
#include "tests/collector/temp_tree.h"

namespace berth::collector {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::TempTree;

// --- ParseNamespaceLink --------------------------------------------------------

struct LinkCase {
  NamespaceKind kind;
  const char* text;
  std::optional<uint64_t> inode;
};

TEST(ParseNamespaceLinkTest, Table) {
  const LinkCase cases[] = {
      {NamespaceKind::kPid, "pid:[4026531836]", 4026531836u},
      {NamespaceKind::kNet, "net:[4026531840]", 4026531840u},
      {NamespaceKind::kCgroup, "cgroup:[4026531835]", 4026531835u},
      {NamespaceKind::kTime, "time:[4026531834]", 4026531834u},
      {NamespaceKind::kUser, "user:[4026531837]", 4026531837u},
      {NamespaceKind::kMnt, "mnt:[18446744073709551615]", 18446744073709551615u},
      {NamespaceKind::kPid, "net:[4026531840]", std::nullopt},  // another kind's link
      {NamespaceKind::kPid, "pid:[]", std::nullopt},
      {NamespaceKind::kPid, "pid:[0]", std::nullopt},
      {NamespaceKind::kPid, "pid:[-5]", std::nullopt},
      {NamespaceKind::kPid, "pid:[12a]", std::nullopt},
      {NamespaceKind::kPid, "pid:[18446744073709551616]", std::nullopt},  // overflow
      {NamespaceKind::kPid, "pid:4026531836", std::nullopt},
      {NamespaceKind::kPid, "pid:[4026531836", std::nullopt},
      {NamespaceKind::kPid, "pid:[4026531836] ", std::nullopt},
      {NamespaceKind::kPid, " pid:[4026531836]", std::nullopt},
      {NamespaceKind::kPid, "pid", std::nullopt},
      {NamespaceKind::kPid, "", std::nullopt},
      {NamespaceKind::kPid, "pid:[\xff]", std::nullopt},
      {NamespaceKind::kUts, "/proc/1/ns/uts", std::nullopt},
  };
  for (const LinkCase& c : cases) {
    EXPECT_EQ(ParseNamespaceLink(c.kind, c.text), c.inode) << c.text;
  }
}

TEST(NamespaceNamesTest, KindsAndSharing) {
  EXPECT_STREQ(NamespaceKindName(NamespaceKind::kNet), "net");
  EXPECT_STREQ(NamespaceKindName(NamespaceKind::kTime), "time");
  EXPECT_STREQ(NamespaceSharingName(NamespaceSharing::kHost), "host");
  EXPECT_STREQ(NamespaceSharingName(NamespaceSharing::kContainers), "container");
  EXPECT_STREQ(NamespaceSharingName(NamespaceSharing::kPrivate), "private");
  EXPECT_STREQ(NamespaceSharingName(NamespaceSharing::kUnknown), "unknown");
}

// --- ParseIdMap ------------------------------------------------------------------

TEST(ParseIdMapTest, KernelShapes) {
  // The host's (identity over all of uid space), as the kernel pads it.
  EXPECT_THAT(*ParseIdMap("         0          0 4294967295\n"),
              ElementsAre(IdMapRange{0, 0, 4294967295u}));
  // dockerd --userns-remap / a rootless engine: two ranges.
  EXPECT_THAT(*ParseIdMap("         0       1000          1\n         1     100000      65536\n"),
              ElementsAre(IdMapRange{0, 1000, 1}, IdMapRange{1, 100000, 65536}));
  EXPECT_THAT(*ParseIdMap(""), IsEmpty());  // nothing written yet
  EXPECT_THAT(*ParseIdMap("0 0 1"), ElementsAre(IdMapRange{0, 0, 1}));  // no final newline
  // The last id a map can hold: 4294967295 is (uid_t)-1, which the kernel
  // refuses (first + count must not wrap a u32).
  EXPECT_THAT(*ParseIdMap("4294967294 4294967294 1\n"),
              ElementsAre(IdMapRange{4294967294u, 4294967294u, 1}));
}

TEST(ParseIdMapTest, MalformedIsAbsent) {
  const char* bad[] = {
      "0 0\n",                     // two fields
      "0 0 1 7\n",                 // four
      "0 0 0\n",                   // empty range
      "4294967295 0 1\n",          // (uid_t)-1 inside
      "1 0 4294967295\n",          // past 2^32 inside
      "0 1 4294967295\n",          // past 2^32 outside
      "0 0 4294967296\n",          // not a uint32
      "-1 0 1\n",
      "0 x 1\n",
      "0 0 1\n\n0 5 1\n",          // a blank line in between
      "0\t0\t1\n\xff\n",
  };
  for (const char* text : bad) EXPECT_EQ(ParseIdMap(text), std::nullopt) << text;
  std::string many;
  for (size_t i = 0; i < kMaxIdMapLines; ++i) many += std::to_string(i) + " " + std::to_string(i) + " 1\n";
  EXPECT_EQ(ParseIdMap(many)->size(), kMaxIdMapLines);
  many += "999 999 1\n";
  EXPECT_EQ(ParseIdMap(many), std::nullopt);  // more than the kernel allows
}

// --- ReadProcessNamespaces over a tree of links ------------------------------------

void Link(const TempTree& t, const std::string& rel, const std::string& target) {
  std::filesystem::create_directories(std::filesystem::path(t / rel).parent_path());
  std::filesystem::remove(t / rel);
  std::filesystem::create_symlink(target, t / rel);
}

TEST(ReadProcessNamespacesTest, EveryKindAndTheMaps) {
  TempTree t;
  const char* kinds[] = {"net", "pid", "ipc", "uts", "mnt", "user", "cgroup", "time"};
  for (size_t i = 0; i < 8; ++i) {
    Link(t, std::string("proc/42/ns/") + kinds[i], std::string(kinds[i]) + ":[" +
                                                        std::to_string(4026532000 + i) + "]");
  }
  t.Write("proc/42/uid_map", "         0     100000      65536\n");
  t.Write("proc/42/gid_map", "         0     100000      65536\n");
  RootFs root(t.path());
  ProcessNamespaces r = ReadProcessNamespaces(root, "42");
  EXPECT_FALSE(r.gone);
  EXPECT_EQ(r.malformed, 0);
  for (size_t i = 0; i < 8; ++i) EXPECT_EQ(r.inodes[i], 4026532000 + i) << kinds[i];
  EXPECT_THAT(*r.uid_map, ElementsAre(IdMapRange{0, 100000, 65536}));
  EXPECT_THAT(*r.gid_map, ElementsAre(IdMapRange{0, 100000, 65536}));
}

TEST(ReadProcessNamespacesTest, MissingGarbageAndUnreadable) {
  TempTree t;
  Link(t, "proc/7/ns/net", "net:[4026532100]");
  Link(t, "proc/7/ns/pid", "garbage");                    // not a namespace link
  Link(t, "proc/7/ns/ipc", "pid:[4026532101]");           // another kind's text
  Link(t, "proc/7/ns/uts", std::string(200, 'u'));        // longer than any link
  t.Write("proc/7/uid_map", "0 0\n");                     // malformed
  // no mnt/user/cgroup/time links (an old kernel has no time), no gid_map
  std::filesystem::create_directories(t / "proc/7/gid_map");  // a directory: unreadable
  RootFs root(t.path());
  ProcessNamespaces r = ReadProcessNamespaces(root, "7");
  EXPECT_FALSE(r.gone);
  EXPECT_EQ(r.inodes[static_cast<size_t>(NamespaceKind::kNet)], 4026532100u);
  for (NamespaceKind k : {NamespaceKind::kPid, NamespaceKind::kIpc, NamespaceKind::kUts,
                          NamespaceKind::kMnt, NamespaceKind::kTime}) {
    EXPECT_EQ(r.inodes[static_cast<size_t>(k)], std::nullopt) << NamespaceKindName(k);
  }
  EXPECT_EQ(r.malformed, 4);  // three links, one map
  EXPECT_EQ(r.uid_map, std::nullopt);
  EXPECT_EQ(r.gid_map, std::nullopt);
}

TEST(ReadProcessNamespacesTest, NoLinksAtAllIsGone) {
  TempTree t;
  t.Write("proc/9/uid_map", "0 0 4294967295\n");
  RootFs root(t.path());
  EXPECT_TRUE(ReadProcessNamespaces(root, "9").gone);
  EXPECT_TRUE(ReadProcessNamespaces(root, "10").gone);
}

TEST(ReadProcessNamespacesTest, UnreadableLinksAreAbsentWithoutError) {
  if (::geteuid() == 0) {
    // root reads through mode 000 directories; the real /proc instead: the
    // host's are init's, or berth's own where init's cannot be read (a
    // sandbox: EACCES on /proc/1/ns/* even for root).
    RootFs root("/");
    HostNamespaces host = ReadHostNamespaces(root);
    ProcessNamespaces self = ReadProcessNamespaces(root, "self");
    ASSERT_TRUE(self.inodes[static_cast<size_t>(NamespaceKind::kPid)]);
    EXPECT_TRUE(host[static_cast<size_t>(NamespaceKind::kPid)]);
    if (!ReadProcessNamespaces(root, "1").inodes[1]) {
      EXPECT_EQ(host, self.inodes);
    }
    return;
  }
  TempTree t;
  Link(t, "proc/5/ns/net", "net:[4026532100]");
  ::chmod((t / "proc/5/ns").c_str(), 0);
  RootFs root(t.path());
  ProcessNamespaces r = ReadProcessNamespaces(root, "5");
  ::chmod((t / "proc/5/ns").c_str(), 0755);
  EXPECT_FALSE(r.gone);
  EXPECT_EQ(r.inodes[0], std::nullopt);
  EXPECT_EQ(r.malformed, 0);
}

// --- NamespaceTracker: when it reads ------------------------------------------------

ProcessNamespaces Fake(uint64_t base) {
  ProcessNamespaces r;
  for (size_t i = 0; i < kNamespaceKindCount; ++i) r.inodes[i] = base + i;
  r.uid_map = std::vector<IdMapRange>{{0, 0, 4294967295u}};
  return r;
}

TEST(NamespaceTrackerTest, ReadsOnceAndAgainOnlyWhenTheProcessesChange) {
  int reads = 0;
  std::vector<int> asked;
  NamespaceTracker tracker([&](int pid) {
    ++reads;
    asked.push_back(pid);
    return Fake(1000);
  });
  ErrorCounts errors;
  EXPECT_TRUE(tracker.wanted());
  EXPECT_FALSE(tracker.Update(nullptr, errors));  // list not read this collection
  EXPECT_EQ(reads, 0);
  const std::vector<int> list{10, 11};
  EXPECT_TRUE(tracker.Update(&list, errors));
  EXPECT_EQ(reads, 1);
  EXPECT_FALSE(tracker.wanted());
  EXPECT_EQ(tracker.current().pid, 10);
  EXPECT_EQ(tracker.current()[NamespaceKind::kPid].inode, 1001u);
  for (int i = 0; i < 100; ++i) {  // a hundred collections: no read
    EXPECT_FALSE(tracker.Update(i % 2 ? nullptr : &list, errors));
  }
  EXPECT_EQ(reads, 1);
  const std::vector<int> changed{10, 11, 12};
  EXPECT_TRUE(tracker.Update(&changed, errors));
  EXPECT_EQ(reads, 2);
  const std::vector<int> none;
  EXPECT_FALSE(tracker.Update(&none, errors));  // no process: keeps the last
  EXPECT_EQ(tracker.current()[NamespaceKind::kNet].inode, 1000u);
  EXPECT_EQ(reads, 2);
  EXPECT_THAT(asked, ElementsAre(10, 10));
  EXPECT_TRUE(errors.empty());
}

TEST(NamespaceTrackerTest, SkipsExitedProcessesAtMostThree) {
  int reads = 0;
  NamespaceTracker tracker([&](int pid) {
    ++reads;
    if (pid < 30) return ProcessNamespaces{.gone = true};
    return Fake(2000);
  });
  ErrorCounts errors;
  const std::vector<int> list{10, 20, 30};
  ASSERT_TRUE(tracker.Update(&list, errors));
  EXPECT_EQ(tracker.current().pid, 30);
  EXPECT_EQ(tracker.current()[NamespaceKind::kNet].inode, 2000u);
  const std::vector<int> longer{10, 11, 12, 20, 30};
  ASSERT_TRUE(tracker.Update(&longer, errors));
  EXPECT_EQ(reads, 6);
  EXPECT_EQ(tracker.current().pid, 0);  // three exited: unknown, never a stale answer
  EXPECT_FALSE(tracker.current().known());
}

TEST(NamespaceTrackerTest, MalformedCountsErrors) {
  NamespaceTracker tracker([](int) {
    ProcessNamespaces r = Fake(3000);
    r.inodes[1].reset();
    r.malformed = 2;
    return r;
  });
  ErrorCounts errors;
  const std::vector<int> list{5};
  tracker.Update(&list, errors);
  EXPECT_EQ(errors["proc"], 2u);
  EXPECT_EQ(tracker.current()[NamespaceKind::kPid].inode, std::nullopt);
}

// --- ClassifyNamespaceSharing -------------------------------------------------------

ContainerStats Container(const std::string& name, uint64_t net, uint64_t pid, uint64_t user) {
  ContainerStats c;
  c.identity.name = name;
  c.namespaces[NamespaceKind::kNet].inode = net;
  c.namespaces[NamespaceKind::kPid].inode = pid;
  c.namespaces[NamespaceKind::kUser].inode = user;
  return c;
}

TEST(ClassifyNamespaceSharingTest, HostContainersPrivateUnknown) {
  HostNamespaces host;
  host[static_cast<size_t>(NamespaceKind::kNet)] = 1;
  host[static_cast<size_t>(NamespaceKind::kPid)] = 2;
  host[static_cast<size_t>(NamespaceKind::kUser)] = 3;
  std::vector<ContainerStats> cs = {
      Container("web", 100, 2, 3),   // --pid host
      Container("side", 100, 201, 3),  // --network container:web
      Container("db", 1, 202, 3),    // --network host
      Container("lone", 103, 203, 303),  // remapped
  };
  cs.push_back(ContainerStats{});  // nothing read
  cs.back().identity.name = "stopped";
  ClassifyNamespaceSharing(cs, host);
  using S = NamespaceSharing;
  EXPECT_EQ(cs[0].namespaces[NamespaceKind::kNet].sharing, S::kContainers);
  EXPECT_THAT(SharedWith(cs[0].namespaces[NamespaceKind::kNet], "web"), ElementsAre("side"));
  EXPECT_EQ(SharedWithCount(cs[0].namespaces[NamespaceKind::kNet]), 1u);
  EXPECT_THAT(SharedWith(cs[1].namespaces[NamespaceKind::kNet], "side"), ElementsAre("web"));
  // One list for both members.
  EXPECT_EQ(cs[0].namespaces[NamespaceKind::kNet].members,
            cs[1].namespaces[NamespaceKind::kNet].members);
  EXPECT_EQ(cs[0].namespaces[NamespaceKind::kPid].sharing, S::kHost);
  EXPECT_EQ(cs[0].namespaces[NamespaceKind::kPid].members, nullptr);
  EXPECT_THAT(SharedWith(cs[0].namespaces[NamespaceKind::kPid], "web"), IsEmpty());
  EXPECT_EQ(SharedWithCount(cs[0].namespaces[NamespaceKind::kPid]), 0u);
  EXPECT_EQ(cs[1].namespaces[NamespaceKind::kPid].sharing, S::kPrivate);
  EXPECT_EQ(cs[2].namespaces[NamespaceKind::kNet].sharing, S::kHost);
  EXPECT_EQ(cs[3].namespaces[NamespaceKind::kUser].sharing, S::kPrivate);
  EXPECT_EQ(cs[2].namespaces[NamespaceKind::kUser].sharing, S::kHost);
  EXPECT_EQ(cs[3].namespaces[NamespaceKind::kIpc].sharing, S::kUnknown);  // not read
  EXPECT_EQ(cs[4].namespaces[NamespaceKind::kNet].sharing, S::kUnknown);

  // Without the host's link a lone namespace is unknown, a shared one still shared.
  HostNamespaces blind;
  ClassifyNamespaceSharing(cs, blind);
  EXPECT_EQ(cs[3].namespaces[NamespaceKind::kUser].sharing, S::kUnknown);
  EXPECT_EQ(cs[0].namespaces[NamespaceKind::kNet].sharing, S::kContainers);
  EXPECT_EQ(cs[0].namespaces[NamespaceKind::kPid].sharing, S::kUnknown);
}

TEST(ClassifyNamespaceSharingTest, ManySharersAreCountedAndNamedUpToTheCap) {
  HostNamespaces host;
  host[static_cast<size_t>(NamespaceKind::kUser)] = 3;
  std::vector<ContainerStats> cs;
  for (int i = 0; i < 20; ++i) {
    cs.push_back(Container("c" + std::to_string(100 + i), 500 + i, 600 + i, 77));  // rootless
  }
  cs.push_back(Container("c105", 1, 2, 77));  // a second container with the same name
  ClassifyNamespaceSharing(cs, host);
  const NamespaceInfo& u = cs[5].namespaces[NamespaceKind::kUser];
  EXPECT_EQ(u.sharing, NamespaceSharing::kContainers);
  EXPECT_EQ(SharedWithCount(u), 20u);
  // The other "c105" is named: only one entry is this container's own.
  EXPECT_THAT(SharedWith(u, "c105"),
              ElementsAre("c100", "c101", "c102", "c103", "c104", "c105", "c106", "c107"));
  const NamespaceInfo& first = cs[0].namespaces[NamespaceKind::kUser];
  EXPECT_EQ(SharedWith(first, "c100").size(), kMaxSharedWithNames);
  EXPECT_EQ(SharedWith(first, "c100")[0], "c101");
  EXPECT_EQ(first.members->size(), 21u);
}

}  // namespace
}  // namespace berth::collector
