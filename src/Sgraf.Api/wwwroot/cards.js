// What a card says about its gallery item besides rank and score.

/** The item's metadata.title as a card's main text (its id then reads as secondary text); null when it has none. */
export function titleLine(metadata) {
  const title = metadata?.title;
  if (typeof title !== "string" || title.trim() === "") return null;
  const line = document.createElement("p");
  line.className = "title";
  line.textContent = title;
  return line;
}
