"""Build the ikeoffload Python package with the project's own CMake build.

    pip install ./bindings/python --no-build-isolation

The extension _ikeoffload is compiled by configuring the whole repository
(two directories up) with CMake and building only the `_ikeoffload` target,
so the flags, dependencies and sources are exactly those of the normal build.
Environment:
    IKEOFF_SOURCE_DIR            the repository (default: ../.. from this file)
    IKEOFF_CMAKE_ARGS            extra cmake arguments (e.g. -DIKEOFF_WITH_XRT=OFF)
    CMAKE_BUILD_PARALLEL_LEVEL   build jobs (default 2)
"""

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        source = Path(os.environ.get("IKEOFF_SOURCE_DIR", HERE.parents[1])).resolve()
        if not (source / "CMakeLists.txt").exists() or not (source / "bindings" / "python").is_dir():
            raise RuntimeError("ikeoffload sources not found at %s (set IKEOFF_SOURCE_DIR)" % source)
        build = Path(self.build_temp).resolve() / "cmake"
        build.mkdir(parents=True, exist_ok=True)
        cmd = ["cmake", "-S", str(source), "-B", str(build), "-DCMAKE_BUILD_TYPE=Release",
               "-DIKEOFF_PYTHON=ON", "-DPython3_EXECUTABLE=" + sys.executable]
        if shutil.which("ninja"):
            cmd += ["-G", "Ninja"]
        cmd += shlex.split(os.environ.get("IKEOFF_CMAKE_ARGS", ""))
        subprocess.run(cmd, check=True)
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", "2")
        subprocess.run(["cmake", "--build", str(build), "--target", "_ikeoffload", "-j", jobs], check=True)
        built = sorted((build / "python" / "ikeoffload").glob("_ikeoffload*.so"))
        if not built:
            raise RuntimeError("the CMake build produced no _ikeoffload module")
        target = Path(self.get_ext_fullpath(ext.name))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built[0], target)


setup(
    ext_modules=[CMakeExtension("ikeoffload._ikeoffload")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
