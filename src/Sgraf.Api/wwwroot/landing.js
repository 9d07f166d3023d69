// The start view, so the first click shows something: a few example sentences from the gallery's own captions, those
// whose words the model knows first, and a sample of the gallery's images; with an empty gallery, how to fill it.
// Picked in the page from the API a user has anyway (GET /images, GET /captions, one search), not by an endpoint of its
// own: the gallery's lists are paged by id, so the page takes items spread evenly over them; a search of the candidate
// captions restricted to one image (candidateIds) costs next to nothing and says each one's unknownWords.
import { get, post } from "./api.js";
import { pictureUrl } from "./pictures.js";
import { wordsToTell } from "./unknown-words.js";

const $ = id => document.getElementById(id);
const sampleSize = 8;
const captionsLooked = 12;
const examplesShown = 5;

/** Fills the start view; onSentence(text) runs an example, onImage({ id, metadata }) finds a sample image's captions. */
export async function loadLanding({ onSentence, onImage }) {
  $("examples").hidden = true;
  $("sample").hidden = true;
  say("");
  try {
    const images = await spread("/images", sampleSize);
    if (images.total === 0) {
      say("The gallery is empty, so there is nothing to search yet. Add images and their captions through the API "
        + "(POST /images and POST /captions), or photos with a bundle that has a picture encoder; the README's "
        + "“Your own photos” shows both.");
      return;
    }
    renderSample(images.items, onImage);
    const captions = await spread("/captions", captionsLooked);
    if (captions.total === 0) {
      say("The gallery has no captions yet, so there are no example sentences: type one of your own.");
      return;
    }
    renderExamples(await knownWordsFirst(captions.items.map(c => c.text), images.items[0].id), onSentence);
  } catch (error) {
    say(`The examples could not be loaded: ${error.message}`);
  }
}

function say(text) {
  $("landing-note").textContent = text;
  $("landing-note").hidden = text === "";
}

/** Up to `count` items spread evenly over a gallery list (ordered by id), and the list's total. */
async function spread(path, count) {
  const first = await get(`${path}?offset=0&limit=1`);
  const n = Math.min(count, first.total);
  const offsets = [...new Set(Array.from({ length: n }, (_, i) => Math.floor(i * first.total / n)))].slice(1);
  const pages = await Promise.all(offsets.map(offset => get(`${path}?offset=${offset}&limit=1`)));
  return { total: first.total, items: [...first.items, ...pages.flatMap(p => p.items)] };
}

/** The distinct sentences, those with the fewest words the model does not know first, at most examplesShown. */
async function knownWordsFirst(texts, anImageId) {
  const distinct = [...new Map(texts.map(t => [t.trim().toLowerCase(), t.trim()])).values()];
  const answer = await post("/search/text-to-image", { queries: distinct, k: 1, candidateIds: [anImageId], metadata: false });
  const unknown = answer.results.map(r => wordsToTell(r.unknownWords).length);
  return distinct.map((text, i) => ({ text, unknown: unknown[i] }))
    .sort((a, b) => a.unknown - b.unknown)
    .slice(0, examplesShown)
    .map(e => e.text);
}

function renderExamples(texts, onSentence) {
  $("example-list").replaceChildren(...texts.map(text => {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "example";
    button.textContent = text;
    button.addEventListener("click", () => onSentence(text));
    item.append(button);
    return item;
  }));
  $("examples").hidden = texts.length === 0;
}

function renderSample(images, onImage) {
  $("sample-list").replaceChildren(...images.map(image => {
    const item = document.createElement("li");
    item.className = "sample-item";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "sample-picture";
    button.setAttribute("aria-label", `${image.metadata?.title ?? image.id}: find its captions`);
    const img = document.createElement("img");
    img.src = pictureUrl(image.metadata);
    img.alt = image.metadata?.title ?? image.id;
    button.append(img);
    button.addEventListener("click", () => onImage(image));
    const id = document.createElement("p");
    id.className = "id";
    id.textContent = image.id;
    item.append(button, id);
    return item;
  }));
  $("sample").hidden = false;
}
