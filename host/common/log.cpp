#include "host/common/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>

namespace ikeoff::log {

namespace {
std::atomic<int> g_level{1};
std::mutex g_mutex;
}  // namespace

void set_level(int lvl) { g_level.store(lvl, std::memory_order_relaxed); }
int level() { return g_level.load(std::memory_order_relaxed); }

void write(int lvl, std::string_view component, std::string_view message) {
    using namespace std::chrono;
    auto ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    std::lock_guard lock(g_mutex);
    std::fprintf(stderr, "%lld.%03lld [%.*s:%d] %.*s\n", static_cast<long long>(ms / 1000),
                 static_cast<long long>(ms % 1000), static_cast<int>(component.size()), component.data(),
                 lvl, static_cast<int>(message.size()), message.data());
}

void secret(std::string_view component, std::string_view label, ByteView data) {
    if (!enabled(kSecret)) return;
    std::string text(label);
    text += " => ";
    text += std::to_string(data.size());
    text += " bytes: ";
    text += to_hex(data);
    write(kSecret, component, text);
}

}  // namespace ikeoff::log
