// Run lists: xrt::runlist where the headers have it, the windowed fallback otherwise.
#include "abi_guard.h"
#include "handles.h"

#include <cstdio>
#include <string>
#include <type_traits>

#if NPUSDK_HAS_RUNLIST
namespace {

// xrt::runlist::aie_error (newer XRT) carries the AIE context health words of a failed command; older runlists do not.
template <typename List, typename = void>
struct has_aie_error : std::false_type {};
template <typename List>
struct has_aie_error<List, std::void_t<typename List::aie_error>> : std::true_type {};

template <typename List>
std::string
describe(const typename List::command_error& e)
{
  std::string text = e.what();
  if constexpr (has_aie_error<List>::value) {
    if (auto aie = dynamic_cast<const typename List::aie_error*>(&e)) {
      auto data = aie->data();
      text += "; AIE context health:";
      char word[12];
      for (size_t i = 0; i < data.size(); ++i) {
        std::snprintf(word, sizeof(word), " %08x", static_cast<unsigned>(data[i]));
        text += word;
      }
    }
  }
  return text;
}

} // namespace
#endif

namespace {

// Appends one run, as xrt::runlist keeps it (and the shim keeps it too, to name a failed run by its position) or as the
// windowed fallback does.
void
append(npusdk_runlist& list, const xrt::run& run)
{
  list.list.add(run);
#if NPUSDK_HAS_RUNLIST
  list.runs.push_back(run);
#endif
}

} // namespace

extern "C" {

int
npusdk_runlist_create(npusdk_context* context, uint32_t window, npusdk_runlist** list)
{
  return npusdk::guarded([&] {
    auto ctx = npusdk::require(context, "context");
    npusdk::require(list, "list");
#if NPUSDK_HAS_RUNLIST
    (void)window; // xrt::runlist chains its runs itself
    *list = new npusdk_runlist(ctx->hw_context);
#else
    (void)ctx;
    *list = new npusdk_runlist(window);
#endif
  });
}

int
npusdk_runlist_add(npusdk_runlist* list, npusdk_run* run)
{
  return npusdk::guarded([&] {
    auto l = npusdk::require(list, "list");
    append(*l, npusdk::require(run, "run")->run);
  });
}

int
npusdk_runlist_add_runs(npusdk_runlist* list, npusdk_runs* runs)
{
  return npusdk::guarded([&] {
    auto l = npusdk::require(list, "list");
    auto set = npusdk::require(runs, "runs");
#if NPUSDK_HAS_RUNLIST
    l->runs.reserve(l->runs.size() + set->runs.size());
#else
    l->list.reserve(set->runs.size());
#endif
    for (auto& run : set->runs) append(*l, run);
  });
}

int
npusdk_runlist_execute(npusdk_runlist* list)
{
  return npusdk::guarded([&] {
    auto l = npusdk::require(list, "list");
    l->list.execute();
    l->failed_index = -1;
#if NPUSDK_HAS_RUNLIST
    l->executing = true;
#endif
  });
}

int
npusdk_runlist_wait(npusdk_runlist* list, uint32_t timeout_ms, int32_t* state)
{
  return npusdk::guarded([&] {
    auto l = npusdk::require(list, "list");
    auto out = npusdk::require(state, "state");
#if NPUSDK_HAS_RUNLIST
    // xrt::runlist reports a failed run by throwing; the ABI reports it as that run's state.
    try {
      auto status = l->list.wait(std::chrono::milliseconds(timeout_ms));
      *out = status == std::cv_status::timeout ? ERT_CMD_STATE_TIMEOUT : ERT_CMD_STATE_COMPLETED;
      if (status != std::cv_status::timeout)
        l->executing = false;
    }
    catch (const xrt::runlist::command_error& e) {
      npusdk::set_last_error(describe<xrt::runlist>(e).c_str());
      *out = e.get_command_state();
      l->executing = false;
      // The failed run object is one of ours: its position is the invocation that failed.
      auto failed = e.get_run();
      for (size_t i = 0; i < l->runs.size(); ++i)
        if (l->runs[i].get_handle() == failed.get_handle())
          l->failed_index = static_cast<int32_t>(i);
    }
#else
    *out = l->list.wait(timeout_ms);
    l->failed_index = l->list.failed_index();
#endif
  });
}

int
npusdk_runlist_reset(npusdk_runlist* list)
{
  return npusdk::guarded([&] {
    auto l = npusdk::require(list, "list");
    l->list.reset();
#if NPUSDK_HAS_RUNLIST
    l->runs.clear();
#endif
    l->failed_index = -1;
  });
}

int
npusdk_runlist_abort(npusdk_runlist* list)
{
  return npusdk::guarded([&] {
    auto l = npusdk::require(list, "list");
#if NPUSDK_HAS_RUNLIST
    // xrt::runlist has no abort; aborting each of its runs ends the chain, after which wait() reports the abort.
    if (!l->executing)
      return;
    for (auto& run : l->runs)
      run.abort();
    try {
      l->list.wait(std::chrono::milliseconds(0));
    }
    catch (const xrt::runlist::command_error&) {
      // The aborted runs' own report.
    }
    l->executing = false;
#else
    l->list.abort();
#endif
  });
}

int
npusdk_runlist_failed_index(npusdk_runlist* list, int32_t* index)
{
  return npusdk::guarded([&] {
    auto l = npusdk::require(list, "list");
    *npusdk::require(index, "index") = l->failed_index;
  });
}

int
npusdk_runlist_release(npusdk_runlist* list)
{
  return npusdk::guarded([&] { delete list; });
}

} // extern "C"
