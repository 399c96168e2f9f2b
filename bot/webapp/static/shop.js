// The storefront: categories, search, a product grid, a product page, the cart (the chat's); checkout in checkout.js.
import { api, applyTheme, count, el, fill, me, oneAtATime, served, showError, tg } from "./common.js";
import { checkoutScreens } from "./checkout.js";
import { orderScreens } from "./orders.js";

const view = document.getElementById("view");
// ``typed``: the checkout form as the customer left it when the order was refused for a change.
// ``adding``: the products whose "Add to cart" is on its way. ``drawn``: the screen on view (``settled``
// is it once scrolling may be noted).
const state = { strings: {}, stack: [], cartCount: 0, checkoutKey: null, shown: 0, typed: null, adding: new Set(),
  drawn: null };
const t = (name, values) => fill(state.strings[name] || name, values || {});

// Where the customer is, and the screens Back leads through, as plain data (``screen`` and what it
// shows, ``pages`` of a list shown, ``y`` scrolled to) kept for this tab and this customer: Telegram
// reloads a Mini App often, and a reload opened the categories, the customer's place lost. Kept with
// the page's address: a chat card's "Open in shop" (?product=ID) opens its product, not the last place.
const placing = () => `ordergram.where.${state.customer}`;
function keptPlace() {
  try {
    const kept = JSON.parse(sessionStorage.getItem(placing()) || "null");
    const ok = kept && kept.from === window.location.search && Array.isArray(kept.stack) && kept.stack.length;
    return ok && kept.stack.every((where) => where && where.screen in SCREENS) ? kept.stack : null;
  } catch { return null; }
}
function keepPlace() {
  const plain = (name, value) => (name === "read" ? undefined : value);  // a checkout's options are read again
  try {
    sessionStorage.setItem(placing(), JSON.stringify({ from: window.location.search, stack: state.stack }, plain));
  } catch { /* private mode */ }
}
function notePlace() {
  const top = state.stack[state.stack.length - 1];
  if (!top || top !== state.settled) return false;  // a screen still drawing: not its place yet
  top.y = Math.round(window.scrollY);
  return true;
}
let keeping = null;  // the place is written once scrolling stops, not each frame
function scrolled() {
  if (!notePlace()) return;
  clearTimeout(keeping);
  keeping = setTimeout(keepPlace, 250);
}
// Leaving (a reload, the app closed): the place as it is now. A scroll's event comes with the next
// frame, and a reload right after the scroll came before it, the place kept from before the scroll.
function leaving() {
  notePlace();
  keepPlace();
}

function money(value) { return value ? value.text : "—"; }
// A name as a button's spoken label takes: a 5,000-character one is not read out whole each time.
function short(name) { return name.length > 80 ? `${name.slice(0, 79)}…` : name; }

// Only the screen asked for last is drawn: one still loading when another is opened (a slow
// connection, a quick tap on 🛒) draws nothing when its answer comes. A screen takes
// current() before its first request and draws only while it says true.
function current() {
  const mine = state.shown;
  return () => mine === state.shown;
}

const orders = orderScreens({ view, show, current, t, keepPlace, refreshCartCount });
const checkout = checkoutScreens({ view, state, show, current, t, money, mainButton, refreshCartCount });

// The screens, each drawn from where it is (``where``, kept): what Back and a reload draw again.
const SCREENS = {
  home: (where) => home(where),
  grid: (where) => grid(where),
  product: (where) => productPage(where),
  cart: (where) => cartPage(where),  // ``where.said``: what Buy again could not add, and why
  checkout: (where) => checkout.checkoutPage(where.read),
  placed: (where) => checkout.placedPage(where),
  orders: (where) => orders.ordersPage(where),  // "My orders", then one order as /track shows it
  order: (where) => orders.orderPage(where),
};

