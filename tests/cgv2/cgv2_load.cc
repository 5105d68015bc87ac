#include "tests/cgv2/cgv2_load.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace berth::cgv2 {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

// Sleepers forked by this (child) process; killed and reaped on release.
std::vector<pid_t> g_sleepers;

bool ReadFull(int fd, void* buf, size_t len) {
  auto* p = static_cast<char*>(buf);
  while (len > 0) {
    ssize_t n = read(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

bool WriteFull(int fd, const void* buf, size_t len) {
  const auto* p = static_cast<const char*>(buf);
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    p += n;
    len -= static_cast<size_t>(n);
  }
  return true;
}

uint64_t ProcessCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<uint64_t>(ts.tv_nsec);
}

[[noreturn]] void RunChild(int go_fd, int report_fd, const Work& work) {
  // Drop every inherited descriptor but ours: another child's go pipe kept
  // open here would stop that child from ever seeing EOF.
  // close_range keeps this cheap: the child may already be in its cgroup.
  const unsigned lo = static_cast<unsigned>(std::min(go_fd, report_fd));
  const unsigned hi = static_cast<unsigned>(std::max(go_fd, report_fd));
  if (lo > 3) close_range(3, lo - 1, 0);
  if (hi > lo + 1) close_range(lo + 1, hi - 1, 0);
  close_range(hi + 1, ~0U, 0);
  char go = 0;
  if (!ReadFull(go_fd, &go, 1)) _exit(3);
  const uint64_t report = work();
  if (!WriteFull(report_fd, &report, sizeof(report))) _exit(4);
  close(report_fd);
  while (ReadFull(go_fd, &go, 1)) {
  }
  for (pid_t pid : g_sleepers) kill(pid, SIGKILL);
  for (pid_t pid : g_sleepers) waitpid(pid, nullptr, 0);
  _exit(0);
}

}  // namespace

Child SpawnChild(Work work) {
  int go[2], report[2];
  if (pipe(go) != 0) return {};
  if (pipe(report) != 0) {
    close(go[0]);
    close(go[1]);
    return {};
  }
  std::fflush(nullptr);  // the child must not re-flush the parent's buffers
  const pid_t pid = fork();
  if (pid == 0) {
    close(go[1]);
    close(report[0]);
    RunChild(go[0], report[1], work);
  }
  close(go[0]);
  close(report[1]);
  if (pid < 0) {
    close(go[1]);
    close(report[0]);
    return {};
  }
  return Child{pid, go[1], report[0]};
}

bool StartChild(const Child& child) {
  const char go = 'g';
  return child.pid > 0 && WriteFull(child.go_fd, &go, 1);
}

std::optional<uint64_t> AwaitReport(const Child& child) {
  uint64_t report = 0;
  if (child.pid <= 0 || !ReadFull(child.report_fd, &report, sizeof(report))) return std::nullopt;
  return report;
}

int ReleaseChild(Child& child) {
  if (child.pid <= 0) return -1;
  close(child.go_fd);
  close(child.report_fd);
  int status = 0;
  while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  child = Child{};
  return status;
}

uint64_t BurnCpu(std::chrono::nanoseconds cpu) {
  const uint64_t start = ProcessCpuNs();
  const uint64_t target = start + static_cast<uint64_t>(cpu.count());
  volatile uint64_t sink = 0;
  while (ProcessCpuNs() < target) {
    for (int i = 0; i < 10000; ++i) sink = sink + static_cast<uint64_t>(i);
  }
  return ProcessCpuNs() - start;
}

uint64_t TouchMemory(uint64_t bytes) {
  void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 0;
  const long page = sysconf(_SC_PAGESIZE);
  auto* c = static_cast<volatile char*>(p);
  for (uint64_t off = 0; off < bytes; off += static_cast<uint64_t>(page)) c[off] = 0x5a;
  return bytes;  // kept mapped until the process exits
}

uint64_t DirectWrite(const std::string& path, uint64_t bytes) {
  const int fd = open(path.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "open %s: %s\n", path.c_str(), std::strerror(errno));
    return 0;
  }
  void* buf = nullptr;
  if (posix_memalign(&buf, 4096, kMiB) != 0) {
    close(fd);
    return 0;
  }
  std::memset(buf, 0xa5, kMiB);
  uint64_t written = 0;
  while (written < bytes) {
    ssize_t n = pwrite(fd, buf, kMiB, static_cast<off_t>(written));
    if (n < 0 && errno == EINTR) continue;
    if (n != static_cast<ssize_t>(kMiB)) {
      std::fprintf(stderr, "pwrite %s: %s\n", path.c_str(), std::strerror(errno));
      break;
    }
    written += kMiB;
  }
  if (fdatasync(fd) != 0) written = 0;
  close(fd);
  std::free(buf);
  return written;
}

uint64_t ForkSleepers(int extra) {
  const pid_t parent = getpid();
  uint64_t forked = 0;
  for (int i = 0; i < extra; ++i) {
    const pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(0);
      for (;;) pause();
    }
    if (pid > 0) {
      g_sleepers.push_back(pid);
      ++forked;
    }
  }
  return forked;
}

}  // namespace berth::cgv2
