// The staff dashboard: tiles the role may see, redrawn from each server-sent snapshot; every
// tile opens its detail view (#order/CODE, #product/SKU, #list/NAME, #chart), Back returns.
import { api, applyTheme, count, el, me, served, showError, tg } from "./common.js";

const tiles = document.getElementById("tiles");
const detail = document.getElementById("detail");
let strings = {};
let last = null;
let source = null; // the live stream, closed for good on signing out
let signedOut = false;
let routed = 0; // the view asked for last: one still loading when Back or another tile was pressed draws nothing
const t = (name) => strings[name] || name;

function revenue(amounts) {
  return amounts.map((amount) => amount.text).join(" + "); // formatted by the server, exactly; a quiet day's is 0 in the base
}

// Today's refunds owed and cash never collected, each when there is any, and the net they leave, as /report says it.
function givenBack(day) {
  if (!day.refunds.minor && !day.uncollected.minor) return [];
  const parts = [];
  if (day.refunds.minor) parts.push(`${t("refunds_owed")}: ${day.refunds.text}`);
  if (day.uncollected.minor) parts.push(`${t("uncollected")}: ${day.uncollected.text}`);
  parts.push(`${t("net")}: ${day.net.text}`);
  return [el("div", { "data-figure": "today_net" }, parts.join(" · "))];
}

function link(hash, ...content) {
  return el("a", { href: `#${hash}`, class: "open" }, ...content);
}

function tile(name, title, hash, ...content) {
  return el("section", { class: "tile", "data-tile": name }, el("h2", {}, link(hash, title)), ...content);
}

// The open returns' top reasons under their count: what to fix first (a run of "damaged" is the packing).
function reasons(top) {
  if (!top.length) return [];
  return [el("ul", { class: "reasons", "data-figure": "return_reasons" },
    top.map((r) => el("li", { "data-reason": r.reason }, `${r.label}: ${count(r.count)}`)))];
}

function figure(name, value) {
  return el("div", { class: "figure", "data-figure": name }, count(value));
}

// The chart is drawn by the server (numbers and escaped labels only) and parsed as SVG, never as HTML.
function chart(hourly) {
  const svg = new DOMParser().parseFromString(hourly.svg, "image/svg+xml").documentElement;
  return svg.nodeName === "svg" ? document.importNode(svg, true) : null;
}

function pickingTable(picking) {
  const stages = ["allocated", "picking", "picked", "packed"];
  return el("table", { class: "picking" },
    el("tr", {}, el("th", {}, ""), stages.map((s) => el("th", { "data-stage": s }, t(`stage_${s}`)))),
    Object.entries(picking).map(([code, counts]) => el("tr", { "data-warehouse": code },
      el("th", {}, link(`list/queue/${encodeURIComponent(code)}`, code)),
      stages.map((s) => el("td", { "data-stage": s }, count(counts[s]))))));
}

function draw(board) {
  last = board;
  const out = [];
  if (board.by_status) {
    const open = Object.entries(board.by_status).filter(([, n]) => n > 0);
    out.push(tile("by_status", t("by_status"), "list/queue", open.length
      ? el("ul", {}, open.map(([status, n]) => el("li", { "data-status": status }, `${board.status_labels[status] || status}: ${count(n)}`)))
      : el("p", { class: "muted" }, t("nothing"))));  // an empty box looked as if still loading
    out.push(tile("late", t("late"), "list/late", figure("late", board.late.length),
      el("p", {}, link("list/late", t("late_only")), " · ", link("list/on_hold", t("on_hold")))));
  }
  if (board.picking) out.push(tile("picking", t("picking"), "list/queue", pickingTable(board.picking)));
  if (board.hourly) out.push(tile("chart", t("by_hour"), "chart", chart(board.hourly)));
  if (board.today) {
    out.push(tile("today", t("today"), "chart", figure("today_orders", board.today.orders),
      el("div", { "data-figure": "today_revenue" }, revenue(board.today.revenue)), ...givenBack(board.today)));
    out.push(tile("last_week", t("last_week"), "chart", figure("last_week_orders", board.last_week.orders),
      el("div", { "data-figure": "last_week_revenue" }, revenue(board.last_week.revenue))));
    out.push(tile("unsent", t("unsent"), "list/unsent", figure("unsent", board.unsent)));
  }
  if (board.low_stock !== null) out.push(tile("low_stock", t("low_stock"), "list/low_stock", figure("low_stock", board.low_stock)));
  if (board.open_returns !== null) out.push(tile("open_returns", t("open_returns"), "list/open_returns", figure("open_returns", board.open_returns),
    ...reasons(board.return_reasons || [])));
  tiles.replaceChildren(...out);
  if (location.hash === "#chart") route();  // the chart's page follows the live figures too
}

