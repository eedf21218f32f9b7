#!/bin/sh
# Creates a CA and a serving certificate for the psa webhook Service with openssl, for the self-signed overlay:
#   deploy/certs.sh [OUT_DIR] [NAMESPACE] [SERVICE]
# Defaults: deploy/overlays/self-signed/pki, psa-system, psa-webhook. Then:
#   kubectl apply -k deploy/overlays/self-signed
# Rotation: re-run (the CA is kept when OUT_DIR/ca.key exists, so the caBundle stays valid) and re-apply.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-"$here/overlays/self-signed/pki"}
namespace=${2:-psa-system}
service=${3:-psa-webhook}
days=${DAYS:-365}

mkdir -p "$out"
cd "$out"
umask 077

if [ ! -f ca.key ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
    -keyout ca.key -out ca.crt -subj "/CN=psa-webhook-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

cat > tls.ext <<EXT
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:${service}.${namespace}.svc,DNS:${service}.${namespace}.svc.cluster.local
EXT
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout tls.key -out tls.csr -subj "/CN=${service}.${namespace}.svc" 2>/dev/null
openssl x509 -req -in tls.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days "$days" \
  -extfile tls.ext -out tls.crt 2>/dev/null
rm -f tls.csr tls.ext ca.srl
chmod 600 ca.key tls.key
chmod 644 ca.crt tls.crt
echo "wrote $out/ca.crt, $out/tls.crt, $out/tls.key (for ${service}.${namespace}.svc, ${days} days)"