// ``push``: a screen opened over this one (Back returns); otherwise it replaces this one (another
// variant, the cart redrawn). True once drawn; a failure is said, and the screen leaves Back's history
// (what it replaced is put back): Back returned to the screen that never came, its failure said again.
function show(where, push = true) {
  state.shown += 1;
  state.settled = null;
  const place = push || !state.stack.length ? state.stack.length : state.stack.length - 1;
  const replaced = state.stack[place];
  state.stack[place] = where;
  keepPlace();
  document.getElementById("error").hidden = true;
  showBack();
  if (tg && tg.MainButton) tg.MainButton.hide();
  const still = current();
  return SCREENS[where.screen](where).then(() => {
    if (!still()) return true;
    const back = where.y !== undefined;  // returned to (Back, a reload): where the reader was on it
    if (lostFocus()) focusHeading(back);
    if (back) window.scrollTo(0, where.y);
    state.settled = state.drawn = where;
    return true;
  }).catch((error) => {
    const said = error.message || t("error");
    const at = state.stack.indexOf(where);  // a screen opened over it meanwhile keeps its place
    // The bottom one stays: with none left, 🛒 and 📦 had no screen to open theirs over and did nothing.
    if (at >= 0 && (at > 0 || replaced)) {
      if (at === place && replaced) state.stack[at] = replaced;
      else state.stack.splice(at, 1);
      keepPlace();
      showBack();
    }
    // Left before it failed (another screen asked for since): that one is on view, and this failure is not its.
    if (!still()) return false;
    showError(said);
    const top = state.stack[state.stack.length - 1];
    if (top === where || top === state.drawn) {
      if (top === state.drawn) state.settled = top;  // on view still: its place noted as it scrolls
      return false;
    }
    // What Back now leads from was never drawn: it was still loading when this one was opened over it (its
    // answer is not drawn), or no screen was drawn yet (the shop's start is). The customer saw the last screen
    // with Back leading past it, or an empty page. It is drawn, this one's failure said over it as it comes.
    if (!state.drawn) state.stack = [];
    const drawing = show(state.drawn ? top : { screen: "home" }, false);
    showError(said);
    return drawing.then(() => false);
  });
}

function showBack() {
  if (tg && tg.BackButton) state.stack.length > 1 ? tg.BackButton.show() : tg.BackButton.hide();
}

// The button pressed is drawn over by the new screen: the focus goes to its heading, so a
// keyboard or a screen reader goes on from there, not from the top of the page. A field the
// reader is typing in (the search) keeps it.
function lostFocus() { return !document.activeElement || document.activeElement === document.body; }

function focusHeading(stay) {
  const heading = view.querySelector("h2");
  if (!heading) return;
  heading.tabIndex = -1;
  heading.focus({ preventScroll: stay });
}

function back() {
  if (state.stack.length > 1) {
    state.stack.pop();
    show(state.stack[state.stack.length - 1], false);
  }
}

function mainButton(text, action) {
  if (!tg || !tg.MainButton) return;
  tg.MainButton.setText(text);
  tg.MainButton.offClick(state.mainAction || (() => {}));
  state.mainAction = action;
  tg.MainButton.onClick(action);
  tg.MainButton.show();
}

async function refreshCartCount(cart) {
  const current = cart || (await api("/app/api/shop/cart"));
  state.cartCount = current.lines.reduce((n, line) => n + line.quantity, 0);
  document.getElementById("cart-count").textContent = count(state.cartCount);
  document.getElementById("cart-button").setAttribute("aria-label", t("cart_button", { n: count(state.cartCount) }));
  return current;
}

// A product with options is shown by one of its variants: its page is where one is chosen
// (adding from here put a variant nobody chose in the cart; its stock is not the others').
function productCard(product) {
  const open = () => show({ screen: "product", id: product.id });
  return el("article", { class: "card", "data-sku": product.sku },
    product.photo ? el("img", { src: product.photo, alt: "", loading: "lazy" }) : null,
    el("span", { class: "name" }, product.name),
    el("span", { class: "price" },  // "from" the lowest when its variants are priced differently
      product.lowest ? t("from_price", { price: money(product.lowest) }) : money(product.price)),
    product.terms ? el("span", { class: "terms muted" }, product.terms) : null,  // what "Add" puts in: the minimum, packs
    product.variant
      ? el("button", { type: "button", class: "choose", on: { click: open } }, t("choose"))
      : product.can_add
        ? el("button", { type: "button", class: "add", on: { click: () => addToCart(product) } }, addLabel(product))
        : el("span", { class: "muted" }, product.stock_text),  // sold out, discontinued or not for sale here
    el("button", { type: "button", class: "secondary open", "aria-label": t("details", { name: short(product.name) }),
      on: { click: open } }, "›"),
  );
}

// "Add to cart", or what the chat's card offers for a sold-out one: to preorder it, or to order it now.
function addLabel(product) { return t(product.waits || "add"); }

