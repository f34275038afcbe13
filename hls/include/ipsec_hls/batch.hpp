// The batch engine every kernel top runs: descriptors in, per-packet
// load -> compute -> store, results out, with the SA table resident in device
// memory and updated here (sequence numbers, replay window, lifetimes).
//
// Three processes under `#pragma HLS dataflow`, connected by hls::stream:
//   fetch_jobs   reads the request half of each PacketDesc (gmem2)
//   run_jobs     keeps one SA row cached on chip (a batch is mostly one SA),
//                bursts the packet in (gmem0), runs the datapath, bursts the
//                result out (gmem1), writes the row's dynamic part back (gmem3)
//                when it moves to another SA and at the end
//   put_results  writes the result half of each PacketDesc (gmem2)
// Packets of one SA are processed strictly in descriptor order, so the
// sequence/replay/lifetime outcome is exactly that of serial processing.
#pragma once

#include <cstdint>

#include "ipsec_hls/ah_packet.hpp"
#include "ipsec_hls/contract.hpp"
#include "ipsec_hls/esp_decap.hpp"
#include "ipsec_hls/esp_encap.hpp"
#include "ipsec_hls/stream.hpp"

namespace ipsec_hls {

// Which datapath a kernel instance runs.
static constexpr uint32_t kPathEspEncap = 0;
static constexpr uint32_t kPathEspDecap = 1;
static constexpr uint32_t kPathAhEncap = 2;
static constexpr uint32_t kPathAhDecap = 3;
static constexpr uint32_t kNoSlot = 0xffffffffu;

struct Job {
    contract::PacketDesc d;
};
struct Done {
    PacketResult r;
};

static inline uint8_t path_op(uint32_t path) {
    return path == kPathEspEncap   ? contract::kOpEspEncap
           : path == kPathEspDecap ? contract::kOpEspDecap
           : path == kPathAhEncap  ? contract::kOpAhEncap
                                   : contract::kOpAhDecap;
}

static inline void fetch_jobs(const contract::PacketDesc* desc, uint32_t n, hls::stream<Job>& jobs) {
FETCH_JOBS:
    for (uint32_t i = 0; i < contract::kMaxBatch; ++i) {
#pragma HLS pipeline
        if (i >= n) break;
        Job j;
        j.d = desc[i];
        jobs.write(j);
    }
}

static inline void put_results(contract::PacketDesc* desc, uint32_t n, hls::stream<Done>& done) {
PUT_RESULTS:
    for (uint32_t i = 0; i < contract::kMaxBatch; ++i) {
#pragma HLS pipeline
        if (i >= n) break;
        const Done x = done.read();
        desc[i].out_len = x.r.out_len;
        desc[i].status = x.r.status;
        desc[i].events = x.r.events;
        desc[i].seq = x.r.seq;
        desc[i].spi = x.r.spi;
    }
}

// One packet against the cached row.
static inline void run_one(uint32_t path, contract::SaRow& row, const SaCtx& ctx, const uint8_t* pkt_in,
                           uint8_t* pkt_out, const contract::PacketDesc& d, PacketResult& r) {
    uint8_t in[kMaxInBytes];
    uint8_t out[kMaxOutBytes];
    const bool outbound = path == kPathEspEncap || path == kPathAhEncap;
    const bool want_esp = path == kPathEspEncap || path == kPathEspDecap;
    if (row.cfg.protocol != (want_esp ? contract::kProtoEsp : contract::kProtoAh)) {
        // An inbound packet names its protocol; an outbound one reached the wrong kernel.
        r.status = outbound ? contract::kStUnsupported : contract::kStUnknownSpi;
        return;
    }
LOAD_PACKET:
    for (uint32_t i = 0; i < kMaxInBytes; ++i) {
#pragma HLS pipeline II = 1
        if (i >= d.in_len) break;
        in[i] = pkt_in[d.in_off + i];
    }
    const uint32_t cap = d.out_cap < kMaxOutBytes ? d.out_cap : kMaxOutBytes;
    if (outbound) {
        OutFrame f;
        r.spi = row.cfg.spi;
        r.status = out_prepare(row, in, d.in_len, cap, want_esp, f, r.events);
        if (r.status == contract::kStOk) {
            if (want_esp) esp_encap_frame(row, ctx, f, in, d.in_len, out);
            else ah_encap_frame(row, f, in, d.in_len, out);
            r.out_len = f.total;
            r.seq = f.seq;
        }
    } else if (want_esp) {
        esp_decap_packet(row, ctx, in, d.in_len, out, cap, r);
    } else {
        ah_decap_packet(row, in, d.in_len, out, cap, r);
    }
    if (r.status != contract::kStOk) {
        r.out_len = 0;
        return;
    }
STORE_PACKET:
    for (uint32_t i = 0; i < kMaxOutBytes; ++i) {
#pragma HLS pipeline II = 1
        if (i >= r.out_len) break;
        pkt_out[d.out_off + i] = out[i];
    }
}

static inline void run_jobs(uint32_t path, const uint8_t* pkt_in, uint8_t* pkt_out, contract::SaRow* sa_table,
                            uint32_t num_sa, uint32_t n, hls::stream<Job>& jobs, hls::stream<Done>& done) {
    contract::SaRow row;
    SaCtx ctx;
    uint32_t cached = kNoSlot;
    const bool inbound = path == kPathEspDecap || path == kPathAhDecap;
RUN_JOBS:
    for (uint32_t i = 0; i < contract::kMaxBatch; ++i) {
        if (i >= n) break;
        const Job j = jobs.read();
        Done x;
        x.r.out_len = 0;
        x.r.status = contract::kStOk;
        x.r.events = 0;
        x.r.seq = 0;
        x.r.spi = 0;
        const uint32_t in_limit = inbound ? kMaxInBytes : contract::kMaxPacketBytes;
        if (j.d.op != path_op(path) || j.d.in_len > in_limit) {
            x.r.status = contract::kStUnsupported;
        } else if (j.d.sa_slot >= num_sa) {
            x.r.status = contract::kStUnknownSpi;
        } else {
            if (j.d.sa_slot != cached) {
                if (cached != kNoSlot) sa_table[cached].dyn = row.dyn;  // write back the previous SA
                row = sa_table[j.d.sa_slot];
                cached = j.d.sa_slot;
                sa_ctx_load(row, inbound, ctx);
            }
            if (row.cfg.magic != contract::kSaRowMagic) {
                x.r.status = contract::kStUnknownSpi;
            } else {
                run_one(path, row, ctx, pkt_in, pkt_out, j.d, x.r);
                sa_count_drop(row, x.r.status);
            }
        }
        done.write(x);
    }
    if (cached != kNoSlot) sa_table[cached].dyn = row.dyn;
}

// The whole kernel body: fetch -> run -> put under dataflow.
static inline void run_batch(uint32_t path, const uint8_t* pkt_in, uint8_t* pkt_out, contract::PacketDesc* desc,
                             contract::SaRow* sa_table, uint32_t num_desc, uint32_t num_sa) {
#pragma HLS dataflow
    hls::stream<Job> jobs("jobs");
    hls::stream<Done> done("done");
#pragma HLS stream variable = jobs depth = 16
#pragma HLS stream variable = done depth = 16
    fetch_jobs(desc, num_desc, jobs);
    run_jobs(path, pkt_in, pkt_out, sa_table, num_sa, num_desc, jobs, done);
    put_results(desc, num_desc, done);
}

}  // namespace ipsec_hls
