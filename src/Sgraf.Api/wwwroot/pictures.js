// Where a gallery image's picture is, and its region boxes (the metadata conventions in the README).

const placeholder = "placeholder.svg";

/** The picture of a gallery image: its metadata.url, or a placeholder when it has none. */
export function pictureUrl(metadata) {
  const url = metadata?.url;
  return typeof url === "string" && url.length > 0 ? url : placeholder;
}

/**
 * The image's region boxes, [x1, y1, x2, y2] per region in the order of its region features, in a coordinate space
 * of metadata.width × metadata.height (the picture's natural size when those are missing). Null when the metadata
 * carries no usable boxes.
 */
export function regionBoxes(metadata, naturalWidth, naturalHeight) {
  const boxes = metadata?.boxes;
  if (!Array.isArray(boxes) || boxes.length === 0) return null;
  if (!boxes.every(b => Array.isArray(b) && b.length === 4 && b.every(Number.isFinite))) return null;
  const width = Number.isFinite(metadata.width) && metadata.width > 0 ? metadata.width : naturalWidth;
  const height = Number.isFinite(metadata.height) && metadata.height > 0 ? metadata.height : naturalHeight;
  if (!(width > 0 && height > 0)) return null;
  return { boxes, width, height };
}
