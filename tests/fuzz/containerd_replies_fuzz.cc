// Fuzz target: containerd's gRPC reply bytes (collector/runtimes/containerd/
// containerd_replies.h) -> berth's structs -> an identity. The input is
// split at its first NUL: the part before picks the namespace, the rest is
// decoded as every reply type and each container is applied to an identity.
#include "collector/runtimes/containerd/containerd_replies.h"
#include "collector/runtimes/containerd_identity.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace berth::collector;
  const auto [ns, bytes] = berth::fuzz::SplitAtNul<2>(berth::fuzz::AsText(data, size));
  if (auto list = DecodeListContainersReply(ns, bytes)) {
    for (const ContainerdContainer& c : *list) {
      ContainerIdentity identity;
      identity.id = c.id;
      ApplyContainerdContainer(c, identity);
    }
  }
  if (auto one = DecodeGetContainerReply(ns, bytes)) {
    ContainerIdentity identity;
    ApplyContainerdContainer(*one, identity);
  }
  (void)DecodeListNamespacesReply(bytes);
  (void)DecodeEventEnvelope(bytes);
  return 0;
}
