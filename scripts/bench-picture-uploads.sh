#!/usr/bin/env bash
# Pictures in the service (docs/benchmarks.md, "Pictures in the service"): starts the service on an empty data folder
# with a bundle that has a picture encoder, imports COUNT photos of PICTURES with `sgraf-load gallery import --pictures`
# (BATCH per multipart POST /images) and prints photos/s, the service's CPU ms per photo (its utime + stime over the
# import, from /proc), the bytes the data folder grew by per photo, and the stored copies' mean size; then the p50/p99
# of REQUESTS single-photo uploads (one multipart POST each) and of REQUESTS searches by photo (image-to-text, base64
# JSON) against that gallery, one at a time.
#
#   PICTURES=DIR (required: e.g. Flickr8k's Flicker8k_Dataset; never committed)  COUNT=1000  BATCH=32  REQUESTS=50
#   CAPTIONS=FILE  their captions (Flickr8k.token.txt lines), added after the photos: what a search by photo ranks
#   Then memory: CLIENTS (8) clients upload a BIG_MB (10) MB PNG of noise ROUNDS_BIG (3) times each, all at once; prints
#   the service's RSS before, its peak (sampled every 50 ms) and after, and how many uploads were answered 2xx.
#   BUNDLE=DIR (default: tests/TestSupport/PictureBundle, random weights of img_dim 512 with the ResNet-18 encoder: the
#   encoder's cost is the real one)  PORT=5472  CONFIGURATION=Release
set -euo pipefail
cd "$(dirname "$0")/.."

pictures=${PICTURES:?PICTURES=DIR of photos is required}
count=${COUNT:-1000}
batch=${BATCH:-32}
requests=${REQUESTS:-50}
port=${PORT:-5472}
configuration=${CONFIGURATION:-Release}
url="http://127.0.0.1:$port"
key="bench-picture-uploads-key-0123456789"
BUNDLE=${BUNDLE:-tests/TestSupport/PictureBundle}
# shellcheck source=lib/bundle.sh
source scripts/lib/bundle.sh
resolve_bundle

dotnet build -c "$configuration" tools/Sgraf.LoadTest -v quiet -nologo >&2
dotnet build -c "$configuration" src/Sgraf.Api -v quiet -nologo >&2

service=""
data=$(mktemp -d -t sgraf-bench-pictures-XXXXXX)
cleanup() {
  if [ -n "$service" ]; then kill "$service" 2>/dev/null || true; wait "$service" 2>/dev/null || true; fi
  rm -rf "$data" "$data".*
}
trap cleanup EXIT

if curl -s -o /dev/null "$url/health/live"; then echo "error: something already answers at $url; give another PORT" >&2; exit 1; fi
env Sgraf__DemoGallery__Enabled=false Sgraf__BundleDirectory="$bundle" Sgraf__DataDirectory="$data" Sgraf__ApiKeys__0="$key" \
  dotnet "src/Sgraf.Api/bin/$configuration/net10.0/Sgraf.Api.dll" --urls "$url" >"$data.service.log" 2>&1 &
service=$!
for _ in $(seq 2400); do curl -sf -o /dev/null "$url/health/ready" && break; sleep 0.25; done
curl -sf -o /dev/null "$url/health/ready" || { tail -20 "$data.service.log" >&2; exit 1; }

cpu_ms() { awk '{ print ($14 + $15) * 1000 / '"$(getconf CLK_TCK)"' }' "/proc/$service/stat"; }
before_cpu=$(cpu_ms)
before_bytes=$(du -sb "$data" | cut -f1)
out=$(dotnet "tools/Sgraf.LoadTest/bin/$configuration/net10.0/sgraf-load.dll" gallery import --pictures "$pictures" --limit "$count" \
  --batch "$batch" --url "$url" --api-key "$key" 2>"$data.load.err") || { cat "$data.load.err" >&2; exit 1; }
after_cpu=$(cpu_ms)
after_bytes=$(du -sb "$data" | cut -f1)
echo "$out"
copies=$(curl -sf "$url/images?limit=20" | python3 -c "import json,sys; print(' '.join(i['id'] for i in json.load(sys.stdin)['items']))")
copy_bytes=0
for id in $copies; do copy_bytes=$((copy_bytes + $(curl -sf "$url/images/$id/picture" | wc -c))); done
python3 - "$count" "$before_cpu" "$after_cpu" "$before_bytes" "$after_bytes" "$copy_bytes" "$(wc -w <<<"$copies")" <<'EOF'
import sys
n, c0, c1, b0, b1, copies, m = int(sys.argv[1]), *map(float, sys.argv[2:])
print(f"service CPU {(c1 - c0) / n:.0f} ms/photo; data folder +{(b1 - b0) / n / 1024:.0f} KB/photo; stored copy {copies / m / 1024:.0f} KB on average ({m:.0f} photos)")
EOF

