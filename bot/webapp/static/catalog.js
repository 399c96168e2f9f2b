// The catalog admin: products found and filtered, one edited field by field (the chat's /product), photos, CSV import.
import { api, applyTheme, count, el, fill, me, served, showError, tg } from "./common.js";

// ``listed``, ``shown``: the list and the screen asked for last. An answer to an earlier one (the first
// page still loading when a search was typed, a product still coming when Back was pressed) draws nothing.
const state = { strings: {}, page: 0, pages: 1, product: null, listed: 0, shown: 0 };
const t = (name, values) => fill(state.strings[name] || name, values || {});
const $ = (id) => document.getElementById(id);

function relabel() {
  for (const node of document.querySelectorAll("[data-s]")) node.textContent = t(node.dataset.s);
  for (const node of document.querySelectorAll("[data-s-placeholder]")) node.placeholder = t(node.dataset.sPlaceholder);
  for (const node of document.querySelectorAll("[data-s-label]")) node.setAttribute("aria-label", t(node.dataset.sLabel));
}

function debounce(fn, ms) {
  let timer;
  return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
}

async function list() {
  const mine = ++state.listed;
  const params = new URLSearchParams({ q: $("q").value, status: $("status-filter").value,
    category: $("category-filter").value, page: state.page });
  const found = await api(`/app/api/catalog/products?${params}`).catch((error) => {
    if (mine === state.listed) throw error;
    return null;  // asked again since: the newer answer says what there is
  });
  if (mine !== state.listed) return;
  state.page = found.page;
  state.pages = found.pages;
  $("found").textContent = t("found", { n: count(found.total) });
  $("products").replaceChildren(...found.products.map((p) =>
    el("li", { "data-sku": p.sku, "data-id": p.id },
      el("span", {}, el("strong", {}, p.name), el("br"), el("span", { class: "sku" }, `${p.sku} · ${p.status_label} · ${p.category}`)),
      el("span", { class: "price" }, p.prices.map((price) => price.text).join(" · ")),
      el("button", { type: "button", class: "secondary open", on: { click: () => openProduct(p.id) } }, "›"))));
  $("prev").disabled = state.page <= 0;
  $("next").disabled = state.page + 1 >= state.pages;
}

// Previous / Next: a page that could not come (no connection) is said, and the pager stays where it was.
function turn(step) {
  state.page += step;
  list().catch((error) => {
    state.page -= step;
    showError(error.message || t("error"));
  });
}

function showList() {
  state.shown += 1;
  state.product = null;
  $("product-view").hidden = true;
  $("list-view").hidden = false;
  if (tg && tg.BackButton) tg.BackButton.hide();
  return list().catch((error) => showError(error.message || t("error")));
}

// A product that could not come (no connection) is said, and the list stays for the tap again;
// what came replaces the saying of it.
async function openProduct(id) {
  const mine = ++state.shown;
  const product = await api(`/app/api/catalog/products/${id}`).catch((error) => {
    if (mine === state.shown) showError(error.message || t("error"));
    return null;
  });
  if (!product || mine !== state.shown) return;
  $("error").hidden = true;
  drawProduct(product);
  $("list-view").hidden = true;
  $("product-view").hidden = false;
  if (tg && tg.BackButton) tg.BackButton.show();
  window.scrollTo(0, 0);
}

// A change goes to the server; the sheet it answers with is drawn, "Saved" under the form that sent it.
async function change(form, path, options) {
  const mine = state.shown;
  const message = form.querySelector(".error");
  message.hidden = true;
  // "Saved" of the change before goes: beside a refusal it read as if this one was saved.
  form.querySelectorAll(".ok").forEach((said) => said.remove());
  try {
    const sheet = await api(path, { method: "POST", ...options });
    if (mine === state.shown) drawProduct(sheet, form.dataset.name);  // not over the list Back went to
  } catch (error) {
    message.textContent = error.message || t("error");
    message.hidden = false;
  }
}

function note() {
  return el("p", { class: "error", role: "alert", hidden: true });
}

// A phone's keypad for an amount (a decimal comma or point, both taken) or grams, not its letters.
function keypad(name) {
  if (name === "cost" || name.startsWith("price_")) return "decimal";
  return name === "weight" ? "numeric" : null;
}

function fieldForm(product, field) {
  const input = field.multiline
    ? el("textarea", { name: field.field, maxlength: 3000 }, field.value)
    : el("input", { name: field.field, value: field.value, maxlength: 300, autocomplete: "off",
      inputmode: keypad(field.field),
      list: field.field === "category" ? "category-names" : null }); // a known category offered, a new one typed
  const form = el("form", { class: "edit", "data-name": field.field },
    el("label", {}, el("span", {}, field.label), input, el("span", { class: "hint" }, field.hint)),
    el("button", { type: "submit" }, t("save")), note());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    change(form, `/app/api/catalog/products/${product.id}`, { json: { field: field.field, value: input.value } });
  });
  return form;
}

