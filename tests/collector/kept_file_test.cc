// KeptFile: descriptors kept and re-read with pread, the budget fallback,
// missing and vanished files.
#include "collector/kept_file.h"

#include <sys/resource.h>

#include <gtest/gtest.h>

#include "tests/collector/temp_tree.h"

namespace berth::collector {
namespace {

using testing::TempTree;

TEST(KeptFileTest, KeepsTheDescriptorAndSeesNewContent) {
  TempTree t;
  t.Write("cg/memory.current", "100\n");
  FdBudget budget(10);
  FileReader reader(&budget, true);
  KeptFile f("memory.current");
  std::string_view text;
  ASSERT_EQ(f.Read(t / "cg", reader, text), ReadStatus::kOk);
  EXPECT_EQ(text, "100\n");
  EXPECT_TRUE(f.is_open());
  EXPECT_EQ(budget.kept(), 1u);
  t.Write("cg/memory.current", "2222\n");  // rewritten in place
  ASSERT_EQ(f.Read(t / "cg", reader, text), ReadStatus::kOk);
  EXPECT_EQ(text, "2222\n");
  EXPECT_EQ(t.OpenFdsUnder("cg"), 1);
  f.Close();
  EXPECT_EQ(budget.kept(), 0u);
  EXPECT_EQ(t.OpenFdsUnder("cg"), 0);
}

TEST(KeptFileTest, ExhaustedBudgetFallsBackToOpenPerRead) {
  TempTree t;
  t.Write("cg/a", "1\n");
  t.Write("cg/b", "2\n");
  FdBudget budget(1);
  FileReader reader(&budget, true);
  KeptFile a("a"), b("b");
  std::string_view text;
  ASSERT_EQ(a.Read(t / "cg", reader, text), ReadStatus::kOk);
  ASSERT_EQ(b.Read(t / "cg", reader, text), ReadStatus::kOk);
  EXPECT_EQ(text, "2\n");
  EXPECT_TRUE(a.is_open());
  EXPECT_FALSE(b.is_open());
  t.Write("cg/b", "3\n");
  ASSERT_EQ(b.Read(t / "cg", reader, text), ReadStatus::kOk);
  EXPECT_EQ(text, "3\n");
  EXPECT_EQ(t.OpenFdsUnder("cg"), 1);
}

TEST(KeptFileTest, NonKeptFileNeverHoldsADescriptor) {
  TempTree t;
  t.Write("cg/memory.max", "max\n");
  FdBudget budget(10);
  FileReader reader(&budget, true);
  KeptFile f("memory.max", /*keep=*/false);
  std::string_view text;
  ASSERT_EQ(f.Read(t / "cg", reader, text), ReadStatus::kOk);
  EXPECT_EQ(text, "max\n");
  EXPECT_FALSE(f.is_open());
  EXPECT_EQ(budget.kept(), 0u);
}

TEST(KeptFileTest, KeepDisabledNeverHoldsADescriptor) {
  TempTree t;
  t.Write("cg/a", "1\n");
  FdBudget budget(10);
  FileReader reader(&budget, false);
  KeptFile a("a");
  std::string_view text;
  ASSERT_EQ(a.Read(t / "cg", reader, text), ReadStatus::kOk);
  EXPECT_FALSE(a.is_open());
  EXPECT_EQ(budget.kept(), 0u);
}

TEST(KeptFileTest, MissingFileIsNotProbedAgainForAWhile) {
  TempTree t;
  t.Write("cg/other", "");
  FdBudget budget(10);
  FileReader reader(&budget, true);
  KeptFile f("memory.peak");
  std::string_view text;
  EXPECT_EQ(f.Read(t / "cg", reader, text), ReadStatus::kMissing);
  t.Write("cg/memory.peak", "5\n");
  for (int i = 0; i < KeptFile::kMissingSkips; ++i) {
    EXPECT_EQ(f.Read(t / "cg", reader, text), ReadStatus::kMissing) << i;
  }
  EXPECT_EQ(f.Read(t / "cg", reader, text), ReadStatus::kOk);
  EXPECT_EQ(text, "5\n");
}

TEST(KeptFileTest, RemovedDirectoryIsGone) {
  TempTree t;
  t.Write("cg/cpu.stat", "usage_usec 1\n");
  FdBudget budget(10);
  FileReader reader(&budget, false);
  KeptFile f("cpu.stat");
  std::string_view text;
  t.Remove("cg");
  EXPECT_EQ(f.Read(t / "cg", reader, text), ReadStatus::kGone);
}

TEST(KeptFileTest, ReadsFilesLargerThanTheBuffer) {
  TempTree t;
  std::string big;
  for (int i = 0; i < 40000; ++i) big += std::to_string(100000 + i) + "\n";  // ~280 KB
  t.Write("cg/cgroup.procs", big);
  FdBudget budget(10);
  FileReader reader(&budget, true);
  KeptFile f("cgroup.procs");
  std::string_view text;
  ASSERT_EQ(f.Read(t / "cg", reader, text), ReadStatus::kOk);
  EXPECT_EQ(text, big);
  ASSERT_EQ(f.Read(t / "cg", reader, text), ReadStatus::kOk);  // pread from 0 again
  EXPECT_EQ(text, big);
}

TEST(KeptFileTest, MalformedIsCountedEachTime) {
  KeptFile f("memory.stat");
  ErrorCounts errors;
  f.NoteParsed(false, "/x", "cgroup", errors);
  f.NoteParsed(false, "/x", "cgroup", errors);
  f.NoteParsed(true, "/x", "cgroup", errors);
  EXPECT_EQ(errors["cgroup"], 2u);
}

TEST(FdBudgetTest, RaiseNoFileLimitLeavesAReserve) {
  const size_t n = FdBudget::RaiseNoFileLimit();
  rlimit lim{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &lim), 0);
  EXPECT_EQ(lim.rlim_cur, lim.rlim_max);  // soft raised to hard
  if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur > FdBudget::kReserve) {
    EXPECT_EQ(n, lim.rlim_cur - FdBudget::kReserve);
  }
}

}  // namespace
}  // namespace berth::collector
