#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "history/segment_format.h"
#include "history/store_reader.h"
#include "history/store_writer.h"
#include "tests/history/sample_snapshots.h"

namespace berth::history {
namespace {

namespace fs = std::filesystem;
using testing::SampleSnapshot;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "berth-history-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::vector<fs::path> Segments(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".brs") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

int64_t Ns(const collector::Snapshot& s) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(s.wall_time.time_since_epoch())
      .count();
}

std::unique_ptr<StoreReader> OpenOrDie(const std::string& dir) {
  std::string error;
  auto reader = StoreReader::Open(dir, &error);
  EXPECT_NE(reader, nullptr) << error;
  return reader;
}

void ExpectFrames(StoreReader& reader, const std::vector<int>& steps) {
  ASSERT_EQ(reader.size(), steps.size());
  for (size_t i = 0; i < steps.size(); ++i) {
    std::string error;
    auto snap = reader.Load(i, &error);
    ASSERT_NE(snap, nullptr) << i << ": " << error;
    EXPECT_EQ(*snap, SampleSnapshot(steps[i])) << "frame " << i << " (step " << steps[i] << ")";
  }
}

TEST(StoreTest, RoundTripFindsEveryFrameByTimeAndDecodesItExactly) {
  TempDir dir;
  {
    StoreWriter writer({.dir = dir.path(), .key_every = 3});
    for (int step = 0; step < 10; ++step) ASSERT_EQ(writer.Append(SampleSnapshot(step)), "");
    EXPECT_EQ(writer.stats().frames, 10u);
  }
  auto reader = OpenOrDie(dir.path());
  EXPECT_TRUE(reader->problems().empty());
  ExpectFrames(*reader, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  // Out of order and backwards (each from its key frame), then by time.
  std::string error;
  for (size_t i : {9u, 2u, 7u, 0u, 5u, 4u}) {
    auto snap = reader->Load(i, &error);
    ASSERT_NE(snap, nullptr) << error;
    EXPECT_EQ(*snap, SampleSnapshot(static_cast<int>(i)));
  }
  const int64_t t3 = Ns(SampleSnapshot(3));
  EXPECT_EQ(reader->FindAt(t3), 3u);
  EXPECT_EQ(reader->FindAt(t3 + 4'999'999'999), 3u);
  EXPECT_EQ(reader->FindAt(t3 - 1), 2u);
  EXPECT_EQ(reader->FindAt(Ns(SampleSnapshot(0)) - 1), std::nullopt);
  EXPECT_EQ(reader->FindAt(INT64_MAX), 9u);
}

TEST(StoreTest, ATornLastRecordIsSkippedAndTheRestStaysReadable) {
  TempDir dir;
  {
    StoreWriter writer({.dir = dir.path(), .key_every = 4});
    for (int step = 0; step < 6; ++step) ASSERT_EQ(writer.Append(SampleSnapshot(step)), "");
  }
  const fs::path seg = Segments(dir.path()).at(0);
  // A crash during the sixth record: half of it reached the disk; the index
  // entry was never written.
  auto reader = OpenOrDie(dir.path());
  std::string error;
  const uint64_t size = fs::file_size(seg);
  // The last record starts where its index entry says.
  std::ifstream idx(fs::path(seg).replace_extension(".idx"), std::ios::binary);
  std::string entries((std::istreambuf_iterator<char>(idx)), {});
  const std::vector<IndexEntry> index = ParseIndex(entries);
  ASSERT_EQ(index.size(), 6u);
  fs::resize_file(seg, index[5].offset + (size - index[5].offset) / 2);
  fs::resize_file(fs::path(seg).replace_extension(".idx"), 5 * kIndexEntrySize);
  reader = OpenOrDie(dir.path());
  ExpectFrames(*reader, {0, 1, 2, 3, 4});
  ASSERT_EQ(reader->problems().size(), 1u);
  EXPECT_NE(reader->problems()[0].find("torn write"), std::string::npos) << reader->problems()[0];
  // A writer started after the crash begins a new segment; both read back.
  {
    StoreWriter writer({.dir = dir.path(), .key_every = 4});
    ASSERT_EQ(writer.Append(SampleSnapshot(6)), "");
    ASSERT_EQ(writer.Append(SampleSnapshot(7)), "");
  }
  reader = OpenOrDie(dir.path());
  ExpectFrames(*reader, {0, 1, 2, 3, 4, 6, 7});
  // The index lost its last entry too (torn mid-entry): the scan finds the frame.
  fs::resize_file(fs::path(seg).replace_extension(".idx"), 3 * kIndexEntrySize + 5);
  reader = OpenOrDie(dir.path());
  ExpectFrames(*reader, {0, 1, 2, 3, 4, 6, 7});
}

TEST(StoreTest, ADamagedRecordFailsOnlyTheFramesThatNeedIt) {
  TempDir dir;
  {
    StoreWriter writer({.dir = dir.path(), .key_every = 4});
    for (int step = 0; step < 8; ++step) ASSERT_EQ(writer.Append(SampleSnapshot(step)), "");
  }
  const fs::path seg = Segments(dir.path()).at(0);
  std::ifstream idx(fs::path(seg).replace_extension(".idx"), std::ios::binary);
  const std::vector<IndexEntry> index =
      ParseIndex(std::string((std::istreambuf_iterator<char>(idx)), {}));
  ASSERT_EQ(index.size(), 8u);
  {  // One byte of frame 2's payload flipped on disk.
    std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(index[2].offset + kFrameHeaderSize + 3));
    char c;
    f.get(c);
    f.seekp(static_cast<std::streamoff>(index[2].offset + kFrameHeaderSize + 3));
    f.put(static_cast<char>(c ^ 0x40));
  }
  auto reader = OpenOrDie(dir.path());
  ASSERT_EQ(reader->size(), 8u);
  std::string error;
  for (size_t i : {0u, 1u, 4u, 5u, 6u, 7u}) {
    auto snap = reader->Load(i, &error);
    ASSERT_NE(snap, nullptr) << i << ": " << error;
    EXPECT_EQ(*snap, SampleSnapshot(static_cast<int>(i)));
  }
  for (size_t i : {2u, 3u}) {  // frame 2, and frame 3 whose delta needs it
    EXPECT_EQ(reader->Load(i, &error), nullptr) << i;
    EXPECT_NE(error.find("damaged record"), std::string::npos) << error;
  }
}

// A file system that fills up: appends beyond `budget` bytes write what
// fits and fail with ENOSPC (a torn write, as a real full disk gives).
class FillingIo : public StoreIo {
 public:
  int64_t budget = INT64_MAX;
  int Create(const std::string& path) override { return PosixStoreIo().Create(path); }
  int Append(int fd, std::string_view data) override {
    if (static_cast<int64_t>(data.size()) > budget) {
      if (budget > 0) PosixStoreIo().Append(fd, data.substr(0, static_cast<size_t>(budget)));
      budget = 0;
      return ENOSPC;
    }
    budget -= static_cast<int64_t>(data.size());
    return PosixStoreIo().Append(fd, data);
  }
  int Truncate(int fd, uint64_t size) override { return PosixStoreIo().Truncate(fd, size); }
  void Close(int fd) override { PosixStoreIo().Close(fd); }
  int Remove(const std::string& path) override { return PosixStoreIo().Remove(path); }
  int List(const std::string& dir, std::vector<std::string>* names) override {
    return PosixStoreIo().List(dir, names);
  }
  int64_t Size(const std::string& path) override { return PosixStoreIo().Size(path); }
};

TEST(StoreTest, AFullDiskLosesFramesButNeverTheStore) {
  TempDir dir;
  FillingIo io;
  StoreWriter writer({.dir = dir.path(), .key_every = 4}, io);
  for (int step = 0; step < 3; ++step) ASSERT_EQ(writer.Append(SampleSnapshot(step)), "");
  io.budget = 40;  // the next record is torn part-way
  const std::string error = writer.Append(SampleSnapshot(3));
  EXPECT_NE(error.find("No space left on device"), std::string::npos) << error;
  EXPECT_NE(writer.Append(SampleSnapshot(4)), "");  // still full: no segment can start
  EXPECT_EQ(writer.stats().failed_frames, 2u);
  {
    auto reader = OpenOrDie(dir.path());
    EXPECT_TRUE(reader->problems().empty()) << reader->problems()[0];
    ExpectFrames(*reader, {0, 1, 2});
  }
  io.budget = INT64_MAX;  // space again: a new segment with a key frame
  ASSERT_EQ(writer.Append(SampleSnapshot(5)), "");
  ASSERT_EQ(writer.Append(SampleSnapshot(6)), "");
  auto reader = OpenOrDie(dir.path());
  for (const std::string& p : reader->problems()) ADD_FAILURE() << p;
  ExpectFrames(*reader, {0, 1, 2, 5, 6});
}

TEST(StoreTest, SegmentsRotateBySizeAndAgeAndRetentionDropsTheOldest) {
  TempDir dir;
  {  // By size: a segment is closed once it holds 1 KiB or more.
    StoreWriter writer({.dir = dir.path(), .segment_bytes = 1024, .key_every = 100});
    for (int step = 0; step < 10; ++step) ASSERT_EQ(writer.Append(SampleSnapshot(step)), "");
    EXPECT_GT(writer.stats().segments_opened, 2u);
    EXPECT_EQ(Segments(dir.path()).size(), writer.stats().segments_opened);
  }
  auto reader = OpenOrDie(dir.path());
  ExpectFrames(*reader, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  for (const fs::path& seg : Segments(dir.path())) {
    fs::remove(seg);
    fs::remove(fs::path(seg).replace_extension(".idx"));
  }
  {  // By age: frames are 5 s apart, a segment spans at most 12 s.
    StoreWriter writer({.dir = dir.path(), .segment_age = std::chrono::seconds(12)});
    for (int step = 0; step < 9; ++step) ASSERT_EQ(writer.Append(SampleSnapshot(step)), "");
    EXPECT_EQ(writer.stats().segments_opened, 3u);  // steps 0-2, 3-5, 6-8
  }
  ExpectFrames(*OpenOrDie(dir.path()), {0, 1, 2, 3, 4, 5, 6, 7, 8});
  {  // Retention by age: segments that ended over 20 s before the newest
     // frame go (a segment ends where the next begins): 0-2 ended 45 s
     // before step 12, 3-5 30 s; 6-8 ends at step 12 itself.
    StoreWriter writer({.dir = dir.path(), .segment_age = std::chrono::seconds(12),
                        .retention_age = std::chrono::seconds(20)});
    ASSERT_EQ(writer.Append(SampleSnapshot(12)), "");
    EXPECT_EQ(writer.stats().segments_removed, 2u);
  }
  ExpectFrames(*OpenOrDie(dir.path()), {6, 7, 8, 12});
  {  // Retention by size: the store shrinks to its bound, oldest first.
    StoreWriter writer({.dir = dir.path(), .segment_age = std::chrono::seconds(12),
                        .retention_bytes = 1, .retention_age = std::chrono::seconds(0)});
    ASSERT_EQ(writer.Append(SampleSnapshot(13)), "");
    EXPECT_EQ(writer.stats().segments_removed, 2u);
  }
  ExpectFrames(*OpenOrDie(dir.path()), {13});
}

TEST(StoreTest, AMissingOrWrongIndexOnlyCostsAScan) {
  TempDir dir;
  {
    StoreWriter writer({.dir = dir.path(), .key_every = 3});
    for (int step = 0; step < 7; ++step) ASSERT_EQ(writer.Append(SampleSnapshot(step)), "");
  }
  const fs::path idx = fs::path(Segments(dir.path()).at(0)).replace_extension(".idx");
  fs::remove(idx);
  ExpectFrames(*OpenOrDie(dir.path()), {0, 1, 2, 3, 4, 5, 6});
  std::ofstream(idx, std::ios::binary) << std::string(24 * 4, '\x07');
  ExpectFrames(*OpenOrDie(dir.path()), {0, 1, 2, 3, 4, 5, 6});
}

TEST(StoreTest, ASegmentOfANewerFormatIsLeftOutWithAMessage) {
  TempDir dir;
  {
    StoreWriter writer({.dir = dir.path()});
    ASSERT_EQ(writer.Append(SampleSnapshot(0)), "");
  }
  std::string header = EncodeSegmentHeader(1);
  header[8] = static_cast<char>(kFormatVersion + 1);
  std::ofstream(dir.path() + "/" + SegmentFileName(Ns(SampleSnapshot(1))), std::ios::binary)
      << header;
  auto reader = OpenOrDie(dir.path());
  ExpectFrames(*reader, {0});
  ASSERT_EQ(reader->problems().size(), 1u);
  EXPECT_NE(reader->problems()[0].find("written by a newer berth (format version 2; this berth "
                                       "reads up to 1)"),
            std::string::npos)
      << reader->problems()[0];
}

// tests/fixtures/history-v1: a store written by format version 1 (the first
// berth that recorded), steps 0..9 with key frames every 4. Every later berth
// must read it back to the same snapshots. BERTH_UPDATE_GOLDEN=1 rewrites it
// (only ever when the fixture is new: old stores do not change).
TEST(StoreTest, AStoreOfFormatVersionOneReadsBackExactly) {
  const std::string fixture = std::string(BERTH_FIXTURES_DIR) + "/history-v1";
  if (std::getenv("BERTH_UPDATE_GOLDEN") != nullptr) {
    fs::remove_all(fixture);
    fs::create_directories(fixture);
    StoreWriter writer({.dir = fixture, .key_every = 4});
    for (int step = 0; step < 10; ++step) ASSERT_EQ(writer.Append(SampleSnapshot(step)), "");
  }
  auto reader = OpenOrDie(fixture);
  EXPECT_TRUE(reader->problems().empty());
  ExpectFrames(*reader, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  std::string error;
  auto snap = reader->Load(9, &error);
  ASSERT_NE(snap, nullptr) << error;
  EXPECT_EQ(snap->containers.size(), 4u);
  EXPECT_EQ(snap->Find("web-1-renamed")->cpu.usage_ns, 1'000'000'000ull + 9 * 37'000'123);
}

}  // namespace
}  // namespace berth::history
