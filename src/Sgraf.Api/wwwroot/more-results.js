// "More results" under a list of hits. The searches take k but no offset, so the page runs the same search again with
// k grown by the number first asked for and shows that answer whole: hits come best first with ties broken by id, so
// its head is the list already shown and the new hits are its tail. A hit cannot show twice (one answer lists an id
// once), and should the gallery change in between, the ranks shown are still those of one answer.

// The service's default Sgraf:Limits:MaxK; a service configured lower answers a larger k with a 400 that says its limit.
const maxK = 1000;

/**
 * Wires `button` to run search(k) with k grown by the list's first k. Returns showing(hits, k, first), to call with
 * every answer the list shows (first: a new search, whose k is the step): the button shows while there may be more.
 */
export function wireMoreResults(button, search) {
  let count = 0;
  let step = 10;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await search(Math.min(count + step, maxK));
    } finally {
      button.disabled = false;
    }
  });
  return (hits, k, first) => {
    if (first) step = k;
    count = hits.length;
    button.hidden = hits.length < k || k >= maxK;
  };
}
