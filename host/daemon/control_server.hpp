// The daemon end of the control socket: accepts clients, splits their input
// into JSON lines and passes each parsed request to a handler, which answers
// through a Reply callback (at once or later, e.g. when IKE finishes).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "host/common/result.hpp"
#include "host/daemon/event_loop.hpp"
#include "host/net/fd.hpp"

namespace ikeoff::daemon {

class ControlServer {
public:
    // Call at most once per request. Calling after the client went away is
    // harmless (the reply is dropped).
    using Reply = std::function<void(const nlohmann::json& response)>;
    using Handler = std::function<void(const nlohmann::json& request, Reply reply)>;

    // Listens on `path`. A stale socket file left by a dead daemon is
    // replaced; a socket some live process still answers on is an error
    // (another ikeoffd is running).
    static Result<std::unique_ptr<ControlServer>> create(EventLoop& loop, const std::string& path, Handler handler);
    ~ControlServer();
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    const std::string& path() const noexcept { return path_; }
    std::size_t clients() const noexcept { return clients_.size(); }

private:
    struct Client {
        net::Fd fd;
        std::string in;   // bytes received, not yet a full line
        std::string out;  // replies not yet written (socket buffer full)
        int pending = 0;   // requests handed to the handler and not yet answered
        bool eof = false;  // the client shut down its sending side
    };

    ControlServer(EventLoop& loop, net::Fd fd, std::string path, Handler handler)
        : loop_(loop),
          fd_(std::move(fd)),
          path_(std::move(path)),
          handler_(std::move(handler)),
          self_(std::make_shared<ControlServer*>(this)) {}

    void accept_clients();
    void on_client_readable(int fd);
    void send_to(const std::weak_ptr<Client>& client, const nlohmann::json& j);
    void flush(Client& c);
    void close_client(int fd);

    EventLoop& loop_;
    net::Fd fd_;
    std::string path_;
    Handler handler_;
    std::unordered_map<int, std::shared_ptr<Client>> clients_;
    // Replies hold a weak_ptr to this: once the server is destroyed, late
    // replies are dropped instead of touching freed memory.
    std::shared_ptr<ControlServer*> self_;
};

}  // namespace ikeoff::daemon
