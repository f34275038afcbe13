// hls::stream: the real Vitis header when present (synthesis, Vitis csim),
// else the project's own minimal stand-in (hls/include/compat).
#pragma once

#if __has_include(<hls_stream.h>)
#include <hls_stream.h>
#else
#include "ipsec_hls_compat_stream.hpp"
#endif
