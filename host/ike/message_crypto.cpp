#include "host/ike/message_crypto.hpp"

namespace ikeoff::ike {

Result<Phase1Crypto> Phase1Crypto::create(crypto::CipherAlg alg, ByteView ka, crypto::HashAlg hash,
                                          bool allow_weak) {
    IKEOFF_ASSIGN(crypto::CbcCipher c, crypto::CbcCipher::create(alg, ka, allow_weak));
    IKEOFF_ASSIGN(IvManager ivs, IvManager::create(hash, crypto::cipher_block_size(alg)));
    return Phase1Crypto(std::move(c), std::move(ivs));
}

Result<Bytes> Phase1Crypto::seal(isakmp::Header header, ByteView body) {
    const std::size_t bs = block_size();
    // RFC 2409 Appendix B / RFC 2408 §3.1: the body is padded to the cipher
    // block size; the padding is not covered by any payload length.
    Bytes plain(body.begin(), body.end());
    const std::size_t pad = (bs - plain.size() % bs) % bs;
    plain.insert(plain.end(), pad, uint8_t{0});
    if (plain.empty()) plain.assign(bs, 0);
    IKEOFF_ASSIGN(Bytes iv, ivs_.iv(header.message_id));
    IKEOFF_ASSIGN(Bytes ct, cipher_.encrypt(iv, plain));
    secure_zero(plain.data(), plain.size());
    header.flags |= isakmp::kFlagEncryption;
    IKEOFF_ASSIGN(Bytes wire, isakmp::encode_header(header, ct.size()));
    wire.insert(wire.end(), ct.begin(), ct.end());
    IKEOFF_TRY(ivs_.commit(header.message_id, ct, false));
    return wire;
}

Result<Bytes> Phase1Crypto::open(uint32_t mid, ByteView ciphertext) const {
    IKEOFF_ENSURE(!ciphertext.empty() && ciphertext.size() % block_size() == 0, Errc::parse_error,
                  "encrypted body of " + std::to_string(ciphertext.size()) + " bytes is not a multiple of the " +
                      std::to_string(block_size()) + "-byte cipher block");
    IKEOFF_ASSIGN(Bytes iv, ivs_.iv(mid));
    return cipher_.decrypt(iv, ciphertext);
}

}  // namespace ikeoff::ike
