// @module native/runtime
// What the addon's files share at run time: the process-wide thread pool, the calling thread's GEMM packing
// workspace and the kernel family chosen by dispatch (all owned by addon.cc), and the registration hook of the
// row-kernel entry points (addon-rows.cc).
#ifndef SLING_RUNTIME_H
#define SLING_RUNTIME_H
#include <node_api.h>

#include "dispatch.h"
#include "thread-pool.h"

namespace sling {

ThreadPool &shared_pool();
ThreadWorkspace &shared_calling_workspace();
const Family &current_family();
// Adds the row-kernel and attention functions (addon-rows.cc) to the module's exports.
void register_row_functions(napi_env env, napi_value exports);

}  // namespace sling
#endif
