// The storefront's "My orders" and order screen: the chat's /orders and /track, its actions and the PO number's correction.
import { api, count, el, fill, oneAtATime, showError, tg } from "./common.js";

// ``shop``: what the storefront lends its screens (``view``, ``show``, ``current``, ``t``, ``keepPlace``,
// ``refreshCartCount``).
export function orderScreens(shop) {
  const { view, show, current, t } = shop;

  const row = (order) => el("button", { type: "button", class: "order-row secondary", "data-order": order.code,
    on: { click: () => show({ screen: "order", code: order.code }) } },
    el("span", { class: "order-head" }, el("b", {}, order.code), el("span", { class: "badge" }, order.status_text)),
    el("span", { class: "order-foot muted" }, el("span", {}, order.placed), el("span", { class: "total" }, order.total.text)));

  // Newest first, a page at a time: "Show more" appends the next; as many pages as were shown when drawn again.
  async function ordersPage(where) {
    const still = current();
    const list = el("div", { class: "orders" });
    const more = el("button", { type: "button", class: "secondary more" }, t("more"));
    let next = 0, pages = 1;
    const load = async () => {
      const found = await api(`/app/api/shop/orders?page=${next}`);
      list.append(...found.orders.map(row));
      if (next === 0 && !found.orders.length) list.append(el("p", { class: "empty" }, t("no_orders")));
      next = found.page + 1;
      pages = found.pages;
      more.hidden = next >= pages;
    };
    more.addEventListener("click", oneAtATime(() => load().then(() => {
      where.pages = next;
      shop.keepPlace();
    }).catch((error) => showError(error.message || t("error")))));
    do await load(); while (next < (where.pages || 1) && next < pages && still());
    if (!still()) return;
    view.replaceChildren(el("h2", {}, t("my_orders")), list, more);
  }

  const panel = (part, title, ...children) => el("section", { class: "panel", "data-part": part },
    el("h3", {}, title), ...children);

  // A carrier's page opens in the phone's browser (Telegram's openLink), the Mini App staying open.
  function trackingLink(parcel) {
    if (!parcel.link || !parcel.link.startsWith("https://")) return null;
    return el("a", { href: parcel.link, class: "track", target: "_blank", rel: "noopener noreferrer",
      on: { click: (event) => { if (tg && tg.openLink) { event.preventDefault(); tg.openLink(parcel.link); } } } },
    t("track_parcel"));
  }

  // The buyer's PO number, with its correction while the order has not left (the server decides again).
  function poPanel(order, where) {
    if (!order.po_number && !order.po_editable) return null;
    const here = current();  // drawn with the order's screen: an answer after it was left redraws nothing
    const shown = el("p", { class: "po" }, order.po_number || "—");
    if (!order.po_editable) return panel("po", order.po_title || t("po_number"), shown);  // a channel's: its name
    const input = el("input", { name: "po_number", maxlength: order.po_limit, value: order.po_number,
      autocomplete: "off", "aria-label": t("po_number") });
    const form = el("form", { class: "po-edit stack", hidden: true },
      input, el("p", { class: "muted" }, t("po_hint")),
      el("button", { type: "submit", id: "po-save" }, t("save")));
    const open = el("button", { type: "button", class: "secondary", id: "po-open",
      on: { click: () => { form.hidden = false; open.hidden = true; input.focus(); } } },
    t(order.po_number ? "po_change" : "po_add"));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const save = form.querySelector("#po-save");
      if (save.disabled) return;
      save.disabled = true;
      const changed = await api(`/app/api/shop/orders/${encodeURIComponent(order.code)}/po`,
        { method: "POST", json: { po_number: input.value } })
        .catch((error) => { showError(error.message || t("error")); return null; });
      save.disabled = false;
      if (!changed || !here()) return;
      where.said = changed.said;
      await show({ ...where, read: changed, y: window.scrollY }, false);
    });
    return panel("po", t("po_number"), shown, open, form);
  }

  // What the chat offers for the order now (the server decides again on each): Pay in Telegram's own form,
  // Cancel after a "Yes", a return in the chat (its steps are the chat's), the receipt PDF downloaded.
  function actionsPanel(order, where) {
    const offered = order.actions;
    // Drawn with the order's screen: an answer coming after the customer left it (Back, 📦) redraws nothing.
    const here = current();
    const path = (action) => `/app/api/shop/orders/${encodeURIComponent(order.code)}/${action}`;
    const again = (said) => {
      if (!here()) return null;
      where.said = said;
      return show({ ...where, y: window.scrollY }, false);
    };
    const refused = (error) => {
      showError(error.message || t("error"));
      if (error.status === 409 && here()) show({ ...where, y: window.scrollY }, false).then(() => showError(error.message));
    };
    // 💳 Pay (an unpaid order) and 💳 Pay the difference (what an edit left): Telegram's invoice, the screen redrawn once paid.
    const invoice = (id, action, text) => el("button", { type: "button", id, on: { click: async () => {
      const asked = await api(path(action), { method: "POST", json: {} }).catch((error) => { refused(error); return null; });
      if (!asked) return;
      if (tg && tg.openInvoice) {
        tg.openInvoice(asked.invoice_link, (status) => { if (status === "paid") again(fill(t("paid"), { code: order.code })); });
      } else window.open(asked.invoice_link, "_blank", "noopener");
    } } }, text);
    const pay = offered.pay ? invoice("order-pay", "pay", t("pay")) : null;
    const payDifference = offered.pay_difference ? invoice("order-pay-difference", "pay-difference", t("pay_difference")) : null;
    const confirm = el("div", { class: "confirm", hidden: true, role: "alertdialog" },
      el("p", {}, fill(t("cancel_ask"), { code: order.code })),
      el("button", { type: "button", id: "cancel-yes", class: "danger", on: { click: async (event) => {
        event.currentTarget.disabled = true;
        const done = await api(path("cancel"), { method: "POST", json: {} }).catch((error) => { refused(error); return null; });
        if (done) await again(done.said);
      } } }, t("cancel_yes")),
      el("button", { type: "button", id: "cancel-no", class: "secondary",
        on: { click: () => { confirm.hidden = true; cancel.hidden = false; } } }, t("cancel_no")));
    const cancel = el("button", { type: "button", id: "order-cancel", class: "secondary",
      on: { click: () => { confirm.hidden = false; cancel.hidden = true; confirm.querySelector("#cancel-no").focus(); } } },
    t("cancel_order"));
    // The chat, opened at the return's first step (Telegram's openTelegramLink), the app closed over it.
    const chat = (id, link, text) => link ? el("a", { id, href: link, class: "button secondary", on: { click: (event) => {
      if (tg && tg.openTelegramLink) { event.preventDefault(); tg.openTelegramLink(link); tg.close && tg.close(); }
    } } }, text) : null;
    // The receipt and each credit or debit note correcting it (as the chat's /receipt sends them): a short-lived link each.
    const download = (id, action, text) => el("button", { type: "button", id, class: "secondary", on: { click: async () => {
      const got = await api(path(action), { method: "POST", json: {} }).catch((error) => { refused(error); return null; });
      if (!got) return;
      const url = new URL(got.url, window.location.href).href;
      if (tg && tg.downloadFile) tg.downloadFile({ url, file_name: got.file_name });
      else el("a", { href: url, download: got.file_name }).click();
    } } }, text);
    const receipt = download("order-receipt", "receipt", offered.receipt_label || t("receipt"));
    const notes = (offered.credit_notes || []).map((note) =>
      download(`order-credit-note-${note.number}`, `credit-notes/${note.number}`, note.label)).concat(
      (offered.debit_notes || []).map((note) =>
        download(`order-debit-note-${note.number}`, `debit-notes/${note.number}`, note.label)));
    // The chat's 🛒 Buy again: the cart is shown, with what could not go in it and why.
    const buyAgain = el("button", { type: "button", id: "order-buy-again", class: "secondary", on: { click: async () => {
      const got = await api(path("buy-again"), { method: "POST", json: {} }).catch((error) => { refused(error); return null; });
      if (!got) return;
      if (here()) await show({ screen: "cart", said: got.said });
      else await shop.refreshCartCount().catch(() => null);  // in the cart all the same: 🛒 says so
    } } }, t("buy_again"));
    const returns = offered.return_link ? el("p", { class: "muted" }, t("return_hint")) : null;
    const contact = offered.contact_link ? el("p", { class: "muted" }, t("contact_hint")) : null;
    return panel("actions", t("actions"), el("div", { class: "actions" }, pay, payDifference, offered.cancel ? cancel : null,
      offered.cancel ? confirm : null, chat("order-return", offered.return_link, t("return")),
      chat("order-exchange", offered.exchange_link, t("exchange")), returns, offered.receipt ? receipt : null, ...notes,
      offered.buy_again ? buyAgain : null, chat("order-contact", offered.contact_link, t("contact")), contact));
  }

  // ``where.read``: the order as the correction answered it; ``where.said``: what the correction did.
  async function orderPage(where) {
    const still = current();
    const order = where.read || await api(`/app/api/shop/orders/${encodeURIComponent(where.code)}`);
    if (!still()) return;
    const said = where.said;
    delete where.read;
    delete where.said;
    shop.keepPlace();
    const d = order.delivery;
    view.replaceChildren(el("article", { class: "order", "data-order": order.code },
      el("h2", {}, t("order_code", { code: order.code })),
      el("p", { class: "order-head" }, el("span", { class: "badge status" }, order.status_text),
        el("span", { class: "muted" }, order.placed)),
      said ? el("p", { class: "ok said", role: "status" }, said) : null,
      el("ul", { class: "lines" }, order.lines.map((line) => el("li", { "data-sku": line.sku },
        el("span", { class: "line" }, el("span", { class: "name" }, line.name),
          el("small", { class: "each muted" }, `× ${count(line.quantity)}`)),
        el("span", { class: "total" }, line.total.text)))),
      order.discounts.map((x) => el("p", { class: "discount muted" }, `🏷 ${x.label}: ${x.amount}`)),
      order.shipping ? el("p", { class: "shipping" }, `${t("shipping")}: ${order.shipping.text}`) : null,
      el("p", { class: "price total" }, `${t("total")}: ${order.total.text}`),
      d.method ? panel("delivery", t("delivery_title"), el("p", {}, d.method),
        d.where ? el("p", { class: "where" }, d.where) : null, d.when ? el("p", { class: "muted" }, d.when) : null) : null,
      panel("payment", t("payment_title"), el("p", {}, order.payment),
        order.payment_state.map((text) => el("p", { class: "muted" }, text))),
      order.tax_numbers.length ? panel("tax", t("tax_numbers"),
        order.tax_numbers.map((text) => el("p", {}, text))) : null,
      poPanel(order, where),
      actionsPanel(order, where),
      order.parcels.length ? panel("parcels", t("parcels"), el("ul", { class: "parcels" }, order.parcels.map((p) =>
        el("li", { "data-tracking": p.tracking },
          el("p", {}, `📦 ${p.carrier} · ${p.tracking}`),
          el("p", { class: "muted" }, p.state),
          p.lines.length ? el("p", { class: "muted" }, p.lines.join(", ")) : null,
          trackingLink(p))))) : null,
      order.returns.length ? panel("returns", t("returns"), order.returns.map((r) => el("p", {}, r.text))) : null,
      panel("timeline", t("timeline"), el("ol", { class: "timeline" },
        order.timeline.map((entry) => el("li", {}, `${entry.at} — ${entry.text}`)))),
    ));
  }

  return { ordersPage, orderPage };
}
