// ISAKMP / IKEv1 message codec: the one header exchange code includes.
//
// RFC 2408 (ISAKMP) framing, RFC 2407 (IPsec DOI) and RFC 2409 (IKEv1)
// payload contents, RFC 3947 NAT-T payloads. Pure: no function here keeps
// state, does crypto or touches sockets.
//
// Files (one responsibility each):
//   constants.hpp, attributes.hpp  numbers and names (exchange, payload, notify,
//                                  protocol, ID, cert; Oakley and IPsec attributes)
//   error.hpp                      CodecError {notify, message}, CodecResult<T>
//   header.hpp                     parse_header / frame / encode_header
//   payloads.hpp                   the typed model: SaPayload ... NatOaPayload,
//                                  PayloadBody (variant), Payload (+ raw bytes)
//   codec.hpp                      parse_chain / parse_payload_body /
//                                  generate_chain / encode_body / attributes
//   message.hpp                    Message, parse_body / parse_message /
//                                  generate_message, describe
//   message_rules.hpp              per-message payload tables, validate()
//   natt.hpp, vendor_ids.hpp       NAT-D hash input, NAT-T numbering, known VIDs
//   field_rules.hpp, field_codec.hpp, payloads/*.cpp
//                                  the table-driven engine (internal)
// host/wire/{reader,writer}.hpp are the bounds-checked cursors underneath;
// host/net/nat_t.hpp strips the non-ESP marker and spots keepalives on 4500.
//
// ---- Receive path ----------------------------------------------------------
//   auto f = isakmp::frame(datagram);        // RFC 2408 §5.2 header checks
//   if (!f) { maybe_notify(f.error().notify); drop; }
//   isakmp::MessageKind kind{exchange, Role::responder /*sender*/, msg_no, auth};
//   const isakmp::MessageRules* rules = isakmp::find_rules(kind);
//   ByteView body = f->body;  Bytes plain;
//   if (f->header.encrypted()) { plain = decrypt(f->body); body = plain; }   // yours
//   auto msg = isakmp::parse_body(f->header, body,
//                                 isakmp::chain_options(*rules, f->header.encrypted()));
//   if (!msg) -> msg.error().notify ;  if (auto v = validate(*msg, kind); !v) -> v.error().notify
//   const SaPayload* sa = msg->find<SaPayload>();
//   ByteView sai_b = msg->find(PayloadType::sa)->raw;       // RFC 2409 "SAi_b"
//   ByteView hashed = msg->after(msg->index_of(PayloadType::hash));  // QM HASH(1)/(2) input
// A NotifyType::none error means "not the peer's fault / nothing to send":
// drop silently. Errors from parsing never change state, so retrying with
// the next datagram is always safe.
//
// ---- Send path ---------------------------------------------------------------
//   std::vector<Payload> ps = {SaPayload{...}, VendorIdPayload{...}};
//   isakmp::order_payloads(ps, *rules);            // canonical order (optional)
//   cleartext:  Bytes wire = *isakmp::generate_message(header, ps);
//   encrypted:  auto body = *isakmp::generate_chain(ps);
//               // HASH(1): fill body.mutable_body_of(0) with prf(..., body.after(0))
//               header.next_payload = body.first; header.flags |= kFlagEncryption;
//               Bytes ct = encrypt(pad(body.bytes));
//               Bytes wire = *isakmp::encode_header(header, ct.size()); append ct
//   SAi_b of what you send: *isakmp::encode_body(sa_payload) (== body.body_of(i)).
//
// Public-key authentication (RFC 2409 §5.2/§5.3): rules mark the encrypted
// ID/NONCE/KE/CERT bodies opaque, chain_options() keeps them as
// OpaquePayload, and parse_payload_body(type, plaintext) parses them after
// RSA/Ke_i decryption. Build outgoing ones as Payload(type, OpaquePayload{ct}).
// A responder receiving Aggressive Mode message 1 learns the auth method
// only from the (cleartext) SA in that same message: parse once with the
// revised-public-key opaque set (or the plain one when policy has no
// public-key modes), read the SA, then re-parse with the right table.
// Parsing is pure, so the second pass costs only time.
#pragma once

#include "host/isakmp/attributes.hpp"
#include "host/isakmp/codec.hpp"
#include "host/isakmp/constants.hpp"
#include "host/isakmp/error.hpp"
#include "host/isakmp/header.hpp"
#include "host/isakmp/message.hpp"
#include "host/isakmp/message_rules.hpp"
#include "host/isakmp/natt.hpp"
#include "host/isakmp/payloads.hpp"
#include "host/isakmp/vendor_ids.hpp"
