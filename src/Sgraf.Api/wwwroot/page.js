// The search page: text-to-image results as pictures, image-to-text from a chosen picture, and explanations.
import { get, post, apiKey, setApiKey } from "./api.js";
import { titleLine } from "./cards.js";
import { openExplanation } from "./explain.js";
import { cameFromThisPage, currentView, onViewChange, recordView } from "./history.js";
import { loadLanding } from "./landing.js";
import { openLightbox, viewLargerButton } from "./lightbox.js";
import { wireMoreResults } from "./more-results.js";
import { pictureUrl } from "./pictures.js";
import { initPhotos } from "./photos.js";
import { showUnknownWords } from "./unknown-words.js";

const $ = id => document.getElementById(id);

const form = $("search-form");
const errorBox = $("error");
const status = $("status");

// The view on screen ({ q, image }, as history.js puts it in the address), the query whose images are listed, and the
// image whose captions are.
let view = { q: "", image: "" };
let listed = { query: null, hits: [] };
let captionImage = null;
let landingLoaded = false;

$("api-key").value = apiKey();
$("api-key").addEventListener("change", e => {
  setApiKey(e.target.value.trim());
  // The examples may have failed for want of a key.
  if (!$("landing").hidden) startLanding();
});

form.addEventListener("submit", e => { e.preventDefault(); searchImages(); });
$("back").addEventListener("click", () => {
  if (cameFromThisPage()) history.back();
  else { recordView({ q: view.q, image: "" }); showView({ q: view.q, image: "" }); }
});
$("caption-image-larger").addEventListener("click", e => openLightbox(captionImage, e.currentTarget));
const showingImages = wireMoreResults($("more-images"), k => searchImages({ query: listed.query, k, record: false, more: true }));
const showingCaptions = wireMoreResults($("more-captions"), k => searchCaptions(captionImage, { k, record: false, more: true }));

/** Shows a view the address names (at load, Back, Forward), running its searches unless they are on screen already. */
async function showView(next) {
  $("query").value = next.q;
  if (!next.q && !next.image) {
    clearError();
    status.textContent = "";
    view = next;
    show("landing");
    if (!landingLoaded) startLanding();
    return;
  }
  if (next.q && next.q !== listed.query && !await searchImages({ record: false })) return;
  if (next.image) {
    const image = listed.hits.find(h => h.id === next.image) ?? await imageById(next.image);
    if (image) await searchCaptions(image, { q: next.q, record: false });
  } else {
    view = next;
    show("images");
    $("image-list").querySelector("button")?.focus();
  }
}

function startLanding() {
  landingLoaded = true;
  loadLanding({
    onSentence: text => { $("query").value = text; searchImages(); },
    onImage: image => searchCaptions(image, { q: "" }),
  });
}

async function imageById(id) {
  try {
    return await get(`/images/${encodeURIComponent(id)}`);
  } catch (error) {
    showError(error);
    return null;
  }
}

/** An image as a query: a gallery image by its id, or a photo (search by photo) by its picture. */
const imageQuery = image => image.picture ? { picture: image.picture } : { id: image.id };

initPhotos(searchCaptions);

function settings() {
  return { model: $("model").value, mode: $("mode").value, k: Number($("k").value) || 10 };
}

function showError(error) {
  errorBox.textContent = error.message;
  errorBox.hidden = false;
}

function clearError() { errorBox.hidden = true; errorBox.textContent = ""; }

function show(view) {
  if (view !== "images") showUnknownWords($("unknown-words"), []);
  $("landing").hidden = view !== "landing";
  $("image-results").hidden = view !== "images";
  $("caption-results").hidden = view !== "captions";
}

function describeRun(answer, count, what, ms) {
  const reranked = answer.results[0]?.reranked;
  const mode = answer.mode === "shortlist" ? `shortlist: ${reranked} reranked exactly` : `exact: ${reranked} scored`;
  return `${count} ${what} in ${Math.round(ms)} ms (${answer.model.toUpperCase()}, ${mode})`;
}

/**
 * Runs a query (the one in the box unless given); true when its images show. k: the form's unless given; record: false
 * when the address names the view already; more: the answer extends the list shown ("More results").
 */
async function searchImages({ query = $("query").value.trim(), k = settings().k, record = true, more = false } = {}) {
  if (!query) return false;
  clearError();
  const { model, mode } = settings();
  status.textContent = "Searching…";
  const started = performance.now();
  try {
    const answer = await post("/search/text-to-image", { queries: [query], k, model, mode });
    const hits = answer.results[0].hits;
    status.textContent = describeRun(answer, hits.length, hits.length === 1 ? "image" : "images", performance.now() - started);
    renderImages(query, hits);
    showingImages(hits, k, !more);
    show("images");
    showUnknownWords($("unknown-words"), answer.results[0].unknownWords);
    view = { q: query, image: "" };
    if (record) recordView(view);
    return true;
  } catch (error) {
    status.textContent = "";
    showUnknownWords($("unknown-words"), []);
    showError(error);
    return false;
  }
}

