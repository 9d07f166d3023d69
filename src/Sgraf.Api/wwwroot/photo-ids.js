// The id a photo is added under: its file name without the extension, made a valid gallery id by the service's rules
// (src/Sgraf.Api/Validation/ItemIds.cs): NFC, no control or format characters, no / or \, no whitespace at either end,
// at most 256 characters. The page shows the id when it differs from the file name.

const maxLength = 256;

/** A valid id from a file name; "photo" when nothing of the name is left. */
export function photoId(fileName) {
  const dot = fileName.lastIndexOf(".");
  let id = (dot > 0 ? fileName.slice(0, dot) : fileName)
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\p{Cs}]/gu, "")
    .replace(/[/\\]/g, "-")
    .trim();
  // Cut by code points, so a character outside the BMP is never split into an unpaired surrogate.
  if (id.length > maxLength) {
    let cut = "";
    for (const c of id) { if (cut.length + c.length > maxLength) break; cut += c; }
    id = cut.trim();
  }
  return id || "photo";
}
