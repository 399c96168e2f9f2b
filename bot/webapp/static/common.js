// Shared by the storefront and the dashboard: Telegram's WebApp object, the API, safe DOM building.
export const tg = window.Telegram ? window.Telegram.WebApp : undefined;
let csrf = null;
// What the page was served saying when it fails before its words are read: its first failure (no
// connection) has nothing else to say it with.
export const served = (document.getElementById("error")?.textContent || "").trim();
let words = {};  // the page's words in the reader's language (/app/api/me), for what the browser says in English

function applyColours() {
  const root = document.documentElement.style;
  for (const [name, value] of Object.entries(tg.themeParams || {})) {
    root.setProperty(`--tg-theme-${name.replace(/_/g, "-")}`, value);
  }
  // The browser's own parts (a select's list, a radio, a date picker, scroll bars) follow the
  // scheme, not our colours: without it they stayed white in Telegram's dark theme.
  if (tg.colorScheme) root.colorScheme = tg.colorScheme;
}

export function applyTheme() {
  if (!tg) return;
  applyColours();
  tg.onEvent && tg.onEvent("themeChanged", applyColours); // the theme switched with the app open
  tg.ready();
  tg.expand && tg.expand();
}

export async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (tg && tg.initData) headers.Authorization = `tma ${tg.initData}`;
  if (csrf) headers[csrf.header] = csrf.token;
  if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(options.json);
  }
  let response;
  try {
    response = await fetch(path, { ...options, headers, credentials: "same-origin" });
  } catch (cause) {  // the network, not the shop: the browser's "Failed to fetch" is English and says nothing
    const error = new Error(words.offline || cause.message);
    error.status = 0;
    throw error;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {  // a proxy's page (502) has no detail: its status text is English too
    const error = new Error(body.detail || words.error || response.statusText);
    error.status = response.status;
    error.body = body; // a problem document may carry more (an import's line-numbered problems)
    throw error;
  }
  return body;
}

export async function me() {
  const who = await api("/app/api/me");
  if (who.csrf) csrf = { header: who.csrf_header, token: who.csrf };
  words = who.strings || {};
  document.documentElement.lang = who.language;
  return who;
}

// A count grouped as the server's format_number groups it, in the reader's language (en "12,345", ru "12 345").
export function count(n) {
  return new Intl.NumberFormat(document.documentElement.lang || undefined, { maximumFractionDigits: 0 }).format(n);
}

// Text only ever goes in as text: nothing a product name or a customer typed becomes markup.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "on") for (const [event, fn] of Object.entries(value)) node.addEventListener(event, fn);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function showError(message) {
  const box = document.getElementById("error");
  box.textContent = message;
  box.hidden = false;
  // The page's foot gets the room it covers (style.css): the last button scrolls clear of it, not under it for good.
  document.documentElement.style.setProperty("--error-room", `${box.offsetHeight}px`);
  box.onclick = () => { box.hidden = true; };  // it floats over the page: a tap puts it away
}

export function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? values[name] : `{${name}}`));
}

// A tap while the last one's answer is still coming does nothing: "Show more" tapped twice asked for
// the same page twice and showed it twice.
export function oneAtATime(action) {
  let running = null;
  return () => running || (running = action().finally(() => { running = null; }));
}
