// Calls the service's JSON API and turns problem+json answers into errors a person can read.

const keyStore = "sgraf-api-key";

export function apiKey() { return sessionStorage.getItem(keyStore) ?? ""; }
export function setApiKey(key) { key ? sessionStorage.setItem(keyStore, key) : sessionStorage.removeItem(keyStore); }

export class ApiError extends Error {
  constructor(status, title, detail, problem = null) {
    super(detail || title || `HTTP ${status}`);
    this.status = status;
    this.title = title;
    this.problem = problem;   // the problem+json as sent (errors per member, extensions), when there was one
  }
}

/** POSTs a JSON body; resolves to the JSON answer, rejects with an ApiError carrying the problem's detail. */
export function post(path, body) {
  return send(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

/** POSTs a FormData as multipart/form-data (the browser writes its boundary); answers as post does. */
export function postForm(path, form) { return send(path, { method: "POST", headers: {}, body: form }); }

/** GETs a JSON answer (the gallery's lists and items), as post does. */
export function get(path) { return send(path, { method: "GET", headers: {} }); }

async function send(path, request) {
  const headers = { ...request.headers, "Accept": "application/json" };
  const key = apiKey();
  if (key) headers["X-Api-Key"] = key;
  let response;
  try {
    response = await fetch(path, { ...request, headers });
  } catch (e) {
    throw new ApiError(0, "The service did not answer", `The service could not be reached (${e.message}).`);
  }
  if (response.ok) return response.json();
  throw await problem(response);
}

async function problem(response) {
  let json = null;
  try { json = await response.json(); } catch { /* not JSON: fall back to the status line */ }
  if (!json) return new ApiError(response.status, response.statusText, `${response.status} ${response.statusText}`);
  // Validation problems list their errors per member; show them all, each with where it was.
  const errors = json.errors ? Object.entries(json.errors).flatMap(([member, messages]) => messages.map(m => `${member}: ${m}`)) : [];
  // The detail of a validation problem only points at 'errors', which are what a person needs to read.
  const detail = errors.length > 0 ? errors.join(" ") : json.detail;
  const error = new ApiError(response.status, json.title, detail || json.title, json);
  error.retryAfter = Number(response.headers.get("Retry-After")) || 0;
  return error;
}