function renderImages(query, hits) {
  listed = { query, hits };
  const list = $("image-list");
  list.replaceChildren(...hits.map((hit, i) => {
    const item = document.createElement("li");
    item.className = "hit";
    const open = document.createElement("button");
    open.type = "button";
    open.className = "picture-button";
    open.setAttribute("aria-label", `Rank ${i + 1}: ${hit.id}, score ${hit.score.toFixed(4)}. Find its captions`);
    const img = document.createElement("img");
    img.src = pictureUrl(hit.metadata);
    img.alt = hit.metadata?.title ?? hit.id;
    open.append(img);
    open.addEventListener("click", () => searchCaptions(hit, { q: query }));
    const facts = rankAndScore(i, hit);
    const id = document.createElement("p");
    id.className = "id";
    id.textContent = hit.id;
    item.append(open, facts, ...[titleLine(hit.metadata)].filter(Boolean), id, viewLargerButton(hit),
      whyButton({ caption: { text: query }, image: { id: hit.id } }, hit.metadata));
    return item;
  }));
  $("image-results").hidden = false;
}

/**
 * Finds the captions of an image ({ id, metadata }). q: the query whose images it was chosen from ("" from the start
 * view), kept in the address so Back returns there; k, record and more as for searchImages.
 */
async function searchCaptions(image, { q = view.q, k = settings().k, record = true, more = false } = {}) {
  clearError();
  const { model, mode } = settings();
  status.textContent = `Finding captions for ${image.id ?? image.name}…`;
  const started = performance.now();
  try {
    const answer = await post("/search/image-to-text", { queries: [imageQuery(image)], k, model, mode });
    const hits = answer.results[0].hits;
    status.textContent = describeRun(answer, hits.length, hits.length === 1 ? "caption" : "captions", performance.now() - started);
    renderCaptions(image, hits);
    showingCaptions(hits, k, !more);
    show("captions");
    $("back").textContent = q ? "← Back to images" : "← Back to the examples";
    // A searched photo (no gallery id) cannot be named in the address: its view is not recorded.
    view = { q, image: image.id ?? "" };
    if (record && image.id) recordView(view);
    if (more) return;
    $("caption-heading").tabIndex = -1;
    $("caption-heading").focus();
  } catch (error) {
    status.textContent = "";
    showError(error);
  }
}

function renderCaptions(image, hits) {
  captionImage = image;
  $("caption-image-id").textContent = image.id ?? image.name;
  const img = $("caption-image");
  img.src = pictureUrl(image.metadata);
  img.alt = image.metadata?.title ?? image.id;
  $("caption-list").replaceChildren(...hits.map((hit, i) => {
    const item = document.createElement("li");
    item.className = "caption";
    // A caption is marked true when its metadata says which image it describes (the demo's captions do).
    const truth = hit.metadata?.image;
    if (truth === image.id) item.classList.add("true");
    const text = document.createElement("p");
    text.className = "text";
    text.textContent = hit.text;
    const facts = rankAndScore(i, hit);
    facts.append(" ");
    const id = document.createElement("span");
    id.className = "id";
    id.textContent = hit.id;
    facts.append(id);
    if (truth === image.id) {
      const mark = document.createElement("span");
      mark.className = "true-mark";
      mark.textContent = "✓ describes this image";
      facts.append(" ", mark);
    }
    item.append(text, facts, whyButton({ caption: { id: hit.id }, image: imageQuery(image) }, image.metadata));
    return item;
  }));
}

/** The "#rank score" line of a hit. */
function rankAndScore(index, hit) {
  const facts = document.createElement("p");
  facts.className = "facts";
  facts.innerHTML = `<span class="rank">#${index + 1}</span> <span class="score">${hit.score.toFixed(4)}</span>`;
  return facts;
}

/** A hit's "Why this matched" button: explains the pair, and gets the focus back when the explanation closes. */
function whyButton(request, imageMetadata) {
  const why = document.createElement("button");
  why.type = "button";
  why.className = "why";
  why.textContent = "Why this matched";
  why.addEventListener("click", () => explain(request, imageMetadata, why));
  return why;
}

async function explain(request, imageMetadata, opener) {
  clearError();
  const { model } = settings();
  try {
    const answer = await post("/search/explain", { ...request, model });
    // A photo's grid boxes come with the answer (nothing of it is stored); its picture is the page's own.
    openExplanation(answer, { ...answer.image?.metadata, ...imageMetadata }, opener);
  } catch (error) {
    showError(error);
  }
}

onViewChange(showView);
showView(currentView());
