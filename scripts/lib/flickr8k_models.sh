# Sourced by the Flickr8k scripts (run from the repository root): which checkpoints each result name is.

# flickr8k_models NAME SGR_CHECKPOINT SAF_CHECKPOINT: sets picked to the --model options of NAME (sgr, saf, or sgraf:
# both, their scores averaged).
flickr8k_models() {
  case $1 in
    sgr) picked=(--model "$2");;
    saf) picked=(--model "$3");;
    sgraf) picked=(--model "$2" --model "$3");;
    *) echo "error: unknown Flickr8k model name '$1' (sgr, saf or sgraf)" >&2; return 1;;
  esac
}
