#include "host/daemon/control_server.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "host/common/log.hpp"
#include "host/daemon/control_protocol.hpp"

namespace ikeoff::daemon {

namespace {

Error sys_error(const std::string& what) { return Error{Errc::io_error, what + ": " + std::strerror(errno)}; }

Result<sockaddr_un> unix_address(const std::string& path) {
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    IKEOFF_ENSURE(!path.empty() && path.size() < sizeof sun.sun_path, Errc::invalid_argument,
                  "control socket: path must be 1.." + std::to_string(sizeof sun.sun_path - 1) + " characters");
    std::memcpy(sun.sun_path, path.data(), path.size());
    return sun;
}

// True when something accepts connections on `path` right now.
bool socket_is_live(const sockaddr_un& sun) {
    net::Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!probe.valid()) return false;
    return ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&sun), sizeof sun) == 0;
}

}  // namespace

Result<std::unique_ptr<ControlServer>> ControlServer::create(EventLoop& loop, const std::string& path,
                                                             Handler handler) {
    IKEOFF_ASSIGN(sockaddr_un sun, unix_address(path));
    struct stat st;
    if (::lstat(path.c_str(), &st) == 0) {
        IKEOFF_ENSURE(S_ISSOCK(st.st_mode), Errc::already_exists,
                      "control socket: " + path + " exists and is not a socket");
        IKEOFF_ENSURE(!socket_is_live(sun), Errc::already_exists,
                      "control socket: " + path + " is in use (is another ikeoffd running?)");
        ::unlink(path.c_str());  // left behind by a daemon that died
    }
    net::Fd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return sys_error("control socket: socket");
    // Only root (the daemon's user) may control the daemon: the socket is
    // created 0600 and never world-accessible, even for an instant.
    mode_t old = ::umask(0177);
    int rc = ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sun), sizeof sun);
    ::umask(old);
    if (rc != 0) return sys_error("control socket: bind " + path);
    if (::listen(fd.get(), 16) != 0) return sys_error("control socket: listen");

    std::unique_ptr<ControlServer> server(new ControlServer(loop, std::move(fd), path, std::move(handler)));
    ControlServer* self = server.get();
    IKEOFF_TRY(loop.watch(self->fd_.get(), [self] { self->accept_clients(); }));
    return server;
}

ControlServer::~ControlServer() {
    for (auto& [fd, c] : clients_) loop_.unwatch(fd);
    clients_.clear();
    loop_.unwatch(fd_.get());
    fd_.reset();
    ::unlink(path_.c_str());
}

void ControlServer::accept_clients() {
    for (;;) {
        net::Fd c(::accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!c.valid()) return;  // EAGAIN, or a client that vanished before accept
        int cfd = c.get();
        auto client = std::make_shared<Client>();
        client->fd = std::move(c);
        clients_[cfd] = client;
        auto watched = loop_.watch(cfd, [this, cfd] { on_client_readable(cfd); });
        if (!watched.ok()) {
            IKEOFF_LOG(1, "ctl", "cannot watch control client: " << watched.error().message);
            clients_.erase(cfd);
        }
    }
}

void ControlServer::on_client_readable(int fd) {
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;
    std::shared_ptr<Client> client = it->second;
    char buf[4096];
    bool eof = false;
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            client->in.append(buf, static_cast<std::size_t>(n));
            if (client->in.size() > kMaxRequestLine && client->in.find('\n') == std::string::npos) {
                send_to(client, {{"ok", false}, {"error", "request line too long"}});
                close_client(fd);
                return;
            }
            continue;
        }
        if (n == 0) {
            eof = true;
            break;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
        close_client(fd);
        return;
    }

    // A final request without a newline still counts once the client has
    // finished writing (`printf '{"cmd":"status"}' | socat - UNIX:...`).
    if (eof && client->in.find_first_not_of(" \t\r\n") != std::string::npos) client->in += '\n';
    std::size_t nl;
    while ((nl = client->in.find('\n')) != std::string::npos) {
        std::string line = client->in.substr(0, nl);
        client->in.erase(0, nl + 1);
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        nlohmann::json request = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
        std::weak_ptr<Client> weak = client;
        if (request.is_discarded() || !request.is_object()) {
            send_to(weak, {{"ok", false}, {"error", "request is not a JSON object"}});
            continue;
        }
        nlohmann::json id = request.contains("id") ? request["id"] : nlohmann::json();
        ++client->pending;
        auto answered = std::make_shared<bool>(false);
        // The reply may run long after this call (an `up`), even after the
        // server is gone: it holds only weak references.
        std::weak_ptr<ControlServer*> server = self_;
        handler_(request, [server, weak, id, answered](const nlohmann::json& response) {
            if (*answered) return;  // one reply per request
            *answered = true;
            auto self = server.lock();
            if (!self) return;
            nlohmann::json r = response;
            if (!id.is_null()) r["id"] = id;
            (*self)->send_to(weak, r);
            if (auto c = weak.lock()) {
                --c->pending;
                if (c->eof && c->pending == 0) (*self)->close_client(c->fd.get());
            }
        });
    }
    if (eof) {
        // The client will send nothing more; stop watching its input, but
        // keep the connection until every reply it waits for is written.
        client->eof = true;
        loop_.unwatch(fd);
        if (client->pending == 0) close_client(fd);
    }
}

void ControlServer::send_to(const std::weak_ptr<Client>& weak, const nlohmann::json& j) {
    auto client = weak.lock();
    if (!client || !client->fd.valid()) return;
    // dump() with replacement: a reply never throws on odd bytes in a string.
    client->out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    client->out += '\n';
    flush(*client);
}

void ControlServer::flush(Client& c) {
    while (!c.out.empty()) {
        ssize_t n = ::send(c.fd.get(), c.out.data(), c.out.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            c.out.erase(0, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            // A client that does not read its replies: replies are small, so
            // this only happens with a stuck client. Give up on it rather
            // than buffer without bound.
            if (c.out.size() > 4 * kMaxRequestLine) c.out.clear();
            return;
        }
        c.out.clear();
        return;
    }
}

void ControlServer::close_client(int fd) {
    auto it = clients_.find(fd);
    if (it == clients_.end()) return;
    loop_.unwatch(fd);
    clients_.erase(it);  // the Fd closes when the last shared_ptr goes
}

}  // namespace ikeoff::daemon
