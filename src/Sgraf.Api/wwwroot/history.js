// Views in the browser's history: a search is ?q=…, a chosen image adds &image=… (or is ?image=… alone when it was
// chosen from the start view), and no parameter is the start view. So Back and Forward move between views, a reload
// shows the same one and a link shares it. The settings (model, mode, results) stay in the form, not the address.

/** The view the address names: { q, image }, each "" when absent. */
export function currentView() {
  const params = new URLSearchParams(location.search);
  return { q: params.get("q") ?? "", image: params.get("image") ?? "" };
}

/** Adds a view to the history, unless the address already names it (a search run again stays one entry). */
export function recordView(view) {
  const url = addressOf(view);
  if (url === location.pathname + location.search) return;
  // The state marks entries this page added, so its own Back button may use the browser's Back for them.
  history.pushState({ sgraf: true }, "", url);
}

/** Whether this page added the current entry, so the browser's Back returns to the view it came from. */
export function cameFromThisPage() { return history.state?.sgraf === true; }

/** Calls handler(view) when Back or Forward moves to another entry of this page. */
export function onViewChange(handler) { window.addEventListener("popstate", () => handler(currentView())); }

function addressOf({ q, image }) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  if (image) params.set("image", image);
  const search = params.toString();
  return location.pathname + (search ? `?${search}` : "");
}
