#!/usr/bin/python3
"""The README's main job: an IKEv1 tunnel between ikeoffd and strongSwan,
traffic through ikeoffd's ESP engine, and a summary of what happened.

    ns ikoi<pid>-demopeer  strongSwan 5.9 (charon)  10.10.0.1  protects 10.2.0.0/24 (lo: 10.2.0.1)
                              | veth: IKE on UDP 500, then 4500 (NAT-T); ESP in UDP 4500
    ns ikoi<pid>-demodut   ikeoffd --engine E       10.10.0.2  protects 10.1.0.0/24 (lo: 10.1.0.1)

ikeoffd initiates (`ikeoffctl up demo`): Main Mode with a pre-shared key
(ike=aes128-sha256-modp2048), then Quick Mode for an ESP tunnel between the
two subnets (esp=aes128gcm16). Then pings both ways and a TCP echo go
through the tunnel, both sides' SAs are compared (cookies, SPIs, ESP keys,
packet counts), `ikeoffctl down demo` deletes everything and strongSwan must
have removed its SAs as well.

strongSwan here uses kernel-libipsec (this kernel has no ESP xfrm), which
only speaks ESP in UDP, so it always claims a NAT and the tunnel runs over
UDP 4500. Without strongSwan (or when its charon cannot start) a second
ikeoffd is the peer instead, with plain ESP (IP protocol 50); the output
says so.

    ike_tunnel_demo.py [--build-dir DIR] [--engine soft|csim|xrt|auto]
                       [--peer auto|strongswan|ikeoffd] [--keep]

Environment: IKEOFF_ENGINE (default auto), IKEOFF_BUILD_DIR (default build),
IKEOFFD / IKEOFFCTL (the binaries; default from the build directory),
IKEOFF_DEMO_DIR (where work directories go; default /tmp/ikeoff-demo).

Exit status: 0 every step worked, 1 a step failed (the step, the reason and
the tail of the logs are printed), 2 usage or binaries missing, 77 this
machine cannot run it (not root, no network namespaces).
"""
import argparse
import os
import shutil
import signal
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "interop"))

from ikeoff_interop.ikeoffd import Ikeoffd  # noqa: E402
from ikeoff_interop.netns import NetnsPair, netns_unavailable_reason  # noqa: E402
from ikeoff_interop.procs import reap_stale  # noqa: E402

from demo_sides import (IkeoffdPeer, StrongSwanPeer, conn_config, ikeoffd_keys, ikeoffd_sas,  # noqa: E402
                        ping, receive_drops, strongswan_missing, tunnel_routes, tcp_echo, without_keys)

# The embedded defaults. The PSK is public: this is a demonstration.
NET = {"peer_ip": "10.10.0.1", "dut_ip": "10.10.0.2",
       "peer_subnet": "10.2.0.0/24", "dut_subnet": "10.1.0.0/24",
       "peer_host": "10.2.0.1", "dut_host": "10.1.0.1"}
PROPOSALS = {"ike": "aes128-sha256-modp2048", "esp": "aes128gcm16"}
PSK = "ikeoffload-demo-psk"
CONN = "demo"
PINGS = 5
TCP_BYTES = 1 << 20
TCP_PORT = 5001
STEPS = 8


class Failure(Exception):
    """A step did not do what it should; the message says what."""