// One more step of what the customer's price list allows (its minimum first, then whole packs).
async function addToCart(product) {
  // One add of a product at a time: a second tap before the first came back read the same cart and
  // asked for the same quantity (two taps added one, and the phone buzzed "added" twice).
  if (state.adding.has(product.id)) return null;
  state.adding.add(product.id);
  const buttons = [...document.querySelectorAll(`[data-sku="${CSS.escape(product.sku)}"] button.add`)];
  buttons.forEach((button) => { button.disabled = true; });
  // Both requests' failures are said: a lost connection on the first one did nothing at all.
  const updated = await api("/app/api/shop/cart").then((cart) => {
    const line = cart.lines.find((l) => l.product_id === product.id);
    return api("/app/api/shop/cart", {
      method: "POST", json: { product_id: product.id, quantity: line ? line.up : product.next },
    });
  }).catch((error) => { showError(error.message || t("error")); return null; })
    .finally(() => {
      state.adding.delete(product.id);
      buttons.forEach((button) => { button.disabled = false; });
    });
  if (updated) {
    await refreshCartCount(updated);
    tg && tg.HapticFeedback && tg.HapticFeedback.notificationOccurred("success");
  }
  return updated;
}

// A category's (or a search's) list, as a screen.
const listing = (query, title) => ({ screen: "grid", query, title });

async function home(where) {
  const still = current();
  const categories = await api("/app/api/shop/categories");
  if (!still()) return;
  view.replaceChildren(
    el("h2", {}, t("categories")),
    el("div", { class: "chips" }, categories.map((c) =>
      el("button", { type: "button", "data-category": c.id, on: { click: () => show(listing({ category: c.id }, c.name)) } },
        `${c.name} (${count(c.count)})`))),
  );
  // The first category's products under them; its pages shown are the home screen's.
  if (categories.length) await grid({ ...where, query: { category: categories[0].id }, title: categories[0].name }, where);
}

// A category's (or a search's) products a page at a time: "Show more" appends the next page; as
// many pages as were shown when it is drawn again. ``into``: the home screen it is drawn under.
async function grid(where, into = null) {
  const { query, title } = where;
  const still = current();
  const chips = el("div", { class: "chips" });  // a category's own categories, above its products
  const cards = el("div", { class: "grid" });
  const corrected = el("p", { class: "muted corrected", hidden: true });  // a mistyped search, searched as corrected
  const more = el("button", { type: "button", class: "secondary more" }, t("more"));
  const trail = el("nav", { class: "trail muted" });  // where the category is: each step above it opens
  let next = 0, pages = 1;
  const load = async () => {
    const found = await api(`/app/api/shop/products?${new URLSearchParams({ ...query, page: next })}`);
    if (next === 0 && (found.trail || []).length > 1) {
      trail.append(...found.trail.flatMap((c, i) => [
        i ? " › " : "",
        i + 1 < found.trail.length
          ? el("button", { type: "button", class: "crumb", on: { click: () => show(listing({ category: c.id }, c.name)) } }, c.name)
          : el("span", {}, c.name),
      ]));
    }
    chips.append(...(found.children || []).map((c) =>
      el("button", { type: "button", "data-category": c.id, on: { click: () => show(listing({ category: c.id }, c.name)) } },
        `${c.name} (${count(c.count)})`)));
    if (next === 0 && found.corrected) {
      corrected.textContent = t("corrected", { text: query.q, corrected: found.corrected });
      corrected.hidden = false;
    }
    cards.append(...found.products.map(productCard));
    chips.hidden = !chips.childElementCount;
    if (next === 0 && !found.products.length && !chips.childElementCount) {  // as the chat says it
      cards.append(el("p", { class: "empty" }, query.q ? t("not_found", { text: query.q }) : t("empty_category")));
    }
    next = found.page + 1;
    pages = found.pages;
    more.hidden = next >= pages;
  };
  const kept = into || where;
  more.addEventListener("click", oneAtATime(() => load().then(() => {
    kept.pages = next;
    keepPlace();
  }).catch((error) => showError(error.message || t("error")))));
  do await load(); while (next < (kept.pages || 1) && next < pages && still());
  if (!still()) return;
  if (query.q) document.getElementById("search").value = query.q;  // what was searched, as it was typed
  const section = el("section", {}, trail.childElementCount ? trail : null, el("h2", {}, title), chips, corrected, cards, more);
  into ? view.append(section) : view.replaceChildren(section);
}

