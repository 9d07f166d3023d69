# Sourced by the benchmark scripts (run from the repository root): which bundle the service under test loads.

# bundle_img_dim DIR: the image feature size (img_dim) of the bundle in DIR, from its manifest.
bundle_img_dim() {
  python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(next(iter(m['modules'].values()))['img_dim'])" "$1/manifest.json"
}

# resolve_bundle: sets bundle (BUNDLE as an absolute path, or empty for the demo bundle, models/shapes-bundle) and
# img_dim (that bundle's); stops with an error when BUNDLE is not a folder.
resolve_bundle() {
  bundle=""
  if [ -n "${BUNDLE:-}" ]; then
    bundle=$(cd "$BUNDLE" 2>/dev/null && pwd) || { echo "error: BUNDLE=$BUNDLE is not a folder" >&2; exit 1; }
  fi
  img_dim=$(bundle_img_dim "${bundle:-models/shapes-bundle}")
}
