// create_ike_core(): where the daemon gets its IKE engine.
//
// Until the IKEv1 exchanges (Main/Aggressive/Quick Mode, Informational) are
// in the tree, this returns a core that negotiates nothing: it keeps the
// daemon's plumbing honest (datagrams arrive here and are counted, `up`
// says why it cannot work, `status` reports no SAs). The exchange
// implementation replaces the body of create_ike_core() with its own core;
// nothing else in the daemon changes.
#include "host/ike/ike_core.hpp"

#include "host/common/log.hpp"

namespace ikeoff::ike {

namespace {

class NoExchangesCore final : public IkeCore {
public:
    explicit NoExchangesCore(const IkeContext& ctx) : ctx_(ctx) {}

    void on_datagram(const Datagram& d) override {
        ++received_;
        IKEOFF_LOG(2, "ike", "no IKE exchanges in this build: ignoring " << d.data.size() << " bytes from "
                                                                          << d.remote.to_string());
    }

    Status initiate(std::string_view conn, Completion) override {
        IKEOFF_TRY(ctx_.config.lookup(conn));
        return Error{Errc::unsupported, "this build of ikeoffd has no IKEv1 exchanges yet"};
    }

    Status terminate(std::string_view conn) override {
        IKEOFF_TRY(ctx_.config.lookup(conn));
        return {};
    }

    IkeStatus status() const override { return {}; }
    void on_child_sa_event(ChildSaId, ipsec::SaEventKind) override {}
    void shutdown() override {}

private:
    IkeContext ctx_;
    uint64_t received_ = 0;
};

}  // namespace

Result<std::unique_ptr<IkeCore>> create_ike_core(const IkeContext& context) {
    return std::unique_ptr<IkeCore>(new NoExchangesCore(context));
}

}  // namespace ikeoff::ike