// ---- detail views ----

function orderLink(code) { return link(`order/${encodeURIComponent(code)}`, code); }
function productLink(sku) { return link(`product/${encodeURIComponent(sku)}`, sku); }

function table(headings, rows) {
  return el("table", { class: "list" }, el("tr", {}, headings.map((h) => el("th", {}, h))),
    rows.map((cells) => el("tr", {}, cells.map((c) => el("td", {}, c)))));
}

const LISTS = {
  late: (x) => [orderLink(x.code), x.status_label, x.due || "—"],
  on_hold: (x) => [orderLink(x.code), x.placed],
  queue: (x) => [orderLink(x.code), x.warehouse, x.status_label, count(x.units)],
  low_stock: (x) => [productLink(x.sku), x.name, x.warehouse, `${x.available_text} / ${x.reorder_point_text}`, x.on_order_text || "—"],
  open_returns: (x) => [x.rma, orderLink(x.code), x.status_label, x.kind],
  unsent: (x) => [x.template, x.written, count(x.attempts), x.error],
};
const HEADINGS = {
  late: ["order", "status", "due"], on_hold: ["order", "placed"], queue: ["order", "warehouse", "status", "units"],
  low_stock: ["sku", "product", "warehouse", "available_reorder", "on_order"], open_returns: ["rma", "order", "status", "kind"],
  unsent: ["template", "written", "attempts", "last_error"],
};
const TITLES = { late: "late_only", on_hold: "on_hold", queue: "picking", low_stock: "low_stock", open_returns: "open_returns", unsent: "unsent" };

async function listView(name, warehouse) {
  if (!LISTS[name]) throw Object.assign(new Error(t("error")), { status: 404 });
  const query = warehouse ? `?warehouse=${encodeURIComponent(warehouse)}` : "";
  const found = await api(`/app/api/dashboard/lists/${name}${query}`);
  return [el("h2", {}, warehouse ? `${t(TITLES[name])} · ${warehouse}` : t(TITLES[name])),
    found.items.length
      ? table(HEADINGS[name].map(t), found.items.map(LISTS[name]))
      : el("p", { class: "muted" }, t("nothing"))];
}

async function orderView(code) {
  const o = await api(`/app/api/dashboard/orders/${encodeURIComponent(code)}`);
  return [
    el("h2", { "data-order": o.code }, `${t("order")} ${o.code} — ${o.status_label}`),
    o.customer ? el("p", {}, o.customer) : null,
    el("p", { "data-part": "payment" }, `${t("payment_title")}: ${o.payment}`),
    o.delivery ? el("p", { "data-part": "delivery" }, o.delivery.filter(Boolean).join(": ")) : null,
    Object.assign(table([t("sku"), t("product"), "×", ""],
      o.lines.map((x) => [productLink(x.sku), x.name, count(x.quantity), x.total.text])), { className: "list order-lines" }),
    o.discounts.map((x) => el("p", { class: "discount muted" }, `🏷 ${x.label}: ${x.amount}`)),
    o.shipping ? el("p", { class: "shipping" }, `${t("shipping")}: ${o.shipping.text}`) : null,
    el("p", { class: "price" }, `${t("total")}: ${o.total.text}`),
    Object.keys(o.allocations).length ? el("p", {}, Object.entries(o.allocations).map(([code, rows]) =>
      `🏬 ${code}: ${rows.map((r) => `${r.sku} × ${count(r.quantity)}`).join(", ")}`).join(" · ")) : null,
    o.picking.length ? table([t("bin"), t("sku"), t("picked")],
      o.picking.map((x) => [x.bin || "—", x.sku, `${count(x.picked)}/${count(x.quantity)}`])) : null,
    el("h3", {}, t("timeline")),
    el("ol", { class: "timeline" }, o.timeline.map((e) => el("li", { "data-status": e.status },
      `${e.at} — ${e.status_label} — ${e.who}${e.why ? ` (${e.why})` : ""}`))),
  ];
}

