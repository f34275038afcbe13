"""The public surface: stubs match the runtime, everything public is documented,
help() reads well, and the package is what the build put together."""

import ast
import inspect
import pydoc
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ikeoffload
from ikeoffload import ike, isakmp, pcap

PKG = Path(ikeoffload.__file__).resolve().parent

# Names that exist only for typing (aliases, TypedDicts) in the stubs.
TYPE_ONLY = {"Buffer", "WritableBuffer", "IntSequence", "Address", "StatusCounts", "Lifetime", "UdpEncap",
             "SaCounters", "EngineCounters", "SaInfo", "SaEvent", "Hash", "Message", "Header", "Payload", "PathLike",
             "PcapStats"}


def stub_tree(module):
    return ast.parse((PKG / (module + ".pyi")).read_text())


def stub_names(tree):
    names = {}
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    names[t.id] = node
        elif isinstance(node, ast.ImportFrom):
            for a in node.names:
                if a.asname:
                    names[a.asname] = node
    return {k: v for k, v in names.items() if not k.startswith("_") or k == "__version__"}


MODULES = [("__init__", ikeoffload), ("ike", ike), ("isakmp", isakmp), ("pcap", pcap)]


@pytest.mark.parametrize("stub, module", MODULES, ids=[m[0] for m in MODULES])
def test_stub_and_runtime_name_the_same_things(stub, module):
    in_stub = set(stub_names(stub_tree(stub))) - TYPE_ONLY
    public = set(module.__all__)
    assert public - in_stub == set(), "missing from %s.pyi" % stub
    assert in_stub - public == set(), "in %s.pyi but not public at runtime" % stub
    for name in public:
        assert hasattr(module, name)


def _pybind_params(func):
    """Parameter names from pybind11's signature line ('name(a: str, b: handle = None) -> bytes')."""
    first = func.__doc__.strip().splitlines()[0]
    m = re.match(r"\w+\((.*)\)\s*->", first)
    assert m, first
    params = []
    for part in re.split(r",\s*(?![^\[\]]*\])", m.group(1)):
        name = part.split(":")[0].split("=")[0].strip()
        if name and name not in ("self", "*", "/"):
            params.append(name.lstrip("*"))
    return params


def _stub_params(fn):
    a = fn.args
    names = [x.arg for x in a.posonlyargs + a.args + a.kwonlyargs]
    return [n for n in names if n != "self"]


@pytest.mark.parametrize("stub, module", MODULES[1:], ids=[m[0] for m in MODULES[1:]])
def test_function_parameters_match_the_stubs(stub, module):
    for name, node in stub_names(stub_tree(stub)).items():
        if isinstance(node, ast.FunctionDef):
            assert _pybind_params(getattr(module, name)) == _stub_params(node), name


@pytest.mark.parametrize("cls", ["Engine", "Sa", "BatchResult"])
def test_class_members_match_the_stubs(cls):
    node = stub_names(stub_tree("__init__"))[cls]
    in_stub = {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
    runtime = {n for n in dir(getattr(ikeoffload, cls)) if not n.startswith("_")}
    dunder = {"__len__", "__getitem__", "__eq__", "__hash__", "__enter__", "__exit__", "__init__"}
    assert runtime == {n for n in in_stub if not n.startswith("_")}
    assert {n for n in in_stub if n.startswith("_")} <= dunder
    for name, meth in inspect.getmembers(getattr(ikeoffload, cls)):
        if name.startswith("_") or not callable(meth):
            continue
        stub_fn = next(n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == name)
        if name in ("add_sa", "update"):
            continue  # **fields: the stub spells out the SA JSON keywords
        assert _pybind_params(meth) == _stub_params(stub_fn), "%s.%s" % (cls, name)


def test_add_sa_stub_lists_every_sa_json_field():
    node = stub_names(stub_tree("__init__"))["Engine"]
    add_sa = next(n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "add_sa")
    fields = {a.arg for a in add_sa.args.kwonlyargs}
    assert fields == {"spi", "protocol", "mode", "direction", "src", "dst", "enc", "integ", "enc_key", "integ_key",
                      "seq", "esn", "replay_window", "encap", "allow_weak", "soft", "hard", "iv_seed"}
    # and each of them is accepted by the runtime (the SA JSON parser knows it)
    e = ikeoffload.Engine("soft")
    base = dict(spi=0x1000, src="192.0.2.1", dst="192.0.2.2", enc="aes128gcm16", enc_key=bytes(20))
    for f in fields - set(base):
        with pytest.raises(ikeoffload.ConfigError) as info:
            e.add_sa(base, **{f: object()})
        assert f in str(info.value)


def test_everything_public_is_documented():
    for mod_name, module in MODULES + [("daemon", ikeoffload.daemon)]:
        assert module.__doc__ and len(module.__doc__) > 40, mod_name
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or callable(obj):
                assert obj.__doc__ and obj.__doc__.strip(), "%s.%s" % (mod_name, name)
            if inspect.isclass(obj) and not issubclass(obj, BaseException):
                for member, value in vars(obj).items():
                    if not member.startswith("_") and (callable(value) or isinstance(value, property)):
                        doc = getattr(getattr(obj, member), "__doc__", None)
                        assert doc and doc.strip(), "%s.%s.%s" % (mod_name, name, member)


def test_help_engine_reads_well():
    text = pydoc.render_doc(ikeoffload.Engine, renderer=pydoc.plaintext)
    for phrase in ("An ESP/AH engine", 'driver="auto"', "NoDeviceError", "add_sa(", "enc_key", "ConfigError",
                   "decap_buffer", "remove_sa", "counters", "Example:", "GIL"):
        assert phrase in text, phrase
    sa_text = pydoc.render_doc(ikeoffload.Sa, renderer=pydoc.plaintext)
    for phrase in ("encap_buffer(", "IcvError", "keeps its engine alive", "stride"):
        assert phrase in sa_text, phrase


def test_the_package_is_the_build_trees():
    # the compiled module sits next to the pure-Python files (the layout the build makes)
    so = list(PKG.glob("_ikeoffload*.so"))
    assert len(so) == 1
    for name in ("__init__.py", "__init__.pyi", "daemon.py", "ike.pyi", "isakmp.pyi", "pcap.pyi", "py.typed"):
        assert (PKG / name).exists(), name
    assert ikeoffload.__version__ == "0.1.0"


def test_import_from_debians_python_in_a_fresh_process():
    r = subprocess.run([sys.executable, "-c", "import ikeoffload, sys; print(sys.executable, ikeoffload.Engine('soft').driver)"],
                       capture_output=True, text=True, env={"PYTHONPATH": str(PKG.parent)})
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == [sys.executable, "soft"]


def test_log_level_round_trips():
    old = ikeoffload.log_level()
    try:
        ikeoffload.set_log_level(0)
        assert ikeoffload.log_level() == 0
    finally:
        ikeoffload.set_log_level(old)
