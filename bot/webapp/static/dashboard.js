// The staff dashboard: tiles the role may see, redrawn from each server-sent snapshot.
import { api, applyTheme, el, me, showError } from "./common.js";

const tiles = document.getElementById("tiles");
let strings = {};
const t = (name) => strings[name] || name;

function revenue(amounts) {
  return amounts.length ? amounts.map((amount) => amount.text).join(" + ") : "0"; // formatted by the server, exactly
}

function tile(name, title, ...content) {
  return el("section", { class: "tile", "data-tile": name }, el("h2", {}, title), ...content);
}

function figure(name, value) {
  return el("div", { class: "figure", "data-figure": name }, value);
}

function draw(board) {
  const out = [];
  if (board.by_status) {
    const open = Object.entries(board.by_status).filter(([, n]) => n > 0);
    out.push(tile("by_status", t("by_status"),
      el("ul", {}, open.map(([status, n]) => el("li", { "data-status": status }, `${board.status_labels[status] || status}: ${n}`)))));
    out.push(tile("late", t("late"), figure("late", board.late.length),
      el("ul", {}, board.late.slice(0, 10).map((code) => el("li", {}, code)))));
  }
  if (board.today) {
    out.push(tile("today", t("today"), figure("today_orders", board.today.orders),
      el("div", { "data-figure": "today_revenue" }, revenue(board.today.revenue))));
    out.push(tile("last_week", t("last_week"), figure("last_week_orders", board.last_week.orders),
      el("div", {}, revenue(board.last_week.revenue))));
    out.push(tile("unsent", t("unsent"), figure("unsent", board.unsent)));
  }
  if (board.low_stock !== null) out.push(tile("low_stock", t("low_stock"), figure("low_stock", board.low_stock)));
  if (board.open_returns !== null) out.push(tile("open_returns", t("open_returns"), figure("open_returns", board.open_returns)));
  tiles.replaceChildren(...out);
}

async function connect() {
  const { ticket } = await api("/app/api/dashboard/ticket");
  const source = new EventSource(`/app/api/dashboard/events?ticket=${encodeURIComponent(ticket)}`);
  const live = document.getElementById("live");
  source.addEventListener("snapshot", (event) => {
    draw(JSON.parse(event.data));
    live.textContent = t("live");
    live.hidden = false;
  });
  source.onerror = () => {
    live.hidden = true;
    source.close();
    setTimeout(() => connect().catch(() => showError(t("error"))), 3000); // a fresh ticket each time
  };
}

async function start() {
  applyTheme();
  try {
    const who = await me();
    strings = who.strings;
    document.getElementById("catalog-link").hidden = !who.catalog_admin; // managers and admins only
    document.getElementById("title").textContent = t("dashboard");
    draw(await api("/app/api/dashboard"));
    await connect();
  } catch (error) {
    tiles.replaceChildren();
    showError(error.status === 401 || error.status === 403 ? error.message : t("error"));
  }
}

start();
