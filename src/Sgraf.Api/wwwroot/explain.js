// The "why this matched" dialog: the model's own weights for one (caption, image) pair, from POST /search/explain.
import { pictureUrl, regionBoxes } from "./pictures.js";

const $ = id => document.getElementById(id);
const svgNs = "http://www.w3.org/2000/svg";
const topRegions = 3;
const percent = w => `${(100 * w).toFixed(1)}%`;
const flatWithin = 0.001;   // the precision percent() shows

let current = null;   // { answer, chosen: index into explanations, boxes }

/** Fills the dialog from an explanation and opens it; focus returns to the opener when it closes. */
export function openExplanation(answer, metadata, opener) {
  const dialog = $("explain");
  current = { answer, chosen: 0, boxes: null };
  $("explain-title").textContent = `Why “${answer.caption.text}” matched ${answer.image.id ?? metadata?.title ?? "this image"}`;
  $("explain-score").textContent = scoreLine(answer);
  renderModelChoice(answer);
  renderWords();
  renderTables(answer);
  $("explain-word-detail").textContent = "";
  drawBoxes([]);

  const img = $("explain-image");
  img.alt = metadata?.title ?? answer.image.id ?? "the image";
  img.onload = () => {
    current.boxes = regionBoxes(metadata, img.naturalWidth, img.naturalHeight);
    const svg = $("explain-boxes");
    if (current.boxes) svg.setAttribute("viewBox", `0 0 ${current.boxes.width} ${current.boxes.height}`);
    $("explain-boxes-note").textContent = current.boxes
      ? "Boxes: the regions the word you point at attended to most (darker is more)."
      : "This image's metadata has no region boxes, so regions are listed by number only.";
  };
  img.src = pictureUrl(metadata);
  dialog.addEventListener("close", () => opener?.focus(), { once: true });
  dialog.showModal();
  $("explain-words").querySelector("button")?.focus();
}

function scoreLine(answer) {
  const parts = answer.explanations.map(e => `${e.model.toUpperCase()} ${e.score.toFixed(4)}`);
  const main = `${answer.model.toUpperCase()} score ${answer.score.toFixed(4)}`;
  return answer.explanations.length > 1 ? `${main}: the mean of ${parts.join(" and ")}.` : `${main}.`;
}

function renderModelChoice(answer) {
  const choice = $("explain-model-choice");
  choice.querySelectorAll("label").forEach(l => l.remove());
  choice.hidden = answer.explanations.length < 2;
  answer.explanations.forEach((e, i) => {
    const label = document.createElement("label");
    const radio = document.createElement("input");
    radio.type = "radio";
    radio.name = "explain-model";
    radio.value = String(i);
    radio.checked = i === current.chosen;
    radio.addEventListener("change", () => { current.chosen = i; renderWords(); });
    label.append(radio, ` ${e.model.toUpperCase()}`);
    choice.append(label);
  });
}

/** Words shaded by SAF's filtration weight (or SGR's edge weight when only SGR explained the match). */
function renderWords() {
  const { answer } = current;
  const saf = answer.explanations.find(e => e.model === "saf");
  const shading = saf ?? answer.explanations[0];
  const weightOf = w => (shading.model === "saf" ? w.filtration : w.edge) ?? 0;
  const max = Math.max(...shading.words.map(weightOf), 1e-12);
  const words = $("explain-words");
  words.replaceChildren(...shading.words.map(w => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "word";
    button.textContent = w.word;
    button.dataset.index = String(w.index);
    button.style.setProperty("--weight", (weightOf(w) / max).toFixed(3));
    button.setAttribute("aria-label", `${w.word}: ${shading.model.toUpperCase()} weight ${percent(weightOf(w))}`);
    const focus = () => showWord(w.index);
    button.addEventListener("mouseenter", focus);
    button.addEventListener("focus", focus);
    return button;
  }));
}

function showWord(index) {
  const explanation = current.answer.explanations[current.chosen];
  const word = explanation.words.find(w => w.index === index);
  if (!word) return;
  const top = word.attention.slice(0, topRegions);
  $("explain-word-detail").textContent = `${explanation.model.toUpperCase()}: “${word.word}” attends to `
    + top.map(a => `region ${a.region} (${percent(a.weight)})`).join(", ") + ".";
  $("explain-words").querySelectorAll("button").forEach(b => b.classList.toggle("active", b.dataset.index === String(index)));
  drawBoxes(top);
}

function drawBoxes(attention) {
  const svg = $("explain-boxes");
  svg.replaceChildren();
  if (!current?.boxes) return;
  const strongest = attention[0]?.weight ?? 1;
  for (const a of attention) {
    const box = current.boxes.boxes[a.region];
    if (!box) continue;
    const [x1, y1, x2, y2] = box;
    const rect = document.createElementNS(svgNs, "rect");
    rect.setAttribute("x", x1);
    rect.setAttribute("y", y1);
    rect.setAttribute("width", Math.max(0, x2 - x1));
    rect.setAttribute("height", Math.max(0, y2 - y1));
    rect.setAttribute("class", "region");
    rect.dataset.region = String(a.region);
    rect.style.setProperty("--weight", (a.weight / strongest).toFixed(3));
    svg.append(rect);
  }
}

function renderTables(answer) {
  $("explain-tables").replaceChildren(...answer.explanations.map(e => {
    const table = document.createElement("table");
    const caption = table.createCaption();
    caption.textContent = e.model === "sgr"
      ? `SGR ${e.score.toFixed(4)}: edge weights from the global node in the last reasoning step`
      : `SAF ${e.score.toFixed(4)}: how much each similarity counted (filtration)`;
    const weights = [e.model === "sgr" ? e.globalEdge : e.globalFiltration, ...e.words.map(w => e.model === "sgr" ? w.edge : w.filtration)];
    // A weight column equal in every row to the precision shown (SGR's edges are 1/(words + 1) each with the demo model)
    // says nothing about which word mattered and looks broken: it is left out and the caption says what it means.
    const flat = weights.every(w => w != null) && Math.max(...weights) - Math.min(...weights) < flatWithin;
    table.classList.toggle("flat", flat);
    if (flat) caption.append(document.createElement("br"), flatNote(e.model, weights.reduce((a, b) => a + b) / weights.length));
    const head = table.createTHead().insertRow();
    for (const h of ["Word", "Top regions", ...(flat ? [] : [e.model === "sgr" ? "Edge" : "Weight"])]) {
      const th = document.createElement("th");
      th.textContent = h;
      head.append(th);
    }
    const body = table.createTBody();
    const regions = w => w.attention.slice(0, topRegions).map(a => `${a.region} (${percent(a.weight)})`).join(", ");
    addRow(body, ["(whole caption)", "", ...(flat ? [] : [weights[0]])]);
    e.words.forEach((w, i) => addRow(body, [w.word, regions(w), ...(flat ? [] : [weights[i + 1]])]));
    return table;
  }));
}

function flatNote(model, weight) {
  const note = document.createElement("span");
  note.className = "flat-column";
  note.textContent = model === "sgr"
    ? `Edge: equal for every word (${percent(weight)}): this model's last reasoning step weighs all words alike, so its edges do not single out a word.`
    : `Weight: equal for every word (${percent(weight)}): SAF let every similarity count alike for this pair.`;
  return note;
}

/** A table row: text cells, and a weight (a number, shown as a percentage) in the last cell when there is one. */
function addRow(body, cells) {
  const row = body.insertRow();
  cells.forEach((cell, i) => {
    row.insertCell().textContent = i < 2 ? cell : (cell == null ? "" : percent(cell));
  });
}