# The captions after the measurement (their encoding is not the photos' cost), those of the imported photos only.
if [ -n "${CAPTIONS:-}" ]; then
  python3 - "$CAPTIONS" "$url" "$key" <<'EOF'
import json, sys, urllib.request
path, url, key = sys.argv[1:]
ids, offset = set(), 0
while True:
    page = json.load(urllib.request.urlopen(f"{url}/images?offset={offset}&limit=1000"))
    ids |= {i["id"] for i in page["items"]}
    offset += len(page["items"])
    if not page["items"] or offset >= page["total"]: break
captions = []
for line in open(path, encoding="utf-8"):
    photo, _, text = line.rstrip("\n").partition("\t")
    name, _, n = photo.rpartition("#")
    image = name.rsplit(".", 1)[0]
    if image in ids: captions.append({"id": f"{image}-{n}", "text": text, "metadata": {"image": image}})
for start in range(0, len(captions), 500):
    request = urllib.request.Request(f"{url}/captions", json.dumps({"captions": captions[start:start + 500]}).encode(),
                                     {"content-type": "application/json", "X-Api-Key": key})
    urllib.request.urlopen(request).read()
EOF
fi

# latency LABEL COMMAND...: REQUESTS runs of the command, one at a time; prints p50/p99 in ms.
latency() {
  local label=$1; shift
  local times=()
  for _ in $(seq "$requests"); do
    local start; start=$(date +%s%N)
    "$@" >/dev/null
    times+=($((($(date +%s%N) - start) / 1000000)))
  done
  python3 -c "import sys; t=sorted(map(int, sys.argv[2:])); p=lambda q: t[min(len(t)-1, int(q*len(t)))]; print(f'{sys.argv[1]}: p50 {p(0.5)} ms, p99 {p(0.99)} ms ({len(t)} requests)')" "$label" "${times[@]}"
}
photo=$(find "$pictures" -maxdepth 1 -iname '*.jpg' | sort | tail -1)
latency "single-photo upload" curl -sf "$url/images" -H "X-Api-Key: $key" -F id=bench-single -F "picture=@$photo"
python3 -c "import base64,json,sys; print(json.dumps({'queries': [{'picture': base64.b64encode(open(sys.argv[1],'rb').read()).decode()}], 'k': 10, 'mode': 'exact'}))" "$photo" >"$data.query.json"
captions=$(curl -sf "$url/captions?limit=1" | python3 -c "import json,sys; print(json.load(sys.stdin)['total'])")
latency "search by photo (image-to-text over $captions captions, mode exact)" \
  curl -sf "$url/search/image-to-text" -H 'content-type: application/json' --data-binary "@$data.query.json"

# Memory while CLIENTS clients upload BIG_MB MB pictures at once (issue 18: "memory stays bounded").
clients=${CLIENTS:-8}
big_mb=${BIG_MB:-10}
rounds_big=${ROUNDS_BIG:-3}
python3 - "$data.big.png" "$big_mb" <<'EOF'
import os, struct, sys, zlib
# Noise does not compress, so the PNG is about side * side * 3 bytes: a real 10 MB upload, decoded as a large picture.
path, megabytes = sys.argv[1], float(sys.argv[2])
side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
raw = b"".join(b"\0" + os.urandom(side * 3) for _ in range(side))
chunk = lambda kind, body: struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
with open(path, "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b""))
EOF
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$service/status"; }
before_rss=$(rss_kb)
peak_rss=$before_rss
uploaders=()
for c in $(seq "$clients"); do
  (for r in $(seq "$rounds_big"); do
     curl -s -o /dev/null -w '%{http_code}\n' "$url/images" -H "X-Api-Key: $key" -F "id=big-$c-$r" -F "picture=@$data.big.png"
   done) >"$data.big.$c" &
  uploaders+=($!)
done
running() { for p in "${uploaders[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
while running; do
  rss=$(rss_kb); [ "$rss" -gt "$peak_rss" ] && peak_rss=$rss
  sleep 0.05
done
wait "${uploaders[@]}"
sleep 2
ok=$(cat "$data".big.[0-9]* | grep -c '^2' || true)
echo "$clients clients x $rounds_big uploads of a $(( $(stat -c %s "$data.big.png") / 1024 / 1024 )) MB PNG at once: $ok of $((clients * rounds_big)) answered 2xx;" \
  "service RSS $((before_rss / 1024)) MB before, peak $((peak_rss / 1024)) MB, $(( $(rss_kb) / 1024 )) MB 2 s after"
