// The search page: text-to-image results as pictures, image-to-text from a chosen picture, and explanations.
import { post, apiKey, setApiKey } from "./api.js";
import { openExplanation } from "./explain.js";
import { pictureUrl } from "./pictures.js";
import { initPhotos } from "./photos.js";
import { showUnknownWords } from "./unknown-words.js";

const $ = id => document.getElementById(id);

const form = $("search-form");
const errorBox = $("error");
const status = $("status");

$("api-key").value = apiKey();
$("api-key").addEventListener("change", e => setApiKey(e.target.value.trim()));

form.addEventListener("submit", e => { e.preventDefault(); searchImages(); });
$("back").addEventListener("click", () => { show("images"); $("image-list").querySelector("button")?.focus(); });

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
  $("image-results").hidden = view !== "images";
  $("caption-results").hidden = view !== "captions";
}

function describeRun(answer, count, what, ms) {
  const reranked = answer.results[0]?.reranked;
  const mode = answer.mode === "shortlist" ? `shortlist: ${reranked} reranked exactly` : `exact: ${reranked} scored`;
  return `${count} ${what} in ${Math.round(ms)} ms (${answer.model.toUpperCase()}, ${mode})`;
}

async function searchImages() {
  const query = $("query").value.trim();
  if (!query) return;
  clearError();
  const { model, mode, k } = settings();
  status.textContent = "Searching…";
  const started = performance.now();
  try {
    const answer = await post("/search/text-to-image", { queries: [query], k, model, mode });
    const hits = answer.results[0].hits;
    status.textContent = describeRun(answer, hits.length, hits.length === 1 ? "image" : "images", performance.now() - started);
    renderImages(query, hits);
    show("images");
    showUnknownWords($("unknown-words"), answer.results[0].unknownWords);
  } catch (error) {
    status.textContent = "";
    showUnknownWords($("unknown-words"), []);
    showError(error);
  }
}

function renderImages(query, hits) {
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
    open.addEventListener("click", () => searchCaptions(hit));
    const facts = rankAndScore(i, hit);
    const id = document.createElement("p");
    id.className = "id";
    id.textContent = hit.id;
    item.append(open, facts, id, whyButton({ caption: { text: query }, image: { id: hit.id } }, hit.metadata));
    return item;
  }));
  $("image-results").hidden = false;
}

async function searchCaptions(image) {
  clearError();
  const { model, mode, k } = settings();
  status.textContent = `Finding captions for ${image.id ?? image.name}…`;
  const started = performance.now();
  try {
    const answer = await post("/search/image-to-text", { queries: [imageQuery(image)], k, model, mode });
    const hits = answer.results[0].hits;
    status.textContent = describeRun(answer, hits.length, hits.length === 1 ? "caption" : "captions", performance.now() - started);
    renderCaptions(image, hits);
    show("captions");
    $("caption-heading").tabIndex = -1;
    $("caption-heading").focus();
  } catch (error) {
    status.textContent = "";
    showError(error);
  }
}

function renderCaptions(image, hits) {
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
