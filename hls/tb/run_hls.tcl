# Vitis HLS flow for one kernel top: C simulation against the golden file,
# synthesis, and (optionally) C/RTL co-simulation.
#
#   cd hls/tb
#   <build>/hls/ikeoff_hls_tb_golden golden.dat        # expected answers from the soft driver
#   vitis_hls -f run_hls.tcl -tclargs ikeoff_esp_encap [csim|csynth|cosim|all]
#
# The kernel sources are added with only hls/include on the include path, so
# Vitis's own hls_stream.h is used (never hls/include/compat). The testbench
# and the golden file are testbench-only files (add_files -tb).

set top   [expr {[llength $argv] > 0 ? [lindex $argv 0] : "ikeoff_esp_encap"}]
set steps [expr {[llength $argv] > 1 ? [lindex $argv 1] : "all"}]
set part  [expr {[info exists ::env(IKEOFF_HLS_PART)] ? $::env(IKEOFF_HLS_PART) : "xcu55c-fsvh2892-2L-e"}]

array set sources {
  ikeoff_esp_encap ../kernels/esp_encap_krnl.cpp
  ikeoff_esp_decap ../kernels/esp_decap_krnl.cpp
  ikeoff_ah        ../kernels/ah_krnl.cpp
}
if {![info exists sources($top)]} {
  puts "run_hls.tcl: unknown top '$top' (ikeoff_esp_encap, ikeoff_esp_decap, ikeoff_ah)"
  exit 1
}

set cflags "-std=c++14 -I../include"
open_project -reset prj_$top
set_top $top
# The testbench calls all three tops, so C simulation needs every kernel source.
foreach {name src} [array get sources] {
  add_files $src -cflags $cflags
}
add_files -tb tb_main.cpp -cflags "$cflags -I."
add_files -tb golden.dat

open_solution -reset solution -flow_target vitis
set_part $part
create_clock -period 3.333 -name default   ;# 300 MHz
config_interface -m_axi_max_widen_bitwidth 512

if {$steps eq "csim" || $steps eq "all"} {
  csim_design -argv golden.dat
}
if {$steps eq "csynth" || $steps eq "all" || $steps eq "cosim"} {
  csynth_design
}
if {$steps eq "cosim"} {
  cosim_design -argv golden.dat
}
exit
