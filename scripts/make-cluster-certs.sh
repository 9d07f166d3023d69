#!/usr/bin/env bash
# Makes a private CA and certificates it signs, with openssl: for mutual TLS between silos (Sgraf:Cluster:Tls) and for
# TLS to Redis (Sgraf:Redis:TlsCaFile). For trying the cluster out, for scripts/run-cluster.sh and for the tests; in
# production use your organisation's CA or keep this one's key offline (docs/deployment.md, "Cluster certificates").
#
#   scripts/make-cluster-certs.sh DIR NAME...
#
# DIR/ca.crt and DIR/ca.key: the CA, made once (kept if present, so certificates added later chain to the same CA).
# Per NAME: DIR/NAME.crt and DIR/NAME.key (PEM, unencrypted), signed by the CA, for both TLS server and client
# authentication, with subjectAltName DNS:NAME, DNS:localhost, IP:127.0.0.1 and each address in SGRAF_CERT_IPS
# (space-separated); kept if present. Silos check a peer's chain to the CA, not its name; Redis clients check the name.
# Settings (environment): SGRAF_CERT_DAYS (default 825), SGRAF_CA_NAME (default "Sgraf cluster CA"),
# SGRAF_CERT_KEY_MODE (default 600; 644 lets a container's non-root user read a key mounted from the host).
set -euo pipefail

dir="${1:?usage: make-cluster-certs.sh DIR NAME...}"
shift
days="${SGRAF_CERT_DAYS:-825}"
key_mode="${SGRAF_CERT_KEY_MODE:-600}"
command -v openssl >/dev/null 2>&1 || bash "$(dirname "$0")/install-deps.sh" openssl >&2
mkdir -p "$dir"

if [ ! -f "$dir/ca.crt" ] || [ ! -f "$dir/ca.key" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days "$days" \
    -subj "/CN=${SGRAF_CA_NAME:-Sgraf cluster CA}" -keyout "$dir/ca.key" -out "$dir/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  chmod 600 "$dir/ca.key"
fi

for name in "$@"; do
  [ -f "$dir/$name.crt" ] && [ -f "$dir/$name.key" ] && continue
  san="DNS:$name,DNS:localhost,IP:127.0.0.1"
  for ip in ${SGRAF_CERT_IPS:-}; do san="$san,IP:$ip"; done
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$name" \
    -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial -days "$days" \
    -out "$dir/$name.crt" -extfile <(printf '%s\n' \
      "basicConstraints=critical,CA:FALSE" \
      "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=serverAuth,clientAuth" \
      "subjectAltName=$san") 2>/dev/null
  rm -f "$dir/$name.csr"
  chmod "$key_mode" "$dir/$name.key"
done
