// "Add photos": files picked or dropped on the page → POST /images as multipart/form-data, a few per request, with
// progress; every refused file is listed with the service's reason, and the others are still added.
import { apiKey, postForm } from "./api.js";
import { photoId } from "./photo-ids.js";

const $ = id => document.getElementById(id);

// Files per request: progress moves every few photos, and a request stays under the service's own encode batch
// (Sgraf:Pictures:BatchSize, 16), so a refusal in it leaves nothing of it stored that the page would not know of.
const perRequest = 8;
// A busy service answers 503 with Retry-After; the page waits as it asks, a few times, before giving up on a batch.
const busyRetries = 5;

let pending = [];   // files waiting for the API key
let running = false;

/** Wires the "Add photos" button, its file picker and the retry after the key is given. */
export function initAddPhotos() {
  const input = $("add-photos-input");
  $("add-photos").addEventListener("click", () => input.click());
  input.addEventListener("change", () => { addPhotos([...input.files]); input.value = ""; });
  $("add-photos-retry").addEventListener("click", () => addPhotos(pending));
}

/** Adds the files to the gallery, each under an id made from its file name (the service's id rules), and reports. */
export async function addPhotos(files) {
  if (files.length === 0) return;
  const status = $("add-photos-status");
  // One upload at a time, so its progress and lists stay its own.
  if (running) { status.textContent = "Photos are being added; add these once they are done."; return; }
  const refusedList = $("add-photos-refused");
  $("add-photos-retry").hidden = true;
  if (!apiKey()) return askForKey(files, "Adding photos needs the service's API key.");
  pending = [];
  running = true;
  try { await upload(files, status, refusedList); } finally { running = false; }
}

async function upload(files, status, refusedList) {
  refusedList.replaceChildren();
  refusedList.hidden = true;
  const addedList = $("add-photos-added");
  addedList.replaceChildren();
  $("add-photos-done").hidden = true;

  const items = withIds(files);
  const progress = $("add-photos-progress");
  progress.max = items.length;
  progress.value = 0;
  progress.hidden = false;
  let added = 0, replaced = 0, refused = 0;
  const report = () => {
    progress.value = added + refused;
    status.textContent = `${added} of ${items.length} added` + (refused ? `, ${refused} refused (listed below)` : "")
      + (replaced ? `; ${replaced} replaced an image with the same id` : "") + ".";
  };
  report();

  for (let start = 0; start < items.length; start += perRequest) {
    let batch = items.slice(start, start + perRequest);
    let busy = 0;
    while (batch.length > 0) {
      try {
        const answer = await postForm("/images", form(batch));
        added += answer.added + answer.replaced;
        replaced += answer.replaced;
        batch.forEach(item => listAdded(item));
        batch = [];
      } catch (error) {
        const outcome = await refusal(error, batch, busy++);
        if (outcome.stop) {
          report();
          return outcome.stop(items.filter(i => !i.done).map(i => i.file));
        }
        for (const item of outcome.stored) { listAdded(item); added++; }
        for (const [item, why] of outcome.refused) { listRefused(item, why); refused++; }
        batch = outcome.again;
      }
      report();
    }
  }
  progress.hidden = true;
  $("add-photos-done").hidden = added === 0;
  status.textContent = `Done: ${added} of ${items.length} added` + (refused ? `, ${refused} refused (listed below)` : "")
    + (replaced ? `; ${replaced} replaced an image with the same id` : "")
    + (added ? ". Search by a sentence to find them." : ".");

  function listAdded(item) {
    item.done = true;
    const li = document.createElement("li");
    li.textContent = `${item.file.name} → ${item.id}`;
    addedList.append(li);
  }

  function listRefused(item, why) {
    item.done = true;
    const li = document.createElement("li");
    li.textContent = `${item.file.name}: ${why}`;
    refusedList.append(li);
    refusedList.hidden = false;
  }
}

/** Each file with the id it is added under: unique within this drop, as the service would refuse a repeated one. */
function withIds(files) {
  const seen = new Set();
  return files.map(file => {
    const base = photoId(file.name);
    let id = base;
    for (let n = 2; seen.has(id); n++) id = `${base}-${n}`;
    seen.add(id);
    return { file, id, done: false };
  });
}

function form(batch) {
  const body = new FormData();
  // Each picture's id part comes before it, as the service reads the upload in order.
  for (const { file, id } of batch) {
    body.append("id", id);
    body.append("picture", file, file.name);
  }
  return body;
}

/**
 * What to do after a refused request: { stored, refused: [item, why][], again } to go on with the files that can still
 * be added, or { stop } when no file of it can be (no key, no picture encoder, changes disabled, service gone).
 */
async function refusal(error, batch, busy) {
  if (error.status === 401) return { stop: files => askForKey(files, error.message) };
  if (error.status === 503 && busy < busyRetries) {
    await new Promise(done => setTimeout(done, 1000 * Math.min(Math.max(error.retryAfter, 1), 10)));
    return { stored: [], refused: [], again: batch };
  }
  const problem = error.problem ?? {};
  // The batches the service stored before the refused picture stay stored.
  const imported = Number.isInteger(problem.imported) ? problem.imported : 0;
  const stored = batch.slice(0, imported);
  const perPicture = new Map();
  for (const [member, messages] of Object.entries(problem.errors ?? {})) {
    const match = /^pictures\[(\d+)\]/.exec(member);
    if (!match) continue;
    const index = Number(match[1]);
    perPicture.set(index, [...(perPicture.get(index) ?? []), ...messages]);
  }
  if (perPicture.size === 0) {
    // Not about one picture (no picture encoder, changes disabled, the service unreachable): nothing more can be added.
    if ([0, 403, 409].includes(error.status) || error.status >= 500)
      return {
        stop: left => {
          $("add-photos-status").textContent = `${problem.detail || error.message} ${left.length} of the photos were not added.`;
          $("add-photos-progress").hidden = true;
        },
      };
    return { stored, refused: batch.slice(imported).map(item => [item, error.message]), again: [] };
  }
  const refused = [...perPicture].map(([index, messages]) => [batch[index], messages.join(" ")]).filter(([item]) => item);
  const again = batch.filter((item, index) => index >= imported && !perPicture.has(index));
  return { stored, refused, again };
}

/** Opens the key field and keeps the files, to add them once a key is given. */
function askForKey(files, why) {
  pending = files;
  const details = $("key-details");
  details.open = true;
  $("api-key").focus();
  $("add-photos-status").textContent = `${why} Enter it under “API key” above, then add the ${files.length === 1 ? "photo" : `${files.length} photos`}.`;
  const retry = $("add-photos-retry");
  retry.textContent = files.length === 1 ? "Add the photo" : `Add the ${files.length} photos`;
  retry.hidden = false;
}
