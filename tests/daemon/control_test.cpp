// Control socket: framing, deferred replies, client misbehaviour.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "host/daemon/control_client.hpp"
#include "host/daemon/control_protocol.hpp"
#include "host/daemon/control_server.hpp"
#include "host/daemon/event_loop.hpp"

namespace ikeoff::daemon {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string temp_socket(const char* tag) {
    return (std::filesystem::temp_directory_path() /
            ("ikeoff-ctl-" + std::to_string(::getpid()) + "-" + tag + ".sock"))
        .string();
}

// Runs the loop on a thread while the test talks to it as a client.
class LoopThread {
public:
    explicit LoopThread(EventLoop& loop) : loop_(loop), t_([this] {
        while (!loop_.stopping()) (void)loop_.run_once(20);
    }) {}
    ~LoopThread() {
        loop_.stop();
        t_.join();
    }

private:
    EventLoop& loop_;
    std::thread t_;
};

// A raw client for the cases control_request() deliberately cannot produce.
int raw_connect(const std::string& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::strncpy(sun.sun_path, path.c_str(), sizeof sun.sun_path - 1);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun), 0);
    return fd;
}

std::string read_all(int fd) {
    std::string out;
    char buf[1024];
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return out;
}

TEST(ControlServer, AnswersRequestsAndEchoesIds) {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop.ok());
    std::string path = temp_socket("echo");
    std::atomic<int> handled{0};
    auto server = ControlServer::create(**loop, path, [&](const json& req, ControlServer::Reply reply) {
        ++handled;
        reply({{"ok", true}, {"cmd", req.value("cmd", "")}});
    });
    ASSERT_TRUE(server.ok()) << server.error().message;
    LoopThread run(**loop);

    auto r = control_request(path, {{"cmd", "status"}, {"id", 7}}, 2s);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ((*r)["cmd"], "status");
    EXPECT_EQ((*r)["id"], 7);
    EXPECT_EQ(handled.load(), 1);
}

TEST(ControlServer, DeferredReplyArrivesWhenTheHandlerAnswersLater) {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop.ok());
    std::string path = temp_socket("defer");
    EventLoop& l = **loop;
    auto server = ControlServer::create(l, path, [&](const json&, ControlServer::Reply reply) {
        l.timers().schedule_in(100ms, [reply] { reply({{"ok", true}, {"late", true}}); });
    });
    ASSERT_TRUE(server.ok());
    LoopThread run(l);
    auto t0 = std::chrono::steady_clock::now();
    auto r = control_request(path, {{"cmd", "up"}}, 5s);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE((*r)["late"].get<bool>());
    EXPECT_GE(std::chrono::steady_clock::now() - t0, 90ms);
}

TEST(ControlServer, ClientTimesOutWhenNoReplyComes) {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop.ok());
    std::string path = temp_socket("silent");
    std::vector<ControlServer::Reply> parked;  // never answered
    auto server = ControlServer::create(**loop, path,
                                        [&](const json&, ControlServer::Reply reply) { parked.push_back(reply); });
    ASSERT_TRUE(server.ok());
    LoopThread run(**loop);
    auto r = control_request(path, {{"cmd", "up"}}, 200ms);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::timeout);
}

