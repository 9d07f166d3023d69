// A larger view of a picture: a dialog over the page, closed by Escape, its close button or a click beside the
// picture; the focus returns to what opened it.
import { pictureUrl } from "./pictures.js";

let dialog = null;

/** A "View larger" button for a gallery image ({ id, metadata }). */
export function viewLargerButton(image) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "larger link";
  button.textContent = "View larger";
  button.setAttribute("aria-label", `View ${image.metadata?.title ?? image.id} larger`);
  button.addEventListener("click", () => openLightbox(image, button));
  return button;
}

/** Shows the picture of a gallery image ({ id, metadata }) large, with its title and id. */
export function openLightbox(image, opener) {
  dialog ??= create();
  const img = dialog.querySelector("img");
  img.src = pictureUrl(image.metadata);
  img.alt = image.metadata?.title ?? image.id;
  dialog.querySelector(".lightbox-title").textContent = image.metadata?.title ?? "";
  dialog.querySelector(".lightbox-id").textContent = image.id;
  dialog.addEventListener("close", () => opener?.focus(), { once: true });
  dialog.showModal();
  dialog.querySelector(".dialog-close button").focus();
}

function create() {
  const box = document.createElement("dialog");
  box.id = "lightbox";
  box.setAttribute("aria-label", "Larger view");
  const close = document.createElement("form");
  close.method = "dialog";
  close.className = "dialog-close";
  const closeButton = document.createElement("button");
  closeButton.setAttribute("aria-label", "Close");
  closeButton.textContent = "×";
  close.append(closeButton);
  const figure = document.createElement("figure");
  const img = document.createElement("img");
  const caption = document.createElement("figcaption");
  const title = document.createElement("span");
  title.className = "lightbox-title";
  const id = document.createElement("span");
  id.className = "lightbox-id id";
  caption.append(title, " ", id);
  figure.append(img, caption);
  box.append(close, figure);
  // A click on the backdrop lands on the dialog itself (its content covers the rest).
  box.addEventListener("click", e => { if (e.target === box) box.close(); });
  document.body.append(box);
  return box;
}
