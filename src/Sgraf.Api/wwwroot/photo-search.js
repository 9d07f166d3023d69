// "Search by photo": a photo picked or dropped → the query image of an image-to-text search, sent as the picture
// itself (nothing is stored) and shown from a data: URL (the CSP's img-src takes data:; the base64 is what the
// search sends anyway).

const $ = id => document.getElementById(id);

/** Wires the "Search by photo" button and its file picker; `search` gets the photo as the page's query image. */
export function initPhotoSearch(search) {
  const input = $("photo-search-input");
  $("photo-search").addEventListener("click", () => input.click());
  input.addEventListener("change", async () => {
    const file = input.files[0];
    input.value = "";
    if (file) search(await photoQuery(file));
  });
}

/**
 * The photo as a query image: { name, picture (base64), metadata: { url, title } }. The grid's boxes come with the
 * explanation (in the encoder's input square), since nothing of the photo is kept.
 */
export async function photoQuery(file) {
  const url = await new Promise((done, failed) => {
    const reader = new FileReader();
    reader.onload = () => done(reader.result);
    reader.onerror = () => failed(reader.error);
    reader.readAsDataURL(file);
  });
  return { id: null, name: file.name, picture: url.slice(url.indexOf(",") + 1), metadata: { url, title: file.name } };
}
