# Alveo platforms (Vitis shells) this design is built for: short name ->
# platform name as `v++ --platform` and `emconfigutil --platform` take it.
# Override one on the command line when your installed shell is a different
# revision, e.g. make PLATFORM=u250 PLATFORM_u250=xilinx_u250_gen3x16_xdma_4_1_202210_1
#
# Memory: U250 has four DDR4 banks (one per SLR); U280 has 32 HBM2 pseudo
# channels plus two DDR4 banks; U55C has 32 HBM2 pseudo channels only. The
# per-platform connectivity lives in link/<short name>.cfg.
PLATFORMS := u250 u280 u55c

PLATFORM_u250 ?= xilinx_u250_gen3x16_xdma_4_1_202210_1
PLATFORM_u280 ?= xilinx_u280_gen3x16_xdma_1_202211_1
PLATFORM_u55c ?= xilinx_u55c_gen3x16_xdma_3_202210_1
