// The storefront's checkout and the order placed: the chat's delivery, payment and review, as one form.
import { api, el, showError, tg } from "./common.js";

// ``shop``: what the storefront lends its screens (``view``, ``state``, ``show``, ``current``, ``t``, ``money``,
// ``mainButton``, ``refreshCartCount``).
export function checkoutScreens(shop) {
  const { view, state, show, current, t, money, mainButton, refreshCartCount } = shop;

  // The checkout as the customer left it (its fields, its key), kept for this tab and this customer:
  // Telegram's "Reload page", or the app reopened after the phone dropped it, lost it all.
  const saving = () => `ordergram.checkout.${state.customer}`;
  function saved() {
    try { return JSON.parse(sessionStorage.getItem(saving()) || "null"); } catch { return null; }
  }
  function keep(value) {
    try { value ? sessionStorage.setItem(saving(), JSON.stringify(value)) : sessionStorage.removeItem(saving()); } catch { /* private mode */ }
  }

  // An order placed: what it comes to (shipping and discounts in), and the way on.
  async function placedPage(where) {
    view.replaceChildren(  // with what it comes to, shipping and discounts in
      el("p", { class: "placed", "data-order": where.code }, t(where.said, { code: where.code })),
      // a delivery the shop made cheaper since the page was read: taken, and said (the server's words)
      where.note ? el("p", { class: "note", id: "placed-note" }, where.note) : null,
      el("p", { class: "price total" }, `${t("total")}: ${where.total}`),
      el("button", { type: "button", id: "track-order", on: { click: () => show({ screen: "order", code: where.code }) } },
        t("track_order")),  // where it goes from here, without going back to the chat
      el("button", { type: "button", class: "secondary", id: "shop-on",
        on: { click: () => { state.stack = []; show({ screen: "home" }); } } }, t("shop_on")));
  }

  // The checkout refused for what changed since it was read (409: a price, the cart, a product sold
  // out): it is read again as the cart now is, or, where it cannot be had (what the cart asks for is
  // not there to order), the cart is shown to change. What the customer typed stays for the checkout.
  async function readAgain(typed) {
    state.typed = typed;
    const still = current();
    const options = await api("/app/api/shop/checkout").catch(() => null);
    if (!still()) return;
    if (options) return show({ screen: "checkout", read: options }, false);
    state.stack.pop();  // the checkout: the cart it was opened from is shown
    return show({ screen: "cart" }, false);
  }

  // The two ways an order comes, as the chat's checkout offers them, each priced (a courier from its
  // cheapest rate, a pickup free); neither is chosen for the customer. ``parts``: what each asks for.
  function deliveryChoice(options) {
    const cheapest = options.shipping.reduce((low, q) => (!low || q.price.minor < low.price.minor ? q : low), null);
    const points = options.pickup_points;
    const way = (value, words, cost, offered) => el("label", { class: "choice" },
      el("input", { type: "radio", name: "delivery", value, disabled: !offered }),
      el("span", {}, words, " ", el("span", { class: "muted" }, cost)));
    return {
      choice: el("fieldset", { class: "delivery" }, el("legend", {}, t("delivery")),
        way("courier", t("by_courier"), cheapest ? t("from_price", { price: money(cheapest.price) }) : t("no_courier"),
          Boolean(cheapest)),
        way("pickup", t("at_pickup"), points.length ? t("free") : t("no_pickup"), points.length > 0),
        unanswered("delivery")),
      parts: [
        el("div", { class: "stack", "data-delivery": "courier", hidden: true },
          el("label", {}, t("courier"), el("input", { name: "address", autocomplete: "street-address",
            maxlength: options.limits.address, value: options.addresses.at(-1) || "", "aria-required": "true" })),
          unanswered("address"),
          // Each rate a radio beside its whole text: a <select>'s closed box cut it at 390 px, the arrival day lost.
          // The one there is is chosen; of several, the customer chooses (the first was checked, and its price paid
          // by a customer who never looked), as the points below.
          el("fieldset", { class: "rates" }, el("legend", {}, t("shipping")),
            options.shipping.map((q) => el("label", { class: "choice" },
              el("input", { type: "radio", name: "rate", value: q.id, checked: options.shipping.length === 1 }),
              el("span", {}, q.text))), unanswered("rate"))),
        // Each point a radio beside its whole name and address, as the rates: a <select>'s closed box cut it at 390 px,
        // the postcode lost. The one there is is chosen; of several, the customer chooses.
        el("div", { class: "stack", "data-delivery": "pickup", hidden: true },
          el("fieldset", { class: "points" }, el("legend", {}, t("pickup")),
            points.map((p) => el("label", { class: "choice" },
              el("input", { type: "radio", name: "pickup", value: p.id, checked: points.length === 1 }),
              el("span", {}, p.label))), unanswered("pickup"))),
      ],
      chosen: (form) => (form.querySelector('input[name="delivery"]:checked') || {}).value,
    };
  }

  // Where the checkout says what a field still needs: under it, in the reader's language (the browser's own
  // "Please fill out this field" bubble spoke in its own, and Telegram's Place order went round it).
  function unanswered(name) { return el("p", { class: "field-error", id: `${name}-error`, hidden: true }); }

  // What the checkout asks, in the form's order, each with what it says while unanswered. Nothing that costs the
  // customer a decision is made for them: a way to pay is chosen only where there is one.
  function questions(form, delivery) {
    const chosen = (name) => Boolean(form.querySelector(`input[name="${name}"]:checked`));
    const typed = (name) => Boolean(form.elements[name].value.trim());
    const way = () => delivery.chosen(form);
    return [
      { name: "phone", ask: "type_phone", missing: () => !typed("phone") },
      { name: "delivery", ask: "choose_delivery", missing: () => !way() },
      { name: "address", ask: "type_address", missing: () => way() === "courier" && !typed("address") },
      { name: "rate", ask: "choose_rate", missing: () => way() === "courier" && !chosen("rate") },
      { name: "pickup", ask: "choose_pickup", missing: () => way() === "pickup" && !chosen("pickup") },
      { name: "payment", ask: "choose_payment", missing: () => !chosen("payment") },
    ];
  }

  // A question's words under its field (``said``), or none; its controls say they are unanswered, and what to do.
  function markAnswer(form, name, said) {
    const slot = form.querySelector(`#${name}-error`);
    slot.textContent = said || "";
    slot.hidden = !said;
    for (const control of form.querySelectorAll(`[name="${name}"]`)) {
      if (said) {
        control.setAttribute("aria-invalid", "true");
        control.setAttribute("aria-describedby", slot.id);
      } else {
        control.removeAttribute("aria-invalid");
        control.removeAttribute("aria-describedby");
      }
    }
  }

  // Each question left unanswered said under its field, the focus on the first, its words on the screen with it.
  // True when all are answered.
  function answered(form, asked) {
    const missing = asked.filter((question) => question.missing());
    for (const question of asked) markAnswer(form, question.name, missing.includes(question) ? t(question.ask) : null);
    if (!missing.length) return true;
    document.getElementById("error").hidden = true;  // an earlier refusal over the screen's foot is not this
    const first = missing[0].name;
    const control = [...form.querySelectorAll(`[name="${first}"]`)].find((c) => !c.disabled);
    if (control) control.focus({ preventScroll: true });
    form.querySelector(`#${first}-error`).scrollIntoView({ block: "center" });  // the field and its words, under the bar
    return false;
  }

  // ``read``: the checkout's options, where read already.
  async function checkoutPage(read) {
    const still = current();
    const options = read || await api("/app/api/shop/checkout");
    if (!still()) return;
    const kept = saved() || {};
    // The same key after a reload: an order sent before it is found again, not placed twice.
    state.checkoutKey = state.checkoutKey || kept.key || crypto.randomUUID().replace(/-/g, "");
    const delivery = deliveryChoice(options);
    const cost = el("p", { class: "delivery-cost" });
    const total = el("p", { class: "total", hidden: true });  // not .price: that is the subtotal the page read
    // ``novalidate``: what is missing is said by the page (``answered``), in the reader's words, for both Place orders.
    const form = el("form", { class: "checkout", novalidate: true },
      el("label", {}, t("phone"), el("input", { name: "phone", type: "tel", autocomplete: "tel", "aria-required": "true",
        maxlength: options.limits.phone, value: options.phone })),
      unanswered("phone"),
      delivery.choice,
      delivery.parts,
      // How it is paid: the customer's to choose (the first method was checked, and an order placed with a way of
      // paying never chosen), unless there is one.
      el("fieldset", { class: "payment" }, el("legend", {}, t("pay_how")),
        el("p", { class: "no-invoice muted", id: "no-invoice", hidden: true }),  // why no invoice, as the chat says it
        options.payment.map((method) => el("label", { class: "choice" },
          el("input", { type: "radio", name: "payment", value: method, checked: options.payment.length === 1 }),
          el("span", { "data-payment": method }, t(method)))),
        unanswered("payment")),
      // A business's purchase order number: on the order, its invoice and packing slip, as in chat.
      options.po_number ? el("label", {}, t("po_number"), el("input", { name: "po_number",
        maxlength: options.limits.po_number })) : [],
      el("p", { class: "price" }, `${t("subtotal")}: ${money(options.subtotal)}`),
      (options.discounts || []).map((d) => el("p", { class: "discount muted" }, `🏷 ${d.label}: −${money(d.amount)}`)),
      cost,
      total,  // what the order comes to, discounts and the delivery chosen in, as the chat's review says it
      el("button", { type: "submit", id: "place-order" }, t("place_order")),
    );
    // What the way chosen asks for is shown, what it costs said, and cash is paid where the goods are handed over.
    const follow = () => {
      const how = delivery.chosen(form);
      for (const part of delivery.parts) part.hidden = part.dataset.delivery !== how;
      const picked = form.querySelector('input[name="rate"]:checked');
      const rate = picked && options.shipping.find((q) => String(q.id) === picked.value);
      const price = how === "pickup" ? t("free") : how === "courier" && rate ? money(rate.price) : null;
      cost.textContent = price ? t("delivery_cost", { price }) : "";
      cost.hidden = !price;
      const sum = how === "pickup" ? options.total : how === "courier" && rate ? rate.total : null;
      total.textContent = sum ? `${t("total")}: ${money(sum)}` : "";
      total.hidden = !sum;
      const cod = form.querySelector('[data-payment="cod"]');
      if (cod) cod.textContent = t(how === "pickup" ? "cod_pickup" : "cod");
      // An invoice the credit limit would refuse for the way chosen is left out, and one line (text) says why; no
      // way chosen yet: the goods alone (a pickup's).
      const why = (how === "courier" && rate ? rate.no_invoice : options.no_invoice) || "";
      const said = form.querySelector("#no-invoice");
      said.textContent = why;
      said.hidden = !why;
      const invoice = form.querySelector('input[name="payment"][value="invoice"]');
      if (invoice) {
        if (why) invoice.checked = false;
        invoice.closest("label").hidden = Boolean(why);
      }
    };
    const asked = questions(form, delivery);
    // A question's words go as it is answered; none is said before Place order is tapped.
    const recheck = () => {
      for (const { name, missing } of asked) {
        if (!form.querySelector(`#${name}-error`).hidden && !missing()) markAnswer(form, name, null);
      }
    };
    form.addEventListener("input", recheck);
    form.addEventListener("change", () => { follow(); recheck(); });
    const button = form.querySelector("#place-order");
    const submit = async (event) => {
      event && event.preventDefault();
      // One order on its way at a time: a second tap (or the MainButton's) sent it again, and a
      // card payment's form opened once per tap.
      if (button.disabled) return;
      if (!answered(form, asked)) return;  // nothing sent: what is missing is said beside it
      const how = delivery.chosen(form);
      button.disabled = true;
      tg && tg.MainButton && tg.MainButton.showProgress && tg.MainButton.showProgress();
      const done = () => {
        button.disabled = false;
        tg && tg.MainButton && tg.MainButton.hideProgress && tg.MainButton.hideProgress();
      };
      const data = new FormData(form);
      const order = { key: state.checkoutKey, phone: data.get("phone"), payment: data.get("payment"),
        subtotal: { minor: options.subtotal.minor, currency: options.subtotal.currency } };  // ordered only at it
      if (data.get("po_number")) order.po_number = data.get("po_number");
      // Only what the way chosen takes: a pickup point left unchosen is refused, not sent to an address.
      if (how === "pickup") order.pickup_id = data.get("pickup") ? Number(data.get("pickup")) : null;
      else Object.assign(order, { address: data.get("address"), rate_id: Number(data.get("rate")) });
      // The delivery's price and the total the page said, ordered only at them: a rate changed since is a 409.
      const rate = how === "courier" && options.shipping.find((q) => String(q.id) === data.get("rate"));
      const sum = how === "pickup" ? options.total : rate ? rate.total : null;
      if (rate) order.shipping = { minor: rate.price.minor, currency: rate.price.currency };
      if (sum) order.total = { minor: sum.minor, currency: sum.currency };
      const placed = await api("/app/api/shop/checkout", { method: "POST", json: order })
        .catch(async (error) => {
          done();  // refused or not sent: the customer may tap again
          if (error.status === 409 && still()) await readAgain(data);  // then what changed is said (not if left)
          showError(error.message || t("error"));
          return null;
        });
      tg && tg.MainButton && tg.MainButton.hideProgress && tg.MainButton.hideProgress();
      if (!placed) return;
      state.checkoutKey = null;
      state.typed = null;
      keep(null);
      await refreshCartCount();
      // The order said as a screen over the shop (the checkout gone from Back): Telegram's Back button,
      // shown at the checkout, did nothing here, and a reload said nothing of the order.
      state.stack = [{ screen: "home" }];
      const receipt = { screen: "placed", code: placed.code, total: money(placed.total), note: placed.note || "",
        said: placed.invoice_link ? "unpaid" : "placed" };
      await show(receipt);
      if (placed.invoice_link && tg && tg.openInvoice) {
        // Telegram's own payment form, over the app; the status says how it closed.
        tg.openInvoice(placed.invoice_link, (status) => {
          receipt.said = status === "paid" ? "paid" : "unpaid";
          if (state.stack[state.stack.length - 1] === receipt) show(receipt, false);
        });
      }
    };
    form.addEventListener("submit", submit);
    for (const [name, value] of state.typed ? state.typed.entries() : Object.entries(kept.fields || {})) {
      const field = form.elements[name];
      if (field && field.type !== undefined && field.type !== "radio") field.value = value;
      else form.querySelectorAll(`input[name="${name}"]`).forEach((radio) => { radio.checked = radio.value === value && !radio.disabled; });
    }
    follow();
    const remember = () => keep({ key: state.checkoutKey, fields: Object.fromEntries(new FormData(form)) });
    form.addEventListener("input", remember);
    form.addEventListener("change", remember);
    remember();
    view.replaceChildren(el("h2", {}, t("checkout")), form);
    mainButton(t("place_order"), submit);
  }

  return { checkoutPage, placedPage };
}
