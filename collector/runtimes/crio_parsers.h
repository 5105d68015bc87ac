// Pure parser for CRI-O's HTTP inspect endpoint (GET /containers/<id> on
// /var/run/crio/crio.sock, CRI-O's internal/server/inspect.go ContainerInfo):
//   {"name":"k8s_nginx_web-0_shop_<uid>_0","pid":4242,"image":"docker.io/library/nginx:1.25",
//    "image_ref":"…","created_time":1700000000123456789,
//    "labels":{"io.kubernetes.pod.namespace":"shop","io.kubernetes.pod.name":"web-0",
//              "io.kubernetes.container.name":"nginx","io.kubernetes.pod.uid":"…"},
//    "annotations":{"io.kubernetes.cri-o.ContainerType":"container", …},
//    "log_path":"…","root":"…","sandbox":"<sandbox id>","ip_addresses":[…]}
// A pod sandbox (pause) has container name "POD" and ContainerType "sandbox".
// Errors are HTTP 404 with a plain-text body ("can't find the container with
// id …"). Takes the body as std::string_view, never throws, no state.
// Malformed input (not a JSON object) yields std::nullopt; unknown fields are
// ignored.
#ifndef BERTH_COLLECTOR_CRIO_PARSERS_H_
#define BERTH_COLLECTOR_CRIO_PARSERS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace berth::collector {

struct CrioContainerInfo {
  std::string name;   // CRI-O's own name ("k8s_<container>_<pod>_<ns>_<uid>_<attempt>")
  std::string image;  // "image"
  std::map<std::string, std::string> labels;
  std::optional<double> created_seconds;  // "created_time" (ns) / 1e9
  std::string sandbox_id;                 // "sandbox"
  // From the io.kubernetes.* labels; empty when absent.
  std::string k8s_namespace, k8s_pod, k8s_container, pod_uid;
  bool is_sandbox = false;  // container "POD" or ContainerType "sandbox"
  bool operator==(const CrioContainerInfo&) const = default;
};

std::optional<CrioContainerInfo> ParseCrioContainerInfo(std::string_view body);

}  // namespace berth::collector

#endif  // BERTH_COLLECTOR_CRIO_PARSERS_H_
