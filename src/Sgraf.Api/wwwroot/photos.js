// The page's photo views: offered only where the service takes pictures (the public /health/ready says so, as
// "pictures"), else a note says why they are missing. Photos dropped on the "Search by photo" box search by that photo;
// dropped anywhere else on the page, they are added to the gallery.
import { addPhotos, initAddPhotos } from "./add-photos.js";
import { initPhotoSearch, photoQuery } from "./photo-search.js";

const $ = id => document.getElementById(id);

/** Shows the photo views when the service takes pictures; `findCaptions` runs an image-to-text search for a photo. */
export async function initPhotos(findCaptions) {
  const taken = await picturesTaken();
  if (taken === null) return;
  if (!taken) {
    const note = $("photos-unavailable");
    note.textContent = "This service's model takes no photos (its bundle has no picture encoder), so photos cannot be added "
      + "or searched here. Its operator adds one with `sgraf export-onnx --picture-encoder resnet18` (see the README).";
    note.hidden = false;
    return;
  }
  initAddPhotos();
  initPhotoSearch(findCaptions);
  acceptDrops(findCaptions);
  $("photos").hidden = false;
}

/** Whether the service takes pictures; null when it could not be asked (the views stay hidden, the rest works). */
async function picturesTaken() {
  try {
    // A starting service answers 503 with the same fields.
    const answer = await (await fetch("/health/ready", { headers: { Accept: "application/json" } })).json();
    return typeof answer.pictures === "boolean" ? answer.pictures : null;
  } catch {
    return null;
  }
}

function acceptDrops(findCaptions) {
  const withFiles = e => e.dataTransfer && [...e.dataTransfer.types].includes("Files");
  const searchBox = $("photo-search-drop");
  document.addEventListener("dragover", e => {
    if (!withFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = "copy";
    document.body.classList.add("dropping");
    searchBox.classList.toggle("over", searchBox.contains(e.target));
  });
  const leave = () => { document.body.classList.remove("dropping"); searchBox.classList.remove("over"); };
  document.addEventListener("dragleave", e => { if (e.relatedTarget === null) leave(); });
  document.addEventListener("drop", async e => {
    if (!withFiles(e)) return;
    e.preventDefault();
    leave();
    const files = [...e.dataTransfer.files];
    if (files.length === 0) return;
    if (searchBox.contains(e.target)) findCaptions(await photoQuery(files[0]));
    else addPhotos(files);
  });
}
