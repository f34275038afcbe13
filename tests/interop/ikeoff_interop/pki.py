"""A throw-away CA and host certificates, made with the openssl CLI."""
import subprocess
from pathlib import Path


def _openssl(*args, cwd):
    r = subprocess.run(["openssl", *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(map(str, args))}: {r.stderr}")


class Pki:
    """ca.pem/ca.key plus, per host, NAME.pem (subject CN=NAME, SAN IP) and
    NAME.key (RSA 2048, PKCS#8 PEM, unencrypted)."""

    def __init__(self, directory):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.ca = self.dir / "ca.pem"
        self.ca_key = self.dir / "ca.key"
        if not self.ca.exists():
            _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.ca_key, "-out", self.ca,
                     "-days", "3", "-subj", "/O=ikeoffload interop/CN=Test CA", "-addext",
                     "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                     cwd=self.dir)

    def host(self, name, ip):
        cert, key = self.dir / f"{name}.pem", self.dir / f"{name}.key"
        if cert.exists():
            return cert, key
        csr = self.dir / f"{name}.csr"
        ext = self.dir / f"{name}.ext"
        ext.write_text(f"subjectAltName=IP:{ip}\nkeyUsage=critical,digitalSignature,keyEncipherment\n")
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr, "-subj",
                 f"/O=ikeoffload interop/CN={name}", cwd=self.dir)
        _openssl("x509", "-req", "-in", csr, "-CA", self.ca, "-CAkey", self.ca_key, "-CAcreateserial", "-out",
                 cert, "-days", "3", "-extfile", ext, cwd=self.dir)
        return cert, key
