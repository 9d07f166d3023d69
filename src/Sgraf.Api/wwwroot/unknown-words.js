// Says which words of a query the model does not know (the search's unknownWords): it reads each as <unk> and ranks
// on what is left, so without this note a query of unknown words looks like a confident answer.

/** Shows the note in `element` for a result's unknownWords, or hides it when the model knows every word. */
export function showUnknownWords(element, unknownWords) {
  const words = wordsToTell(unknownWords);
  element.hidden = words.length === 0;
  element.textContent = words.length === 0 ? ""
    : `The model does not know: ${words.join(", ")}. It ranked the pictures on the other words only.`;
}

/** The unknown words worth telling: punctuation is <unk> too, but saying the model does not know "," reads as noise. */
export function wordsToTell(unknownWords) {
  return (unknownWords ?? []).filter(w => /[\p{L}\p{N}]/u.test(w));
}
