// The servers of http_server_compare that live in files of their own (see
// http_server_compare.cc): each serves `handlers` on 127.0.0.1:`port` (0 = a
// free one), prints "port P page B bytes" once listening, and returns when
// one of `signals` (blocked in every thread) arrives.
#ifndef BERTH_TESTS_BENCH_HTTP_SERVER_COMPARE_H_
#define BERTH_TESTS_BENCH_HTTP_SERVER_COMPARE_H_

#include <signal.h>

#include <cstddef>

#include "exporter/http_handlers.h"

namespace berth::bench {

// Boost.Beast on `threads` io_context threads (http_server_compare_beast.cc).
int ServeBeast(exporter::HttpHandlers& handlers, int port, unsigned threads, size_t page_bytes,
               const sigset_t& signals);

}  // namespace berth::bench

#endif  // BERTH_TESTS_BENCH_HTTP_SERVER_COMPARE_H_