async function productView(sku) {
  const p = await api(`/app/api/dashboard/products/${encodeURIComponent(sku)}`);
  return [
    el("h2", { "data-sku": p.sku }, `${p.sku} — ${p.name}`),
    p.warehouses.map((w) => el("section", { class: "warehouse", "data-warehouse": w.code },
      el("h3", {}, `${w.code}: ${t("available")} ${count(w.available)} (${t("on_hand")} ${count(w.on_hand)}, ${t("reserved")} ${count(w.reserved)})`),
      table([t("bin"), t("quantity")], w.bins.map((b) => [b.bin, count(b.quantity)])))),
  ];
}

function chartView() {
  const hourly = last && last.hourly;
  if (!hourly) return [el("p", { class: "muted" }, t("nothing"))];
  const money = hourly.revenue ? Object.entries(hourly.revenue) : [];
  const rows = hourly.orders.map((n, hour) => [n, `${String(hour).padStart(2, "0")}:00`, count(n),
    ...money.map(([, perHour]) => perHour[hour].text)]);
  return [el("h2", {}, t("by_hour")), chart(hourly),
    table([t("hour"), t("orders"), ...money.map(([currency]) => `${t("revenue")}, ${currency}`)],
      rows.filter(([n]) => n !== 0).map(([, ...cells]) => cells))];
}

async function route() {
  const mine = ++routed;
  const [kind, ...rest] = location.hash.replace(/^#/, "").split("/").map(decodeURIComponent);
  if (!kind) {
    detail.hidden = true;
    tiles.hidden = false;
    tg && tg.BackButton && tg.BackButton.hide();
    return;
  }
  document.getElementById("error").hidden = true;
  try {
    const content = kind === "order" ? await orderView(rest[0])
      : kind === "product" ? await productView(rest[0])
      : kind === "list" ? await listView(rest[0], rest[1])
      : chartView();
    if (mine !== routed) return;
    // A view leaves out what it has not (null): replaceChildren would write it as the word "null".
    detail.replaceChildren(el("a", { href: "#", class: "back" }, `← ${t("dashboard")}`),
      ...content.flat().filter((part) => part !== null && part !== undefined));
  } catch (error) {
    if (mine !== routed) return;
    detail.replaceChildren(el("a", { href: "#", class: "back" }, `← ${t("dashboard")}`));
    showError(error.message || t("error"));
  }
  tiles.hidden = true;
  detail.hidden = false;
  tg && tg.BackButton && tg.BackButton.show();
}

async function connect() {
  const { ticket } = await api("/app/api/dashboard/ticket");
  if (signedOut) return;
  source = new EventSource(`/app/api/dashboard/events?ticket=${encodeURIComponent(ticket)}`);
  const live = document.getElementById("live");
  source.addEventListener("snapshot", (event) => {
    draw(JSON.parse(event.data));
    live.textContent = t("live");
    live.hidden = false;
  });
  source.onerror = () => {
    live.hidden = true;
    source.close();
    if (!signedOut) setTimeout(() => connect().catch(() => showError(t("error"))), 3000); // a fresh ticket each time
  };
}

// A browser signed in with /dashboard's link (a cookie session) signs out here: the session ends
// on the server, and the page keeps nothing it showed.
async function signOut() {
  await api("/app/api/logout", { method: "POST" });
  signedOut = true;
  routed += 1; // a view still loading is not drawn over the signed-out page
  if (source) source.close();
  for (const id of ["sign-out", "catalog-link", "live"]) document.getElementById(id).hidden = true;
  last = null;
  tiles.replaceChildren();
  detail.replaceChildren();
  detail.hidden = true;
  showError(t("signed_out"));
}

async function start() {
  applyTheme();
  try {
    const who = await me();
    strings = who.strings;
    document.getElementById("catalog-link").hidden = !who.catalog_admin; // managers and admins only
    const out = document.getElementById("sign-out");
    out.hidden = !who.csrf; // a browser session (Telegram's app has nothing to sign out of)
    out.addEventListener("click", () => signOut().catch((error) => showError(error.message || t("error"))));
    document.getElementById("title").textContent = t("dashboard");
    // The page is served before it knows its reader: its links and buttons are said in their language here.
    document.getElementById("catalog-link").textContent = t("catalog");
    out.textContent = t("sign_out");
    tg && tg.BackButton && tg.BackButton.onClick(() => { location.hash = ""; });
    window.addEventListener("hashchange", route);
    draw(await api("/app/api/dashboard"));
    await route();
    await connect();
  } catch (error) {
    tiles.replaceChildren();
    showError(error.status === 401 || error.status === 403 ? error.message : strings.error || served);
  }
}

start();
