// Run lists: xrt::runlist where the headers have it, the windowed fallback otherwise.
#include "abi_guard.h"
#include "handles.h"

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
    auto r = npusdk::require(run, "run");
#if NPUSDK_HAS_RUNLIST
    l->list.add(r->run);
#else
    l->list.add(r->run, r);
#endif
  });
}

int
npusdk_runlist_execute(npusdk_runlist* list)
{
  return npusdk::guarded([&] { npusdk::require(list, "list")->list.execute(); });
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
    }
    catch (const xrt::runlist::command_error& e) {
      npusdk::set_last_error(e.what());
      *out = e.get_command_state();
    }
#else
    *out = l->list.wait(timeout_ms);
#endif
  });
}

int
npusdk_runlist_reset(npusdk_runlist* list)
{
  return npusdk::guarded([&] { npusdk::require(list, "list")->list.reset(); });
}

int
npusdk_runlist_release(npusdk_runlist* list)
{
  return npusdk::guarded([&] { delete list; });
}

} // extern "C"