TEST(ControlServer, BadJsonGetsAnErrorAndHalfCloseStillGetsReplies) {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop.ok());
    std::string path = temp_socket("bad");
    auto server = ControlServer::create(**loop, path, [&](const json& req, ControlServer::Reply reply) {
        reply({{"ok", true}, {"n", req.value("n", 0)}});
    });
    ASSERT_TRUE(server.ok());
    LoopThread run(**loop);

    int fd = raw_connect(path);
    // Two requests, one garbage line in between, the last without newline,
    // then the client stops writing: all three get an answer, in order.
    std::string input = "{\"n\":1}\nnot json\n[1,2]\n{\"n\":2}";
    ASSERT_EQ(::send(fd, input.data(), input.size(), 0), static_cast<ssize_t>(input.size()));
    ::shutdown(fd, SHUT_WR);
    std::string out = read_all(fd);
    ::close(fd);
    std::vector<json> replies;
    std::size_t start = 0, nl;
    while ((nl = out.find('\n', start)) != std::string::npos) {
        replies.push_back(json::parse(out.substr(start, nl - start)));
        start = nl + 1;
    }
    ASSERT_EQ(replies.size(), 4u);
    EXPECT_EQ(replies[0]["n"], 1);
    EXPECT_FALSE(replies[1]["ok"].get<bool>());
    EXPECT_FALSE(replies[2]["ok"].get<bool>());  // valid JSON, but not an object
    EXPECT_EQ(replies[3]["n"], 2);
}

TEST(ControlServer, OverlongLineIsRefusedAndTheConnectionClosed) {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop.ok());
    std::string path = temp_socket("long");
    auto server = ControlServer::create(**loop, path,
                                        [&](const json&, ControlServer::Reply reply) { reply({{"ok", true}}); });
    ASSERT_TRUE(server.ok());
    LoopThread run(**loop);
    int fd = raw_connect(path);
    std::string junk(kMaxRequestLine + 4096, 'x');
    // The server may close while we are still writing; that is the point.
    std::size_t off = 0;
    while (off < junk.size()) {
        ssize_t n = ::send(fd, junk.data() + off, junk.size() - off, MSG_NOSIGNAL);
        if (n <= 0) break;
        off += static_cast<std::size_t>(n);
    }
    std::string out = read_all(fd);
    ::close(fd);
    EXPECT_NE(out.find("too long"), std::string::npos);
}

TEST(ControlServer, ReplacesStaleSocketButNotALiveOne) {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop.ok());
    std::string path = temp_socket("stale");
    {
        // A socket file nobody listens on, as a killed daemon leaves it.
        int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un sun{};
        sun.sun_family = AF_UNIX;
        std::strncpy(sun.sun_path, path.c_str(), sizeof sun.sun_path - 1);
        ::unlink(path.c_str());
        ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun), 0);
        ::close(fd);
    }
    auto handler = [](const json&, ControlServer::Reply reply) { reply({{"ok", true}}); };
    auto first = ControlServer::create(**loop, path, handler);
    ASSERT_TRUE(first.ok()) << first.error().message;
    auto second = ControlServer::create(**loop, path, handler);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().message.find("in use"), std::string::npos);
    // Only the owner may use it.
    EXPECT_EQ(std::filesystem::status(path).permissions() & std::filesystem::perms::others_all,
              std::filesystem::perms::none);
    first->reset();
    EXPECT_FALSE(std::filesystem::exists(path));  // removed on destruction
}

TEST(ControlServer, LateReplyAfterServerIsGoneIsHarmless) {
    auto loop = EventLoop::create();
    ASSERT_TRUE(loop.ok());
    std::string path = temp_socket("late");
    ControlServer::Reply kept;
    auto server = ControlServer::create(**loop, path, [&](const json&, ControlServer::Reply reply) { kept = reply; });
    ASSERT_TRUE(server.ok());
    {
        LoopThread run(**loop);
        auto r = control_request(path, {{"cmd", "up"}}, 200ms);
        EXPECT_FALSE(r.ok());
    }
    ASSERT_TRUE(static_cast<bool>(kept));
    server->reset();
    kept({{"ok", true}});  // must not touch the destroyed server
    SUCCEED();
}

TEST(ControlClient, ReportsAMissingDaemonClearly) {
    auto r = control_request("/nonexistent/ikeoffd.ctl", {{"cmd", "status"}}, 100ms);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::io_error);
    EXPECT_NE(r.error().message.find("is ikeoffd running"), std::string::npos);
}

}  // namespace
}  // namespace ikeoff::daemon