class Interrupted(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


class Steps:
    """Numbered steps; each prints one line when it ends (ok or FAILED)."""

    def __init__(self, total):
        self.total = total
        self.n = 0
        self.current = ""

    @contextmanager
    def step(self, title):
        self.n += 1
        self.current = f"[{self.n}/{self.total}] {title}"
        t0 = time.monotonic()
        notes = []
        try:
            yield notes
        except BaseException:
            print(f"{self.current:<62} FAILED", flush=True)
            raise
        print(f"{self.current:<62} ok  {time.monotonic() - t0:4.1f} s", flush=True)
        for n in notes:
            print(f"        {n}", flush=True)


def block(title, text):
    print(f"\n--- {title} ---")
    print("\n".join("  " + line for line in text.rstrip().splitlines()))


def tail(text, lines=40):
    return "\n".join(text.rstrip().splitlines()[-lines:])


def counters(c):
    return f"{c['packets_in']} packets / {c['bytes_in']} bytes in, {c['packets_out']} packets / {c['bytes_out']} bytes out"


def run(args, workdir, state):
    steps = state["steps"] = Steps(STEPS)
    engine = args.engine
    print(f"ikeoffload main job: IKEv1 negotiation and ESP traffic through the engine (engine={engine})")
    print(f"  ikeoffd (initiator)  {NET['dut_ip']:<10} protects {NET['dut_subnet']}   "
          f"ike={PROPOSALS['ike']} esp={PROPOSALS['esp']}, Main Mode, PSK")

    peer_kind = args.peer
    why_not_swan = None
    if peer_kind in ("auto", "strongswan"):
        why_not_swan = strongswan_missing()
        if why_not_swan and peer_kind == "strongswan":
            raise Failure(f"strongSwan was asked for but {why_not_swan}")
        peer_kind = "ikeoffd" if why_not_swan else "strongswan"
    state["why_not_strongswan"] = why_not_swan or ("not used (--peer ikeoffd)" if peer_kind == "ikeoffd" else None)
    print(f"  peer (responder)     {NET['peer_ip']:<10} protects {NET['peer_subnet']}   "
          + ("strongSwan" if peer_kind == "strongswan" else "a second ikeoffd"))
    if why_not_swan:
        print(f"  NOTE: strongSwan is not available here ({why_not_swan}); "
              "a second ikeoffd is the peer instead")
    print()

    with steps.step("network namespaces, veth, protected subnets on lo") as notes:
        pair = NetnsPair("demopeer", "demodut", addr_a=NET["peer_ip"] + "/24", addr_b=NET["dut_ip"] + "/24",
                         lan_a=NET["peer_host"] + "/32", lan_b=NET["dut_host"] + "/32")
        state["pair"] = pair
        pair.up()
        notes.append(f"{pair.a} (peer) <-> {pair.b} (ikeoffd)")

    def make_peer(kind):
        if kind == "strongswan":
            return StrongSwanPeer(pair.a, workdir, NET, PROPOSALS, PSK)
        return IkeoffdPeer(pair.a, workdir, NET, PROPOSALS, PSK, engine)

    with steps.step("start the peer") as notes:
        peer = make_peer(peer_kind)
        state["peer"] = peer
        try:
            state["peer_description"] = peer.start()
            notes.append(state["peer_description"])
        except RuntimeError as e:
            if args.peer != "auto" or peer_kind != "strongswan":
                raise Failure(f"the peer did not start: {e}")
            # strongSwan is installed but cannot run here (no TUN, ...):
            # show why, then carry on with the fallback peer.
            peer.stop()
            first_line = str(e).strip().splitlines()[0] if str(e).strip() else "no reason given"
            notes.append(f"NOTE: strongSwan did not start ({first_line}); a second ikeoffd is the peer instead")
            state["why_not_strongswan"] = f"its charon did not start: {first_line}"
            peer_kind = "ikeoffd"
            peer = make_peer(peer_kind)
            state["peer"] = peer
            state["peer_description"] = peer.start()
            notes.append(state["peer_description"])
    swan = peer_kind == "strongswan"

    with steps.step(f"start ikeoffd --engine {engine}") as notes:
        dut = Ikeoffd(pair.b, workdir / "ikeoffd",
                      conn_config(local=NET["dut_ip"], remote=NET["peer_ip"], local_subnet=NET["dut_subnet"],
                                  remote_subnet=NET["peer_subnet"], proposals=PROPOSALS),
                      f'{NET["dut_ip"]} {NET["peer_ip"]} : PSK "{PSK}"\n', engine=engine, log_level=4)
        state["dut"] = dut
        try:
            dut.start()
        except RuntimeError as e:
            raise Failure(str(e).strip().splitlines()[-1] if str(e).strip() else "ikeoffd did not start")
        d = dut.status()["daemon"]
        notes.append(f"engine: {d['engine_description']}")
        state["engine"] = d
        if engine != "auto":
            check(d["engine"] == engine, f"asked for engine {engine}, ikeoffd runs {d['engine']}")

    with steps.step(f"ikeoffctl up {CONN}  (Main Mode + Quick Mode)") as notes:
        t0 = time.monotonic()
        r = dut.up(CONN, timeout=20)
        check(r.returncode == 0, f"ikeoffctl up {CONN} failed: {(r.stderr or r.stdout).strip()}")
        notes.append(f"ikeoffctl: {r.stdout.strip()} after {time.monotonic() - t0:.2f} s")
        ours = dut.wait_ipsec_sas(1, timeout=5)
        check(ours, "ikeoffctl up succeeded but ikeoffd lists no IPsec SA")
        theirs = _wait(lambda: peer.sas()["child"], 10)
        check(theirs, f"{peer.name} installed no IPsec SA")
        routes = tunnel_routes(pair.b)
        check(routes, "ikeoffd installed no route into its TUN device")
        notes.append("route into the engine: " + "; ".join(routes))

    status = dut.status()
    mine = ikeoffd_sas(status)
    theirs = peer.sas()
    isakmp = status["isakmp_sas"][0]
    ipsec = status["ipsec_sas"][0]
    summary = state["summary"]

    with steps.step("both sides agree: ISAKMP cookies, SPIs, ESP keys") as notes:
        ck = (isakmp["cookie_i"], isakmp["cookie_r"])
        check(ck in theirs["ike"], f"ISAKMP cookies {ck[0]}_i {ck[1]}_r not among {peer.name}'s {theirs['ike']}")
        c = theirs["child"]
        check((mine["child"]["spi_in"], mine["child"]["spi_out"]) == (c["spi_out"], c["spi_in"]),
              f"SPIs differ: ikeoffd in/out {mine['child']['spi_in']}/{mine['child']['spi_out']}, "
              f"{peer.name} in/out {c['spi_in']}/{c['spi_out']}")
        ka, kb = ikeoffd_keys(status), peer.keys()
        check(ka and kb, "ESP keys not reported (ikeoffd runs at --log-level 4 for this comparison)")
        keys_match = (ka["in_enc"], ka["in_integ"], ka["out_enc"], ka["out_integ"]) == \
            (kb["out_enc"], kb["out_integ"], kb["in_enc"], kb["in_integ"])
        check(keys_match, "ESP keys differ between ikeoffd and the peer")
        notes.append(f"cookies {ck[0]}_i {ck[1]}_r, SPIs {mine['child']['spi_in']}_i "
                     f"{mine['child']['spi_out']}_o: the same on both sides")
        summary["cookies"] = ck
        summary["spis"] = (mine["child"]["spi_in"], mine["child"]["spi_out"], c["spi_in"], c["spi_out"])

    base_drops = (receive_drops(pair.a), receive_drops(pair.b))
    with steps.step(f"traffic: {PINGS} pings each way, TCP echo of {TCP_BYTES >> 10} KiB") as notes:
        fwd = ping(pair.b, NET["dut_host"], NET["peer_host"], PINGS)
        back = ping(pair.a, NET["peer_host"], NET["dut_host"], PINGS)
        summary["pings"] = (fwd, back)
        check(fwd[1] == PINGS, f"ping {NET['dut_host']} -> {NET['peer_host']}: {fwd[1]}/{fwd[0]} answered")
        check(back[1] == PINGS, f"ping {NET['peer_host']} -> {NET['dut_host']}: {back[1]}/{back[0]} answered")
        echo = tcp_echo(pair.b, NET["dut_host"], pair.a, NET["peer_host"], TCP_PORT, TCP_BYTES)
        summary["tcp"] = echo
        check(echo["intact"], f"TCP echo: sent {echo['sent']} octets, {echo['received']} came back"
                              + (" with other contents" if echo["received"] == echo["sent"] else ""))
        notes.append(f"ping {NET['dut_host']} -> {NET['peer_host']}: {fwd[1]}/{fwd[0]}, "
                     f"{NET['peer_host']} -> {NET['dut_host']}: {back[1]}/{back[0]}; "
                     f"TCP: {echo['received']} octets back intact in {echo['seconds']:.2f} s")

    with steps.step("counters: every ESP packet is accounted for") as notes:
        # Each ESP packet one side sends is either counted by the other
        # side's SA or was dropped by the other namespace's kernel before
        # the program read it (a full socket receive buffer). The last TCP
        # segments may still be on their way: poll briefly.
        def both():
            return (ikeoffd_sas(dut.status())["child"], peer.sas()["child"],
                    receive_drops(pair.a) - base_drops[0], receive_drops(pair.b) - base_drops[1])

        def agree(p):
            a, b, drops_at_peer, drops_at_dut = p
            return (a["packets_out"] == b["packets_in"] + drops_at_peer
                    and b["packets_out"] == a["packets_in"] + drops_at_dut)

        now = _wait(lambda: (p := both()) and agree(p) and p, 3) or both()
        a, b, lost_to_peer, lost_to_dut = now
        summary["counters"] = (a, b, lost_to_peer, lost_to_dut)
        check(agree(now), f"packet counts differ: ikeoffd out {a['packets_out']} in {a['packets_in']}, "
                          f"{peer.name} in {b['packets_in']} out {b['packets_out']}, receive-buffer drops "
                          f"at the peer {lost_to_peer}, at ikeoffd {lost_to_dut}")
        minimum = 2 * PINGS
        check(a["packets_out"] >= minimum and a["packets_in"] >= minimum,
              f"ikeoffd's engine counted too few packets: {counters(a)}")
        st = dut.status()
        drops = {d: st["ipsec_sas"][0][d]["drops"] for d in ("in", "out") if st["ipsec_sas"][0][d]["drops"]}
        check(not drops, f"ikeoffd's engine dropped packets: {drops}")
        notes.append(f"ikeoffd's engine: {counters(a)}, no drops")
        notes.append(f"{peer.name}: {b['packets_in']} in, {b['packets_out']} out"
                     + (f"; {lost_to_peer} more reached its namespace but were dropped by its kernel "
                        "(UDP receive buffer full)" if lost_to_peer else ""))
        state["final_status"] = st
        state["peer_listing"] = peer.listing()
        state["peer_ike_proposal"] = peer.ike_proposal()
        state["status_text"] = without_keys(dut.ctl("status").stdout)

    with steps.step(f"ikeoffctl down {CONN}; the peer deletes its SAs too") as notes:
        t0 = time.monotonic()
        r = dut.down(CONN)
        check(r.returncode == 0, f"ikeoffctl down {CONN} failed: {(r.stderr or r.stdout).strip()}")
        t_down = time.monotonic() - t0
        check(dut.wait_no_sas(10), "ikeoffd still lists SAs after down")
        t_dut = time.monotonic() - t0
        check(peer.wait_no_sas(10), f"{peer.name} kept its SAs after ikeoffd's Delete")
        t_peer = time.monotonic() - t0
        notes.append(f"ikeoffctl: {r.stdout.strip()} after {t_down:.2f} s; ikeoffd clear at {t_dut:.2f} s, "
                     f"{peer.name} at {t_peer:.2f} s")
        check(not tunnel_routes(pair.b), "ikeoffd kept its route into the TUN device after down")
        after = ping(pair.b, NET["dut_host"], NET["peer_host"], 1, wait=1)
        check(after[1] == 0, "traffic still passes after the tunnel went down")
        left = peer.sas()
        notes.append(f"ikeoffd: no SAs; {peer.name}: {len(left['ike'])} IKE SAs, "
                     f"{0 if left['child'] is None else 1} IPsec SAs; route removed, ping after down: no answer")

    # -- the summary -------------------------------------------------------------
    block("ikeoffctl status, before down (ESP keys left out)", state["status_text"])
    block(peer.listing_title() + ", before down", state["peer_listing"])
    a, b, lost_to_peer, lost_to_dut = summary["counters"]
    fwd, back = summary["pings"]
    tcp = summary["tcp"]
    enc = ipsec["enc"] + ("" if ipsec["integ"] in ("", "none") else "/" + ipsec["integ"])
    transport = (f"ESP in UDP {ipsec['encap']['sport']}->{ipsec['encap']['dport']}" if ipsec["encap"]
                 else "ESP (IP protocol 50)")
    eng = state["engine"]
    tot = state["final_status"]["engine"]
    print("\nSummary")
    rows = [
        ("engine", eng["engine_description"]),
        ("peer", state["peer_description"]),
        *([("", f"strongSwan: {state['why_not_strongswan']}")] if not swan else []),
        ("ISAKMP SA", f"{isakmp['exchange']} mode, {isakmp['auth']}, ikeoffd {'initiator' if isakmp['initiator'] else 'responder'}, "
                      f"{isakmp['proposal']}"
                      + (", NAT-T (peer claims a NAT)" if isakmp.get("nat_remote") or isakmp.get("nat_local") else "")),
        ("", f"{peer.name} sees: {state['peer_ike_proposal']}"),
        ("  cookies", f"{summary['cookies'][0]}_i {summary['cookies'][1]}_r  (same on both sides)"),
        ("IPsec SA", f"{transport}, {ipsec['mode']} mode, {enc}, {ipsec['local_ts']} === {ipsec['remote_ts']}"),
        ("", f"{peer.name} sees: {b['proposal']}"),
        ("  SPI in", f"{summary['spis'][0]}  ({peer.name} out: {summary['spis'][3]})  match"),
        ("  SPI out", f"{summary['spis'][1]}  ({peer.name} in:  {summary['spis'][2]})  match"),
        ("  ESP keys", "ikeoffd's inbound = peer's outbound and back (compared, not shown)"),
        ("traffic", f"ping {NET['dut_host']} -> {NET['peer_host']}: {fwd[1]}/{fwd[0]} replies"
                    + (f", avg {fwd[2]:.2f} ms" if fwd[2] is not None else "")),
        ("", f"ping {NET['peer_host']} -> {NET['dut_host']}: {back[1]}/{back[0]} replies"
             + (f", avg {back[2]:.2f} ms" if back[2] is not None else "")),
        ("", f"TCP echo {NET['dut_host']} -> {NET['peer_host']}:{TCP_PORT}: {tcp['sent']} octets out, "
             f"{tcp['received']} back intact, {tcp['seconds']:.2f} s"),
        ("ikeoffd engine", f"SA out {summary['spis'][1]}: {a['packets_out']} packets, {a['bytes_out']} bytes"),
        ("", f"SA in  {summary['spis'][0]}: {a['packets_in']} packets, {a['bytes_in']} bytes, no drops"),
        ("", f"engine total: {tot['packets']} packets in {tot['batches']} batches"),
        (f"{peer.name}", f"in {b['packets_in']} packets / {b['bytes_in']} bytes, "
                          f"out {b['packets_out']} packets / {b['bytes_out']} bytes"),
        ("  accounted", f"ikeoffd out {a['packets_out']} = {peer.name} in {b['packets_in']}"
                        + (f" + {lost_to_peer} dropped by the peer's kernel (socket receive buffer full)"
                           if lost_to_peer else "")),
        *([("", f"  ({peer.name}'s userspace ESP is slower than the engine's bursts; TCP resent them)")]
          if lost_to_peer else []),
        ("", f"{peer.name} out {b['packets_out']} = ikeoffd in {a['packets_in']}"
             + (f" + {lost_to_dut} dropped by ikeoffd's kernel (receive buffer full)" if lost_to_dut else "")),
        ("teardown", f"ikeoffctl down: ikeoffd and {peer.name} hold no SAs, traffic stops"),
    ]
    for k, v in rows:
        print(f"  {k:<16}{v}")


def _wait(fn, timeout, interval=0.1):
    deadline = time.monotonic() + timeout
    while True:
        try:
            v = fn()
        except (KeyError, IndexError, TypeError):
            v = None
        if v or time.monotonic() >= deadline:
            return v
        time.sleep(interval)


def cleanup(state):
    for key in ("dut", "peer"):
        obj = state.get(key)
        if obj is not None:
            try:
                obj.stop()
            except Exception as e:  # noqa: BLE001 - cleanup must go on
                print(f"demo: stopping {key}: {e}", file=sys.stderr)
    if state.get("pair") is not None:
        state["pair"].down()


def show_logs(state):
    """The logs that can explain a failure at the current step: the
    peer's when it would not start, ikeoffd's when it would not, both
    from the negotiation on."""
    steps = state.get("steps")
    n = steps.n if steps else 0
    dut, peer = state.get("dut"), state.get("peer")
    if dut is not None and n != 2:
        print(f"\n--- ikeoffd log, last lines ({dut.dir / 'ikeoffd.out'}) ---")
        # The demo polls the status; those requests explain nothing either.
        print(tail("\n".join(line for line in dut.output().splitlines() if "request status" not in line)))
    if peer is not None and (n == 2 or n >= 4):
        for title, text in peer.logs():
            # charon logs every vici request; they explain nothing here.
            text = "\n".join(line for line in text.splitlines() if "[CFG] vici client" not in line)
            print(f"\n--- {title}, last lines ---")
            print(tail(text))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build-dir", default=os.environ.get("IKEOFF_BUILD_DIR", str(ROOT / "build")))
    ap.add_argument("--engine", default=os.environ.get("IKEOFF_ENGINE", "auto"),
                    choices=["soft", "csim", "xrt", "auto"])
    ap.add_argument("--peer", default="auto", choices=["auto", "strongswan", "ikeoffd"],
                    help="auto: strongSwan when installed and able to run, else a second ikeoffd")
    ap.add_argument("--keep", action="store_true", help="keep the work directory (logs, configs) on success")
    ap.add_argument("--time-limit", type=int, default=60, help="seconds before the demo gives up (default 60)")
    args = ap.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)

    build = Path(args.build_dir)
    for var, rel in (("IKEOFFD", "host/ikeoffd"), ("IKEOFFCTL", "host/ikeoffctl")):
        path = os.environ.get(var) or str(build / rel)
        if not os.access(path, os.X_OK):
            print(f"demo: {path} is not built (run .ci/setup.sh first, or set {var})", file=sys.stderr)
            return 2
        os.environ[var] = str(Path(path).resolve())  # the harness finds the binaries here

    if os.geteuid() != 0:
        print("demo: needs root (network namespaces, TUN devices, ports 500/4500)", file=sys.stderr)
        return 77
    why = netns_unavailable_reason()
    if why:
        print(f"demo: {why}", file=sys.stderr)
        return 77

    root = Path(os.environ.get("IKEOFF_DEMO_DIR") or "/tmp/ikeoff-demo")
    root.mkdir(parents=True, exist_ok=True)
    reap_stale(root)  # processes a killed earlier demo left behind, by PID file
    workdir = root / f"ike-{os.getpid()}"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)

    def on_signal(signum, _frame):
        raise Interrupted(signal.Signals(signum).name)

    def on_alarm(_signum, _frame):
        raise Failure(f"gave up after {args.time_limit} s")

    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_signal)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(args.time_limit)

    state = {"summary": {}}
    t0 = time.monotonic()
    rc = 1
    failure = None
    try:
        run(args, workdir, state)
        rc = 0
    except Failure as e:
        failure = str(e)
    except Interrupted as e:
        failure = f"interrupted ({e})"
        state["interrupted"] = True
        rc = 130
    except Exception as e:  # noqa: BLE001 - a harness error is a failed step too
        failure = f"{type(e).__name__}: {e}"
    finally:
        signal.alarm(0)
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        if failure is not None:
            step = state["steps"].current if state.get("steps") else ""
            print(f"\nFAILED{f' at {step}' if step else ''}: {failure}")
            if not state.get("interrupted"):
                show_logs(state)
        cleanup(state)

    if rc == 0:
        print(f"\nRESULT: PASS ({time.monotonic() - t0:.1f} s): IKEv1 tunnel negotiated, "
              f"traffic through the {state['engine']['engine']} engine, torn down cleanly")
        if args.keep:
            print(f"work directory (configs, logs): {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"\nRESULT: FAIL; configs and logs are in {workdir}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
