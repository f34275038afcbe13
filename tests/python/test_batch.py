"""Batch calls: lists and buffers, per-packet statuses, output buffers, threads."""

import array
import threading

import pytest

import ikeoffload
from ikeoffload import PacketStatus
from conftest import cbc_sa_fields, gcm_sa_fields, ipv4_udp, payload


def _packets(n, size=100):
    return [ipv4_udp(payload(size + i, i), ident=i) for i in range(n)]


def _concat(packets):
    data = b"".join(packets)
    offsets, at = [], 0
    for p in packets:
        offsets.append(at)
        at += len(p)
    return data, offsets, [len(p) for p in packets]


def test_list_batch_round_trip(engine):
    sa = engine.add_sa(**gcm_sa_fields())
    inner = _packets(40)
    out = sa.encap_batch(inner)
    assert len(out) == 40 and out.ok == 40 and out.all_ok
    assert out.status == bytes(40)
    assert out.seqs == list(range(1, 41))
    assert out.sa_handles == [sa.handle] * 40
    esp = out.packets()
    # the same bytes as single-packet calls would give (checked by decapsulating)
    assert [sa.decap(p) for p in esp[:5]] == inner[:5]
    back = sa.decap_batch(esp[5:])
    assert back.all_ok and back.packets() == inner[5:]
    assert back.seqs == list(range(6, 41))
    assert repr(back) == "<ikeoffload.BatchResult 35 packets, 35 ok>"


def test_batch_results_locate_packets_in_the_buffer(soft):
    sa = soft.add_sa(**gcm_sa_fields())
    inner = _packets(5)
    res = sa.encap_batch(inner)
    buf = res.buffer
    assert isinstance(buf, bytearray)
    for i in range(5):
        view = res.view(i)
        assert isinstance(view, memoryview)
        assert bytes(view) == res[i] == bytes(buf[res.offsets[i]:res.offsets[i] + res.lengths[i]])
    assert res[-1] == res[4]
    with pytest.raises(IndexError):
        res[5]
    # offsets leave each packet its worst case
    assert res.offsets == [sum(len(p) + ikeoffload.MAX_OVERHEAD for p in inner[:i]) for i in range(5)]


def test_batch_reports_each_failure_without_raising(engine):
    sa = engine.add_sa(**gcm_sa_fields(replay_window=32))
    esp = sa.encap_batch(_packets(4)).packets()
    tampered = bytearray(esp[1])
    tampered[-1] ^= 0x80
    batch = [esp[0], bytes(tampered), esp[2], esp[2], b"junk", esp[3]]
    res = sa.decap_batch(batch)
    assert res.statuses() == [PacketStatus.ok, PacketStatus.icv_failure, PacketStatus.ok, PacketStatus.replay,
                              PacketStatus.malformed, PacketStatus.ok]
    assert list(res.status) == [0, 1, 0, 2, 7, 0]
    assert res.ok == 3 and not res.all_ok
    assert res[1] is None and res.view(4) is None
    assert res.lengths[1] == 0
    assert res.error(0) is None
    assert isinstance(res.error(1), ikeoffload.IcvError) and res.error(1).status is PacketStatus.icv_failure
    assert isinstance(res.error(3), ikeoffload.ReplayError)
    assert isinstance(res.error(4), ikeoffload.MalformedError)
    with pytest.raises(ikeoffload.IcvError, match="packet 1"):
        res.check()
    assert sa.counters["drops"]["icv_failure"] == 1


def test_buffer_batch_matches_list_batch(engine):
    fields = cbc_sa_fields(iv_seed=bytes(16))
    a = engine.add_sa(**fields)
    b = ikeoffload.Engine(engine.driver).add_sa(**fields)
    inner = _packets(17, 300)
    data, offsets, lengths = _concat(inner)
    via_list = a.encap_batch(inner)
    via_buffer = b.encap_buffer(data, array.array("I", offsets), array.array("I", lengths))
    assert via_buffer.all_ok
    assert via_buffer.packets() == via_list.packets()