// A variant's option buttons, as on the chat's card: a value opens the variant that keeps the
// most of the other choices (the server offers only combinations that exist), sold out marked.
function optionRows(p) {
  return p.options.map((row) => el("div", { class: "options", "data-option": row.name },
    el("span", { class: "muted" }, row.name),
    el("div", { class: "chips" }, row.choices.map((choice) => el("button", {
      type: "button",
      class: ["option", choice.chosen ? "chosen" : "", choice.sold_out ? "sold-out" : ""].join(" ").trim(),
      "aria-pressed": choice.chosen ? "true" : "false",
      "data-value": choice.value,
      "aria-label": choice.sold_out ? t("sold_out_choice", { value: choice.value }) : null,
      on: { click: () => choice.chosen || show({ screen: "product", id: choice.product_id }, false) },
    }, choice.sold_out ? `${choice.value} ✖` : choice.value)))));
}

async function productPage(where) {
  const still = current();
  const p = await api(`/app/api/shop/products/${where.id}`);
  if (!still()) return;
  where.id = p.id;  // the variant shown (another where the one asked was withdrawn)
  keepPlace();
  view.replaceChildren(el("article", { class: "product", "data-sku": p.sku, "data-id": p.id },
    p.photo ? el("img", { src: p.photo, alt: "" }) : null,
    el("h2", {}, p.name),
    p.variant ? el("p", { class: "variant" }, p.variant) : null,
    optionRows(p),
    el("p", { class: "price" }, p.was ? el("s", {}, p.was.text) : null, p.was ? " " : null, money(p.price),
      p.price_reason ? ` · ${p.price_reason}` : null),  // the customer's price list, as the chat's card says it
    p.breaks.length ? el("ul", { class: "breaks muted" }, p.breaks.map((b) => el("li", {}, b))) : null,
    p.terms ? el("p", { class: "terms muted" }, p.terms) : null,
    el("p", { class: "stock muted" }, p.stock_text),
    el("p", {}, p.description),
    p.in_cart ? el("p", { class: "muted" }, t("in_cart", { n: count(p.in_cart) })) : null,
    p.can_add
      ? el("button", { type: "button", class: "add", on: { click: () => addChosen(p, still) } }, addLabel(p))
      : null,  // the stock line says why not
    p.can_notify
      ? el("button", { type: "button", class: "secondary notify", on: { click: () => notifyMe(p) } }, t("notify"))
      : null,
  ));
  p.can_add && mainButton(addLabel(p), () => addChosen(p, still));
  if (p.notice) showError(p.notice);  // the option chosen was withdrawn since it was shown
}

// A sold-out variant: the chat says when it is back (once), as its card's "Notify me" does.
async function notifyMe(p) {
  const button = view.querySelector("button.notify");  // the page's own: gone if another was opened meanwhile
  const said = await api("/app/api/shop/notify", { method: "POST", json: { product_id: p.id } })
    .catch((error) => { showError(error.message); return null; });
  if (said && button && button.isConnected) button.replaceWith(el("p", { class: "notified muted" }, said.detail));
}

// The chosen variant goes into the cart; the page then says how many of it the cart holds.
// ``here``: the product page's current(). Redrawn only when added: a redraw hides the refusal ("only 2
// available") addToCart shows. Not once another screen is opened (🛒 tapped at once): it was drawn over that.
async function addChosen(p, here) {
  if ((await addToCart(p)) && here()) await show({ screen: "product", id: p.id, y: window.scrollY }, false);
}