function statusForm(product) {
  const select = el("select", { name: "status" }, state.statuses.map((s) =>
    el("option", { value: s.value, selected: s.value === product.status }, s.label)));
  const form = el("form", { class: "edit", "data-name": "status" },
    el("label", {}, el("span", {}, t("status")), select), el("button", { type: "submit" }, t("save")), note());
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    change(form, `/app/api/catalog/products/${product.id}/status`, { json: { status: select.value } });
  });
  return form;
}

function photosPanel(product) {
  const file = el("input", { type: "file", name: "photo", accept: "image/jpeg,image/png,image/webp", required: true });
  const upload = el("form", { class: "stack", "data-name": "photos" },
    el("label", {}, el("span", {}, t("upload")), file), el("button", { type: "submit" }, t("upload")), note());
  upload.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = new FormData();
    body.append("photo", file.files[0]);
    change(upload, `/app/api/catalog/products/${product.id}/photos`, { body });
  });
  const clear = el("form", { class: "stack", "data-name": "clear" },
    el("button", { type: "submit", class: "secondary", disabled: product.photos === 0 }, t("remove_photos")), note());
  clear.addEventListener("submit", (event) => {
    event.preventDefault();
    change(clear, `/app/api/catalog/products/${product.id}/photos/clear`, {});
  });
  return el("section", { class: "panel" }, el("h2", {}, t("photos")),
    el("p", { "data-figure": "photos" }, t("photo_count", { n: count(product.photos), limit: count(product.max_photos) })),
    product.cover ? el("img", { class: "cover", src: `${product.cover}?n=${product.photos}`, alt: "" }) : null,
    upload, clear);
}

function drawProduct(product, saved) {
  state.product = product;
  const history = product.history.length
    ? el("ul", { class: "history" }, product.history.map((c) =>
      el("li", {}, `${c.at} · ${c.actor} · ${c.field}: ${c.before || "—"} → ${c.after || "—"}`)))
    : el("p", { class: "hint" }, t("no_history"));
  $("product-view").replaceChildren(
    el("button", { type: "button", class: "secondary", id: "back", on: { click: showList } }, t("back")),
    el("h2", { "data-sku": product.sku }, `${product.name} · ${product.sku}`),
    el("p", { class: "hint" }, t("on_hand", { on_hand: count(product.on_hand), available: count(product.available) })),
    el("section", { class: "panel" }, statusForm(product), product.fields.map((f) => fieldForm(product, f))),
    photosPanel(product),
    el("section", { class: "panel" }, el("h2", {}, `${t("history")} (${count(product.changes)})`), history),
  );
  if (saved) {
    const form = document.querySelector(`#product-view form[data-name="${CSS.escape(saved)}"]`);
    if (form) form.append(el("p", { class: "ok", role: "status" }, product.notice ? `${t("saved")} ${product.notice}` : t("saved")));
  }
}

async function importFile(event) {
  event.preventDefault();
  const form = $("import-form");
  const result = $("import-result");
  const button = $("import-button");
  button.disabled = true;
  try {
    const done = await api("/app/api/catalog/import", { method: "POST", body: new FormData(form) });
    result.replaceChildren(el("p", { class: "ok", role: "status" }, done.summary));
    await list();
  } catch (error) {
    const problems = (error.body && error.body.problems) || [];
    result.replaceChildren(
      el("p", { class: "error", role: "alert" }, error.message || t("error")),
      el("ul", { class: "problems" }, problems.map((p) =>
        el("li", { "data-line": p.line }, `${t("line", { line: p.line })}: ${p.reason}`))),
      error.body && error.body.more ? el("p", { class: "hint" }, t("more_problems", { n: count(error.body.more) })) : null);
  } finally {
    button.disabled = false;
  }
}

async function start() {
  applyTheme();
  try {
    await me();
    const meta = await api("/app/api/catalog");
    state.strings = meta.strings;
    state.statuses = meta.statuses;
    relabel();
    $("status-filter").append(...meta.statuses.map((s) => el("option", { value: s.value }, s.label)));
    // The page came in the browser's language; the kinds are named in the reader's, as its words are.
    $("import-kind").replaceChildren(...meta.kinds.map((k) => el("option", { value: k.value }, k.label)));
    $("category-filter").append(...meta.categories.map((c) => el("option", { value: c.id }, c.name)));
    document.body.append(el("datalist", { id: "category-names" }, meta.categories.map((c) => el("option", { value: c.name }))));
    const again = () => { state.page = 0; list().catch((error) => showError(error.message)); };
    $("q").addEventListener("input", debounce(again, 300));
    $("status-filter").addEventListener("change", again);
    $("category-filter").addEventListener("change", again);
    $("filters").addEventListener("submit", (event) => { event.preventDefault(); again(); });
    $("prev").addEventListener("click", () => turn(-1));
    $("next").addEventListener("click", () => turn(1));
    $("import-form").addEventListener("submit", importFile);
    if (tg && tg.BackButton) tg.BackButton.onClick(showList);
    $("admin").hidden = false;
    await list();
  } catch (error) {
    showError(error.status === 401 || error.status === 403 ? error.message : state.strings.error || served);
  }
}

start();