@pytest.mark.parametrize("kind", ["list", "array-I", "array-Q", "array-H", "memoryview", "tuple", "range"])
def test_offsets_and_lengths_in_many_forms(soft, kind):
    sa = soft.add_sa(**gcm_sa_fields())
    inner = [ipv4_udp(payload(50, i)) for i in range(4)]  # equal sizes, so range() works
    data, offsets, lengths = _concat(inner)
    conv = {
        "list": list,
        "array-I": lambda v: array.array("I", v),
        "array-Q": lambda v: array.array("Q", v),
        "array-H": lambda v: array.array("H", v),
        "memoryview": lambda v: memoryview(array.array("L", v)),
        "tuple": tuple,
        "range": list,
    }[kind]
    if kind == "range":
        offsets = range(0, len(data), lengths[0])
    res = sa.encap_buffer(data, conv(offsets) if kind != "range" else offsets, conv(lengths))
    assert res.all_ok
    assert sa.decap_batch(res.packets()).packets() == inner


def test_buffer_batch_writes_into_a_callers_buffer(engine):
    sa = engine.add_sa(**gcm_sa_fields())
    inner = _packets(8, 200)
    data, offsets, lengths = _concat(inner)
    out = bytearray(8 * 400)
    res = sa.encap_buffer(memoryview(data), offsets, lengths, out=out, stride=400)
    assert res.buffer is out
    assert res.offsets == [i * 400 for i in range(8)]
    # the results really are in `out`, decapsulated straight from it
    back = sa.decap_buffer(out, res.offsets, res.lengths)
    assert back.packets() == inner
    # reuse: the next batch overwrites the same buffer
    again = sa.encap_buffer(data, offsets, lengths, out=out, stride=400)
    assert again.seqs == list(range(9, 17))
    assert bytes(out[:again.lengths[0]]) == again[0]


def test_buffer_batch_argument_checks(soft):
    sa = soft.add_sa(**gcm_sa_fields())
    p = ipv4_udp(b"x" * 30)
    with pytest.raises(ikeoffload.ConfigError, match="differ in length"):
        sa.encap_buffer(p, [0, 1], [len(p)])
    with pytest.raises(ikeoffload.ConfigError, match="beyond the end of data"):
        sa.encap_buffer(p, [10], [len(p)])
    with pytest.raises(ikeoffload.ConfigError, match="out: holds 10 bytes"):
        sa.encap_buffer(p, [0], [len(p)], out=bytearray(10))
    with pytest.raises(TypeError, match="out: expected a writable"):
        sa.encap_buffer(p, [0], [len(p)], out=bytes(1000))
    with pytest.raises(ikeoffload.ConfigError, match="must not be negative|0..2\\^63"):
        sa.encap_buffer(p, [-1], [len(p)])
    with pytest.raises(ikeoffload.ConfigError, match="offsets: expected integers"):
        sa.encap_buffer(p, ["0"], [len(p)])
    with pytest.raises(ikeoffload.ConfigError, match="stride: must be"):
        sa.encap_buffer(p, [0], [len(p)], stride=0)
    shared = bytearray(p + bytes(500))
    with pytest.raises(ikeoffload.ConfigError, match="overlaps its input"):
        sa.encap_buffer(shared, [0], [len(p)], out=shared)
    with pytest.raises(ikeoffload.ConfigError, match="sequence of packets"):
        sa.encap_batch(p)
    with pytest.raises(TypeError, match=r"packets\[1\]"):
        sa.encap_batch([p, 5])


def test_disjoint_regions_of_one_buffer_may_be_input_and_output(soft):
    sa = soft.add_sa(**gcm_sa_fields())
    p = ipv4_udp(b"y" * 40)
    buf = bytearray(p + bytes(len(p) + ikeoffload.MAX_OVERHEAD))
    res = sa.encap_buffer(memoryview(buf)[:len(p)], [0], [len(p)], out=memoryview(buf)[len(p):])
    assert res.all_ok and sa.decap(res[0]) == p


def test_empty_batches(soft):
    sa = soft.add_sa(**gcm_sa_fields())
    assert len(sa.encap_batch([])) == 0
    res = sa.encap_buffer(b"", [], [])
    assert len(res) == 0 and res.all_ok and res.packets() == []
    res.check()


