// Anchors libikeoff_hls so it exists before any kernel is written.
namespace ipsec_hls {
extern const char* const kBuildTag;
const char* const kBuildTag = "ikeoffload-hls";
}  // namespace ipsec_hls
