// Child processes with a known behaviour, for the real cgroup v2 probe
// (cgv2_probe.cc). A child is forked, waits until the parent has moved it
// into its cgroup and sends "go", runs its work, reports one number back
// (CPU ns burned, bytes touched, bytes written, processes forked) and then
// stays alive, in its cgroup, until the parent releases it.
//
// Ownership: a Child owns its pipe ends; ReleaseChild() closes them and
// reaps the process. Thread-safety: single-threaded use only (fork).
// Errors: spawning failures return a Child with pid -1; a child killed
// before reporting (e.g. by the OOM killer) makes AwaitReport() return
// nullopt.
#ifndef BERTH_TESTS_CGV2_CGV2_LOAD_H_
#define BERTH_TESTS_CGV2_CGV2_LOAD_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace berth::cgv2 {

struct Child {
  pid_t pid = -1;
  int go_fd = -1;      // parent writes "go" here; closing it ends the child
  int report_fd = -1;  // the child's 8-byte report arrives here
};

// Runs in the child after "go"; its result is the child's report.
using Work = std::function<uint64_t()>;

Child SpawnChild(Work work);
bool StartChild(const Child& child);
std::optional<uint64_t> AwaitReport(const Child& child);
// Closes the pipes (the child exits on EOF), reaps it; returns the wait
// status, or -1 when there was no child.
int ReleaseChild(Child& child);

// --- work ------------------------------------------------------------------
// Spins until this process has used `cpu` more CPU time; returns the CPU
// time used by the call in ns (CLOCK_PROCESS_CPUTIME_ID).
uint64_t BurnCpu(std::chrono::nanoseconds cpu);
// Maps `bytes` of anonymous memory and writes every page; the mapping stays
// (the child keeps it until released). Returns the bytes touched.
uint64_t TouchMemory(uint64_t bytes);
// Writes `bytes` (a multiple of 1 MiB) to the block device `path` with
// O_DIRECT from offset 0, then fdatasync. Returns the bytes written, 0 on error.
uint64_t DirectWrite(const std::string& path, uint64_t bytes);
// Forks `extra` children that sleep until this process exits (they get
// SIGKILL then). Returns how many were forked.
uint64_t ForkSleepers(int extra);

}  // namespace berth::cgv2

#endif  // BERTH_TESTS_CGV2_CGV2_LOAD_H_
