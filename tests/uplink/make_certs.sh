#!/bin/sh
# tests/uplink/make_certs.sh DIR: the PKI of the uplink integration tests, made with the openssl
# CLI (OpenSSL 3.0): two CAs (ca, other-ca), server certificates for 127.0.0.1/localhost (good,
# from the other CA, expired, for another name), client certificates (good, from the other CA).
# Keys are EC P-256, written mode 0600.
set -eu
d=$1
mkdir -p "$d"
cd "$d"
umask 077

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() {  # name CN
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -sha256 -days 3650 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$1.crt"
}

# leaf name ca CN san extended_key_usage
leaf() {
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$3" -out "$1.csr"
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=%s\n%s\n' \
    "$5" "$4" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.crt" -CAkey "$2.key" -CAcreateserial -days 825 \
    -sha256 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
}

ca ca "meterd test CA"
ca other-ca "some other CA"
leaf server ca "127.0.0.1" "subjectAltName=IP:127.0.0.1,DNS:localhost" serverAuth
leaf server-other-ca other-ca "127.0.0.1" "subjectAltName=IP:127.0.0.1,DNS:localhost" serverAuth
leaf server-wrong-name ca "wrong.example" "subjectAltName=DNS:wrong.example" serverAuth
leaf client ca "gateway-1" "subjectAltName=DNS:gateway-1" clientAuth
leaf client-other-ca other-ca "gateway-1" "subjectAltName=DNS:gateway-1" clientAuth

# Expired: `openssl ca` takes explicit validity dates (the 3.0 x509 command cannot back-date).
key server-expired.key
openssl req -new -key server-expired.key -subj "/CN=127.0.0.1" -out server-expired.csr
mkdir -p ca-db
: > ca-db/index.txt
echo 1000 > ca-db/serial
cat > ca-db/ca.cnf <<CNF
[ca]
default_ca = test
[test]
database = ca-db/index.txt
serial = ca-db/serial
new_certs_dir = ca-db
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = ext
unique_subject = no
[any]
commonName = supplied
[ext]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
CNF
openssl ca -batch -config ca-db/ca.cnf -cert ca.crt -keyfile ca.key -in server-expired.csr \
  -startdate 20200101000000Z -enddate 20200102000000Z -out server-expired.crt 2>/dev/null
chmod 644 ./*.crt
