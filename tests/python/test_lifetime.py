"""Ownership: handles keep engines alive, results own their bytes, closing is safe
under concurrent use; a gc-stress script under CPython's debug allocator."""

import gc
import os
import random
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

import ikeoffload
from conftest import SOFTWARE_DRIVERS, gcm_sa_fields, ipv4_udp, payload

PACKAGE_PARENT = str(Path(ikeoffload.__file__).resolve().parents[1])
TESTS_DIR = str(Path(__file__).resolve().parent)


@pytest.mark.parametrize("driver", SOFTWARE_DRIVERS)
def test_sa_keeps_its_engine_alive(driver):
    sa = ikeoffload.Engine(driver).add_sa(**gcm_sa_fields())
    gc.collect()
    p = ipv4_udp(payload(100))
    assert sa.decap(sa.encap(p)) == p
    assert sa.engine.driver == driver
    assert sa.engine.sas == [sa]


def test_results_outlive_engine_and_sa():
    e = ikeoffload.Engine("soft")
    sa = e.add_sa(**gcm_sa_fields())
    inner = [ipv4_udp(payload(n)) for n in (10, 20)]
    res = sa.encap_batch(inner)
    view = res.view(1)
    single = sa.encap(inner[0])
    del e, sa
    gc.collect()
    esp = res.packets()
    del res
    gc.collect()
    assert bytes(view) == esp[1]  # the memoryview keeps the bytearray alive
    other = ikeoffload.Engine("soft").add_sa(**gcm_sa_fields(replay_window=0))
    assert other.decap(esp[1]) == inner[1]
    assert other.decap(single) == inner[0]


def test_closing_while_other_threads_use_the_engine():
    """close() detaches the engine; calls already inside finish with it, later ones
    raise StateError. Nothing else may happen (no crash, no other exception)."""
    e = ikeoffload.Engine("soft")
    sas = [e.add_sa(**gcm_sa_fields(spi=0x100 + i)) for i in range(4)]
    inner = [ipv4_udp(payload(500, i)) for i in range(32)]
    outcomes, lock = [], threading.Lock()
    go = threading.Event()

    def worker(sa):
        go.wait()
        ok = 0
        while True:
            try:
                res = sa.encap_batch(inner)
                assert res.all_ok
                ok += 1
            except ikeoffload.StateError:
                break
            except Exception as exc:  # noqa: BLE001 - reported below
                with lock:
                    outcomes.append(repr(exc))
                return
        with lock:
            outcomes.append(ok)

    pool = [threading.Thread(target=worker, args=(sa,)) for sa in sas]
    for t in pool:
        t.start()
    go.set()
    while e.counters["batches"] < 20 and any(t.is_alive() for t in pool):
        pass
    e.close()
    for t in pool:
        t.join()
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert len(outcomes) == 4


def test_random_drop_orders():
    rng = random.Random(1234)
    for _ in range(200):
        objs = {}
        e = ikeoffload.Engine("soft")
        objs["engine"] = e
        objs["sa"] = e.add_sa(**gcm_sa_fields(spi=rng.randrange(256, 1 << 32)))
        objs["res"] = objs["sa"].encap_batch([ipv4_udp(payload(rng.randrange(0, 300)))])
        objs["view"] = objs["res"].view(0)
        objs["sas"] = e.sas
        del e
        for key in rng.sample(sorted(objs), len(objs)):
            if key == "view":
                assert len(bytes(objs["view"])) > 0
            del objs[key]
            if rng.random() < 0.3:
                gc.collect()


STRESS = textwrap.dedent(r"""
    import gc, random, sys, threading
    sys.path.insert(0, sys.argv[1])
    import ikeoffload
    from conftest import gcm_sa_fields, cbc_sa_fields, ipv4_udp, payload

    gc.set_threshold(1, 1, 1)          # collect constantly
    rng = random.Random(7)
    keep = []
    for round in range(60):
        e = ikeoffload.Engine(rng.choice(["soft", "csim"]))
        sas = [e.add_sa(**(gcm_sa_fields if i % 2 else cbc_sa_fields)(spi=0x1000 + i)) for i in range(3)]
        packets = [ipv4_udp(payload(rng.randrange(0, 600), i)) for i in range(8)]
        res = sas[0].encap_batch([bytearray(p) for p in packets])
        buf = b"".join(packets)
        offs = [sum(len(p) for p in packets[:i]) for i in range(len(packets))]
        res2 = sas[1].encap_buffer(memoryview(buf), offs, [len(p) for p in packets])
        back = e.decap_batch(res.packets())
        assert back.packets() == packets, "round trip"
        try:
            sas[2].decap(b"x" * rng.randrange(0, 60))
        except ikeoffload.PacketError:
            pass
        keep.append(rng.choice([res, res2, sas[rng.randrange(3)], res.view(0), e]))
        if rng.random() < 0.5:
            e.close()
        if rng.random() < 0.3:
            e.remove_sa(sas[0]) if not e.closed else None
        del e, sas, res, res2, back
        if len(keep) > 10:
            keep.pop(rng.randrange(len(keep)))
    keep.clear()
    gc.collect()
    print("stress ok")
""")


@pytest.mark.parametrize("malloc", ["debug", "malloc"])
def test_gc_stress_under_the_debug_allocator(tmp_path, malloc):
    """Runs the stress script in a child interpreter with PYTHONMALLOC=debug (buffer
    overruns, use of freed Python memory and API misuse abort it) and with plain
    malloc plus glibc's MALLOC_CHECK_/MALLOC_PERTURB_ (freed C++ memory is poisoned)."""
    script = tmp_path / "stress.py"
    script.write_text(STRESS)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([PACKAGE_PARENT, TESTS_DIR])
    env["PYTHONMALLOC"] = malloc
    env["MALLOC_CHECK_"] = "3"
    env["MALLOC_PERTURB_"] = "165"
    r = subprocess.run([sys.executable, "-X", "dev", str(script), TESTS_DIR], env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "stress ok" in r.stdout