def test_engine_level_decap_batch_finds_sas_by_spi(engine):
    a = engine.add_sa(**gcm_sa_fields(spi=0xA00))
    b = engine.add_sa(**cbc_sa_fields(spi=0xB00))
    inner = _packets(6)
    mixed = [(a if i % 2 else b).encap(p) for i, p in enumerate(inner)]
    res = engine.decap_batch(mixed)
    assert res.all_ok and res.packets() == inner
    assert res.sa_handles == [b.handle, a.handle] * 3
    data, offsets, lengths = _concat(mixed)
    res2 = engine.decap_buffer(data, offsets, lengths)
    assert res2.statuses() == [PacketStatus.replay] * 6


def test_bytearray_inputs_cannot_be_resized_while_in_use(soft):
    """Batches hold the input buffers (buffer export): the objects stay alive and fixed."""
    sa = soft.add_sa(**gcm_sa_fields())
    inner = [bytearray(p) for p in _packets(3)]
    res = sa.encap_batch(inner)
    inner[0].extend(b"more")  # allowed again once the call returned
    assert res.all_ok


@pytest.mark.parametrize("api", ["list", "buffer"])
def test_threads_share_an_engine(engine, api):
    """Eight threads push batches through their own SAs of one engine at once; every
    result must decapsulate to its input and the counters must add up."""
    threads, batches, per_batch = 8, 20, 16
    sas = [engine.add_sa(**gcm_sa_fields(spi=0x100 + t, replay_window=0)) for t in range(threads)]
    failures = []
    barrier = threading.Barrier(threads)

    def worker(t):
        sa = sas[t]
        try:
            barrier.wait()
            for b in range(batches):
                inner = [ipv4_udp(payload(64 + t + b, t * 100 + b + i), ident=i) for i in range(per_batch)]
                if api == "list":
                    res = sa.encap_batch(inner)
                else:
                    res = sa.encap_buffer(*_concat(inner))
                if not res.all_ok:
                    failures.append((t, b, res.statuses()))
                    continue
                back = sa.decap_batch(res.packets())
                if back.packets() != inner:
                    failures.append((t, b, "mismatch"))
        except Exception as e:  # noqa: BLE001 - reported below
            failures.append((t, repr(e)))

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    assert failures == []
    total = threads * batches * per_batch
    for sa in sas:
        assert sa.info["next_seq"] == batches * per_batch + 1
        assert sa.counters["packets"] == 2 * batches * per_batch
    assert engine.counters["by_status"]["ok"] == 2 * total


def test_threads_share_one_sa(soft):
    """Concurrent batches on the same outbound SA never reuse a sequence number."""
    sa = soft.add_sa(**gcm_sa_fields())
    seqs, lock = [], threading.Lock()

    def worker():
        for _ in range(25):
            res = sa.encap_batch(_packets(8, 64))
            with lock:
                seqs.extend(res.seqs)

    pool = [threading.Thread(target=worker) for _ in range(4)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    assert sorted(seqs) == list(range(1, 4 * 25 * 8 + 1))


def test_the_gil_is_released_during_a_batch(soft):
    """The main thread counts while a worker is inside one large batch call. The
    worker reads the count right before and right after the call: had the call
    held the GIL, the main thread could not have counted in between."""
    sa = soft.add_sa(**cbc_sa_fields(enc="aes256", enc_key=bytes(32), integ="sha512", integ_key=bytes(64),
                                     replay_window=0))
    big = _packets(1500, 8000)
    data, offsets, lengths = _concat(big)
    out = bytearray(sum(lengths) + len(big) * ikeoffload.MAX_OVERHEAD)
    ticks = [0]
    started, done = threading.Event(), threading.Event()
    seen = []

    def worker():
        started.set()
        before = ticks[0]
        res = sa.encap_buffer(data, offsets, lengths, out=out)
        after = ticks[0]
        seen.append((res.all_ok, after - before))
        done.set()

    t = threading.Thread(target=worker)
    t.start()
    started.wait()
    while not done.is_set():
        ticks[0] += 1
    t.join()
    ok, counted_during_call = seen[0]
    assert ok
    assert counted_during_call > 1000