async function cartPage(where = {}) {
  const still = current();
  const cart = await refreshCartCount();
  if (!still()) return;
  // Lines hidden, discontinued or unpriced since they were added: said, as the chat's cart says them.
  const leftOut = (where.said || []).map((text) => el("p", { class: "said" }, text))
    .concat((cart.left_out || []).map((text) => el("p", { class: "left-out muted" }, text)));
  if (!cart.lines.length) {
    view.replaceChildren(el("h2", {}, t("cart")), ...leftOut, el("p", { class: "empty" }, t("empty_cart")));
    return;
  }
  const change = (line, quantity) => async () => {
    // Until the cart is redrawn its lines' − and + are stale: a second tap sent the quantity the first asked for.
    view.querySelectorAll(".qty button").forEach((button) => { button.disabled = true; });
    const refused = await api("/app/api/shop/cart", { method: "POST", json: { product_id: line.product_id, quantity } })
      .then(() => null, (error) => error.message);
    // The line tapped stays where it was, and what Buy again said stays until the cart is left. Left
    // meanwhile (📦 tapped at once), the cart is not drawn over the screen opened: 🛒 says the new count.
    if (still()) await show({ screen: "cart", said: where.said, y: window.scrollY }, false);
    else await refreshCartCount().catch(() => null);
    if (refused) showError(refused);  // after the redraw, which hides the last message
  };
  view.replaceChildren(
    el("h2", {}, t("cart")),
    ...leftOut,
    el("ul", { class: "lines cart" }, cart.lines.map((line) => el("li", { "data-sku": line.sku },
      el("span", { class: "line" },
        el("span", { class: "name" }, line.expired ? `${line.name} ⏳` : line.name),  // no longer held, as the chat marks it
        line.waiting ? el("small", { class: "waiting muted" }, line.waiting) : null,  // a backorder, a preorder
        line.each ? el("small", { class: "each muted" }, line.each) : null),  // a price list's price, and why
      el("span", { class: "qty" },
        el("button", { type: "button", class: "secondary", "aria-label": t("fewer", { name: short(line.name) }),
          on: { click: change(line, line.down) } }, "−"),
        el("span", { class: "quantity" }, count(line.quantity)),
        el("button", { type: "button", class: "secondary", "aria-label": t("more_of", { name: short(line.name) }),
          on: { click: change(line, line.up) } }, "+")),
      el("span", { class: "total" }, money(line.total))))),
    el("p", { class: "price" }, `${t("subtotal")}: ${money(cart.subtotal)}`),
    cart.hold_note ? el("p", { class: "hold muted" }, cart.hold_note) : null,
    el("button", { type: "button", id: "to-checkout", on: { click: () => show({ screen: "checkout" }) } }, t("checkout")),
  );
  mainButton(t("checkout"), () => show({ screen: "checkout" }));
}

async function start() {
  applyTheme();
  // The buttons are on the page before the shop knows its customer: a tap made then (a slow phone)
  // is listened to at once and waits for the first screen (it was drawn over); once that is placed,
  // a tap opens its screen over it at once, and what the first was loading is not drawn.
  let opened = null;
  const started = new Promise((resolve) => { opened = resolve; });
  const then = (action) => () => started.then(action);
  const search = document.getElementById("search");
  search.addEventListener("change", then(() => search.value.trim()
    ? show(listing({ q: search.value.trim() }, search.value.trim())) : null));
  // 🛒 on the cart redraws it: it was stacked again, and Back led from the cart to the cart. What Buy
  // again said stays, as at its − and +: the cart is not left.
  document.getElementById("cart-button").addEventListener("click", then(() => {
    const top = state.stack[state.stack.length - 1];
    return top.screen === "cart" ? show({ screen: "cart", said: top.said }, false) : show({ screen: "cart" });
  }));
  const mine = document.getElementById("orders-button");
  mine.addEventListener("click", then(() =>
    show({ screen: "orders" }, state.stack[state.stack.length - 1].screen !== "orders")));
  tg && tg.BackButton && tg.BackButton.onClick(then(back));
  try {
    const who = await me();
    state.strings = who.strings;
    state.customer = who.id;
  } catch (error) {
    view.replaceChildren();
    showError(error.status === 401 ? error.message : served);  // no words yet
    return;
  }
  search.placeholder = t("search");
  search.setAttribute("aria-label", t("search"));
  mine.setAttribute("aria-label", t("my_orders"));
  window.addEventListener("scroll", scrolled, { passive: true });
  window.addEventListener("pagehide", leaving);
  // Not counted (no connection): the first screen says so, and 🛒 counts again. Its failure ended the start
  // here: nothing drawn, nothing said, and no button did anything.
  const counted = await refreshCartCount().then(() => true, () => false);
  // "Open in shop" on a chat card opens here: ?product=ID, with Back to the categories.
  const product = new URLSearchParams(window.location.search).get("product");
  const fresh = [{ screen: "home" }];
  if (product && /^[0-9]{1,12}$/.test(product)) fresh.push({ screen: "product", id: Number(product) });
  const stack = keptPlace() || fresh;  // reloaded: back where the customer was, Back as it led
  if (stack[stack.length - 1].screen === "checkout" && counted && !state.cartCount) stack.pop();  // ordered in chat since
  if (!stack.length) stack.push(...fresh);
  state.stack = stack.slice(0, -1);
  // Gone since (a product hidden) or not to be had now: the shop's start, and why said (show).
  show(stack[stack.length - 1]);
  opened();
}

start();
