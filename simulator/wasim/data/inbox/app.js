// wasim inbox: one page over the /_sim/ control API, live by server-sent events.
// Hand-written, no build step, nothing fetched from elsewhere.
"use strict";

// a server started with --control-token: the page is opened as /?control_token=TOKEN
const TOKEN = new URLSearchParams(location.search).get("control_token");
const PAGE = 50; // messages per page of a thread (older pages load on demand)
const state = {
  view: "conversations", who: null, clock: null, clockAt: 0,
  rows: [], thread: [], older: [], olderCursor: null, window: null,
  templates: null, busy: false, pending: false,
};

// --- small helpers -----------------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

async function api(method, path, body) {
  const init = { method, headers: { "Accept": "application/json" } };
  if (TOKEN) init.headers["Authorization"] = `Bearer ${TOKEN}`;
  if (method !== "GET") {
    // control calls must be declared JSON (the server refuses anything else)
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body || {});
  }
  const answer = await fetch(path, init);
  const data = await answer.json().catch(() => ({}));
  if (!answer.ok) {
    const error = (data && data.error) || {};
    throw new Error(`${error.code || answer.status}: ${error.message || answer.statusText}`);
  }
  return data;
}

function toast(text, bad) {
  const el = document.getElementById("toast");
  el.textContent = text;
  el.className = bad ? "toast bad" : "toast";
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.textContent = ""; el.className = "toast"; }, 6000);
}

async function act(label, fn) {
  try {
    await fn();
    toast(label);
    await refresh();
  } catch (error) {
    toast(`${label} failed: ${error.message}`, true);
  }
}

function simNow() {
  if (!state.clock) return new Date();
  const base = new Date(state.clock.now).getTime();
  return new Date(state.clock.frozen ? base : base + (performance.now() - state.clockAt));
}

function fmtTime(iso) {
  const d = new Date(iso);
  return d.toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

function fmtLeft(seconds) {
  if (seconds <= 0) return "0m";
  const hours = Math.floor(seconds / 3600), mm = Math.floor(seconds % 3600 / 60);
  if (hours >= 48) return `${Math.floor(hours / 24)}d ${hours % 24}h`;
  return hours ? `${hours}h ${mm}m` : `${mm}m`;
}

function windowBadge(win) {
  const left = win && win.open && win.closes_at
    ? Math.max(0, (new Date(win.closes_at) - simNow()) / 1000) : 0;
  const open = left > 0;
  return h("span", { class: `badge window ${open ? "open" : "closed"}`,
                     "data-window": open ? "open" : "closed",
                     "data-closes": win && win.closes_at },
           open ? `window open · ${fmtLeft(left)} left` : "window closed");
}

function setClock(clock) {
  state.clock = clock;
  state.clockAt = performance.now();
  paintClock();
}

function paintClock() {
  if (!state.clock) return;
  const now = simNow();
  const el = document.getElementById("clock-now");
  el.dateTime = now.toISOString();
  el.textContent = now.toISOString().replace("T", " ").slice(0, 19) + " UTC";
  document.getElementById("clock-frozen").hidden = !state.clock.frozen;
  for (const badge of document.querySelectorAll("[data-closes]")) {
    const closes = badge.getAttribute("data-closes");
    if (!closes) continue;
    const left = (new Date(closes) - now) / 1000;
    const open = left > 0 && badge.dataset.window === "open";
    if (open) badge.textContent = `window open · ${fmtLeft(left)} left`;
  }
}

// --- live updates ------------------------------------------------------------------

function connect() {
  const live = document.getElementById("live");
  const source = new EventSource(
    TOKEN ? `/_sim/events?control_token=${encodeURIComponent(TOKEN)}` : "/_sim/events");
  source.addEventListener("hello", (e) => {
    live.className = "live on";
    live.setAttribute("aria-label", "live updates: connected");
    setClock(JSON.parse(e.data).clock);
    refresh();
  });
  source.addEventListener("change", (e) => {
    setClock(JSON.parse(e.data).clock);
    refresh();
  });
  source.onerror = () => {
    live.className = "live";
    live.setAttribute("aria-label", "live updates: reconnecting");
  };
}

async function refresh() {
  // one refresh at a time; a change during one schedules exactly one more
  if (state.busy) { state.pending = true; return; }
  state.busy = true;
  try {
    do {
      state.pending = false;
      await render();
    } while (state.pending);
  } catch (error) {
    toast(error.message, true);
  } finally {
    state.busy = false;
  }
}

// --- views -------------------------------------------------------------------------

const VIEWS = { conversations: viewConversations, templates: viewTemplates,
                webhooks: viewWebhooks, clock: viewClock };

function route() {
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  state.view = VIEWS[parts[0]] ? parts[0] : "conversations";
  const who = state.view === "conversations" && parts[1] ? decodeURIComponent(parts[1]) : null;
  if (who !== state.who) { state.who = who; state.older = []; state.olderCursor = null; }
  for (const link of document.querySelectorAll(".tabs a")) {
    if (link.dataset.view === state.view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  document.getElementById("main").replaceChildren();
  refresh();
}

async function render() {
  await VIEWS[state.view](document.getElementById("main"));
}

function section(main, id, label) {
  let el = document.getElementById(id);
  if (!el) {
    el = h("section", { id, "aria-label": label, class: `panel ${id}` });
    main.append(el);
  }
  return el;
}

// Replace a region's children, keeping keyboard focus on the control that had it.
function swap(el, ...children) {
  const focused = document.activeElement;
  const key = focused && el.contains(focused) ? focused.getAttribute("data-key") : null;
  const scroller = el.querySelector(".scroll");
  const atBottom = scroller && scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 40;
  const top = scroller ? scroller.scrollTop : 0;
  el.replaceChildren(...children);
  if (key) {
    const again = el.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
  const next = el.querySelector(".scroll");
  if (next) next.scrollTop = scroller && !atBottom ? top : next.scrollHeight;
}

// --- conversations -----------------------------------------------------------------

async function viewConversations(main) {
  main.classList.toggle("has-thread", Boolean(state.who));
  const list = section(main, "customers", "Customers");
  const path = state.who ? `/_sim/conversations/${encodeURIComponent(state.who)}` : null;
  // the list and the thread load together: a page load waits for the slower only
  const [listed, recent] = await Promise.all([
    api("GET", "/_sim/conversations?limit=100"),
    path ? api("GET", `${path}?limit=${PAGE}`) : null]);
  state.rows = listed.data.slice().reverse();
  swap(list, h("h2", {}, "Conversations"),
    h("ul", { class: "customers-list" }, state.rows.map((row) => {
      const last = row.last;
      const current = row.wa_id === state.who;
      return h("li", {},
        h("a", { href: `#/conversations/${encodeURIComponent(row.wa_id)}`, class: "customer",
                 "data-key": `c-${row.wa_id}`, "data-wa-id": row.wa_id,
                 "aria-current": current ? "true" : null },
          h("span", { class: "name" }, row.name, row.alias ? h("small", {}, ` (${row.alias})`) : null),
          h("span", { class: "wa" }, `+${row.wa_id}`),
          windowBadge(row.window),
          h("span", { class: "last" },
            last ? `${last.direction === "in" ? "← " : "→ "}${last.preview}` : "no messages yet")));
    })));
  const pane = section(main, "thread", "Thread");
  if (!state.who) {
    swap(pane, h("p", { class: "empty" }, "Choose a customer to see the conversation and write as them."));
    return;
  }
  state.thread = recent.data;
  state.window = recent.window;
  if (state.olderCursor === null && recent.paging && recent.paging.previous) {
    state.olderCursor = recent.paging.cursors.before;
  }
  const ids = new Set(state.thread.map((m) => m.id));
  const items = state.older.filter((m) => !ids.has(m.id)).concat(state.thread);
  if (!state.templates && items.some((m) => m.type === "template")) await state.templatesReady;
  const row = state.rows.find((r) => r.wa_id === state.who) || { name: state.who, wa_id: state.who };
  const older = state.olderCursor
    ? h("button", { type: "button", class: "older", "data-key": "older", onclick: loadOlder },
        "Load older messages")
    : null;
  swap(pane,
    h("div", { class: "thread-head" },
      h("a", { href: "#/conversations", class: "back" }, "← All"),
      h("h2", {}, row.name, " ", h("small", {}, `+${row.wa_id}`)),
      windowBadge(state.window)),
    h("ol", { class: "scroll bubbles", "aria-label": `Messages with ${row.name}`, tabindex: "0",
               "data-key": "bubbles" },
      older ? h("li", { class: "more" }, older) : null,
      items.map(bubble)),
    composer(row));
}

async function loadOlder() {
  const path = `/_sim/conversations/${encodeURIComponent(state.who)}`;
  const page = await api("GET", `${path}?limit=${PAGE}&before=${encodeURIComponent(state.olderCursor)}`);
  state.older = page.data.concat(state.older);
  state.olderCursor = page.paging && page.paging.previous ? page.paging.cursors.before : "";
  if (!state.olderCursor) state.olderCursor = "";
  await refresh();
}

const TICKS = { accepted: "🕓", sent: "✓", delivered: "✓✓", read: "✓✓", failed: "!" };

function ticks(message) {
  return h("span", { class: `ticks ${message.status}`, "data-status": message.status,
                     role: "img", "aria-label": `status: ${message.status}` },
           TICKS[message.status] || message.status);
}

function templateText(body) {
  const t = body.template || {};
  const found = (state.templates || []).find((x) => x.name === t.name
    && (!t.language || x.language === t.language.code));
  const params = {};
  for (const comp of t.components || []) {
    (comp.parameters || []).forEach((p, i) => {
      const key = `${comp.type}:${p.parameter_name || i + 1}`;
      params[key] = p.text ?? p.currency?.fallback_value ?? p.date_time?.fallback_value ?? p.type;
    });
  }
  if (!found) return `${t.name || "template"} (${t.language ? t.language.code : "?"})`;
  return (found.components || []).filter((c) => c.text).map((c) => {
    const kind = c.type.toLowerCase();
    return c.text.replace(/\{\{\s*([\w]+)\s*\}\}/g, (m, key) => params[`${kind}:${key}`] ?? m);
  }).join("\n");
}

function tapButton(message, id, title, kind) {
  const reply = kind === "list"
    ? { type: "list_reply", list_reply: { id, title } }
    : { type: "button_reply", button_reply: { id, title } };
  return act(`Tapped “${title}”`, () => api("POST", "/_sim/inbound", {
    from: state.who, type: "interactive", interactive: reply, context: message.id }));
}

function content(message) {
  const body = message.content || {};
  const type = message.type;
  const obj = body[type] || {};
  const out = message.direction === "out";
  switch (type) {
    case "text": return h("p", { class: "text" }, obj.body ?? "");
    case "image": case "video": case "document": case "audio": case "sticker":
      return h("figure", { class: `media ${type}` },
        (type === "image" || type === "sticker") && obj.id
          ? h("img", { class: "thumb", alt: obj.caption || type, loading: "lazy",
                       src: `/_sim/media/${encodeURIComponent(obj.id)}/thumbnail${TOKEN ? `?control_token=${encodeURIComponent(TOKEN)}` : ""}`,
                       onerror: (e) => e.target.replaceWith(h("div", { class: "thumb", role: "img",
                         "aria-label": `${type} ${obj.id}` }, type.toUpperCase())) })
          : h("div", { class: "thumb", role: "img", "aria-label": `${type} ${obj.id || obj.link || ""}` },
          type.toUpperCase()),
        h("figcaption", {}, obj.caption || obj.filename || obj.link || obj.id || type));
    case "location":
      return h("p", { class: "location" }, "Location: ", obj.name || "Location", obj.address ? ` · ${obj.address}` : "",
        h("small", {}, ` ${obj.latitude}, ${obj.longitude}`));
    case "contacts":
      return h("ul", { class: "contacts" }, (body.contacts || []).map((c) =>
        h("li", {}, "Contact: ", (c.name && c.name.formatted_name) || "contact",
          (c.phones || []).map((p) => ` · ${p.phone}`))));
    case "reaction":
      return h("p", { class: "reaction" }, `reacted ${obj.emoji || "(removed)"}`);
    case "template":
      return h("div", { class: "template" }, h("small", { class: "kind" }, `template ${obj.name}`),
        h("p", { class: "text" }, templateText(body)));
    case "button":
      return h("p", { class: "text" }, obj.text || obj.payload);
    case "interactive": {
      if (!out) {
        const r = obj.button_reply || obj.list_reply || obj.nfm_reply || {};
        return h("p", { class: "text tapped" }, `↩ ${r.title || r.name || obj.type}`);
      }
      const action = obj.action || {};
      const parts = [
        obj.header && obj.header.text ? h("strong", {}, obj.header.text) : null,
        h("p", { class: "text" }, (obj.body && obj.body.text) || ""),
        obj.footer ? h("small", {}, obj.footer.text) : null,
      ];
      if (obj.type === "button") {
        parts.push(h("div", { class: "buttons", role: "group", "aria-label": "Reply buttons" },
          (action.buttons || []).map((b) => {
            const r = b.reply || {};
            return h("button", { type: "button", "data-key": `tap-${message.id}-${r.id}`,
              onclick: () => tapButton(message, r.id, r.title, "button") }, r.title);
          })));
      } else if (obj.type === "list") {
        parts.push(h("div", { class: "list", role: "group", "aria-label": action.button || "List" },
          (action.sections || []).map((s) => h("div", {},
            s.title ? h("small", {}, s.title) : null,
            (s.rows || []).map((r) => h("button", { type: "button", "data-key": `tap-${message.id}-${r.id}`,
              onclick: () => tapButton(message, r.id, r.title, "list") }, r.title,
              r.description ? h("small", {}, ` ${r.description}`) : null))))));
      } else {
        parts.push(h("small", {}, `${obj.type} message`));
      }
      return h("div", { class: "interactive" }, parts);
    }
    default:
      return h("details", {}, h("summary", {}, type), h("pre", {}, JSON.stringify(body, null, 1)));
  }
}

function bubble(message) {
  const out = message.direction === "out";
  const error = message.error;
  const pricing = message.pricing;
  return h("li", { class: `bubble ${out ? "out" : "in"} ${message.status || ""}`,
                   "data-id": message.id, "data-type": message.type },
    h("span", { class: "sr" }, out ? "Business: " : "Customer: "),
    content(message),
    h("div", { class: "meta" },
      h("time", { datetime: message.at }, fmtTime(message.at)),
      pricing ? h("span", { class: "price", title: "pricing category" },
        `${pricing.category}${pricing.billable ? " · billable" : " · free"}`) : null,
      out ? ticks(message) : null),
    error ? h("div", { class: "failure", role: "note" },
      h("strong", { class: "code" }, `${error.code} ${error.title}`),
      h("p", {}, (error.error_data && error.error_data.details) || error.message),
      message.rule ? h("p", { class: "rule" }, `Rule: ${message.rule}`) : null) : null);
}

function composer(row) {
  const lastBusiness = [...state.thread].reverse().find((m) => m.direction === "out");
  const send = (label, body) => act(label, () => api("POST", "/_sim/inbound", { from: row.wa_id, ...body }));
  const text = h("input", { id: "compose-text", name: "text", autocomplete: "off", "data-key": "compose-text",
                            placeholder: `Write as ${row.name}…` });
  return h("form", { class: "composer", "aria-label": "Be the customer",
                     onsubmit: (e) => {
                       e.preventDefault();
                       const value = text.value.trim();
                       if (!value) return;
                       text.value = "";
                       send("Sent as the customer", { text: value });
                     } },
    h("h3", {}, "Be the customer"),
    h("div", { class: "row" },
      h("label", { for: "compose-text", class: "sr" }, `Message as ${row.name}`),
      text,
      h("button", { type: "submit", "data-key": "compose-send" }, "Send")),
    h("div", { class: "row extras" },
      h("button", { type: "button", "data-key": "compose-image",
        onclick: () => send("Sent an image", { type: "image",
          image: { mime_type: "image/jpeg", caption: text.value.trim() || "photo" } }) }, "Send an image"),
      h("button", { type: "button", "data-key": "compose-location",
        onclick: () => send("Sent a location", { type: "location",
          location: { latitude: 38.7223, longitude: -9.1393, name: text.value.trim() || "Lisbon" } }) },
        "Send a location"),
      h("button", { type: "button", "data-key": "compose-react", disabled: !lastBusiness,
        onclick: () => send("Reacted", { type: "reaction",
          reaction: { message_id: lastBusiness.id, emoji: "👍" } }) }, "React to last reply")));
}

// --- templates ---------------------------------------------------------------------

async function loadTemplates() {
  const all = [];
  let path = "/_sim/templates?limit=1000";
  const first = await api("GET", path);
  all.push(...first.data);
  state.templates = all;
  return all;
}

async function viewTemplates(main) {
  const list = await loadTemplates();
  const table = section(main, "templates", "Templates");
  const rows = list.slice().reverse().map((t) => {
    const d = t.decision || {};
    const asked = d.requested_category || t.requested_category;
    const verb = (name, label) => h("button", { type: "button", "data-key": `${name}-${t.id}`,
      "aria-label": `${label} ${t.name} (${t.language})`,
      onclick: () => act(`${label}: ${t.name}`, () => api("POST", `/_sim/templates/${t.id}/${name}`, {})) }, label);
    return h("tr", { "data-template": t.name, "data-id": t.id },
      h("th", { scope: "row" }, t.name, h("small", {}, ` ${t.language}`)),
      h("td", {}, h("span", { class: `badge st ${t.status}`, "data-status": t.status }, t.status)),
      h("td", {}, t.category, asked && asked !== t.category ? h("small", {}, ` (asked ${asked})`) : null),
      h("td", {}, (t.quality_score && t.quality_score.score) || "UNKNOWN"),
      h("td", { class: "decision" }, d.rule ? h("strong", {}, d.rule)
        : t.status === "PENDING" ? "awaiting review" : "—",
        d.explain ? h("p", {}, d.explain) : null),
      h("td", { class: "verbs" }, verb("approve", "Approve"), verb("reject", "Reject"),
        verb("pause", "Pause"), verb("disable", "Disable")));
  });
  swap(table, h("h2", {}, "Templates"),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, ["Name", "Status", "Category", "Quality", "Review decision", "Actions"]
        .map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows))));
  if (!document.getElementById("template-form")) main.append(templateForm());
}

function templateForm() {
  const field = (label, input) => h("label", {}, h("span", {}, label), input);
  const name = h("input", { name: "name", required: true, pattern: "[a-z0-9_]+", placeholder: "order_update" });
  const language = h("input", { name: "language", required: true, value: "en_US" });
  const category = h("select", { name: "category" },
    ["UTILITY", "MARKETING", "AUTHENTICATION"].map((c) => h("option", { value: c }, c)));
  const body = h("textarea", { name: "body", required: true, rows: "3",
                               placeholder: "Your order {{1}} has shipped." });
  const example = h("input", { name: "example", placeholder: "A123 (examples, comma separated)" });
  return h("form", { id: "template-form", class: "panel form", "aria-label": "Create a template",
    onsubmit: (e) => {
      e.preventDefault();
      const comp = { type: "BODY", text: body.value };
      const values = example.value.split(",").map((v) => v.trim()).filter(Boolean);
      if (values.length) comp.example = { body_text: [values] };
      act(`Created ${name.value}`, () => api("POST", "/_sim/templates", {
        name: name.value, language: language.value, category: category.value, components: [comp] }));
    } },
    h("h2", {}, "Create a template"),
    field("Name", name), field("Language", language), field("Category asked for", category),
    field("Body text", body), field("Body examples", example),
    h("button", { type: "submit" }, "Create (goes to review)"));
}

// --- webhooks ----------------------------------------------------------------------

async function viewWebhooks(main) {
  const receiver = await api("GET", `/_sim/webhook${state.showSecret ? "?secrets=include" : ""}`);
  const log = await api("GET", "/_sim/deliveries?limit=50");
  const card = section(main, "receiver", "Webhook receiver");
  swap(card, h("h2", {}, "Receiver"),
    h("dl", { class: "facts" },
      h("dt", {}, "URL"), h("dd", {}, receiver.url
        || (receiver.verification ? "a receiver in the same process" : "none (start with --webhook-url)")),
      h("dt", {}, "Handshake"), h("dd", {}, receiver.verification
        ? (receiver.verification.ok ? "verified" : `failed (${receiver.verification.status_code || receiver.verification.error})`) : "—"),
      h("dt", {}, "Deliveries"), h("dd", { "data-paused": String(receiver.paused) },
        receiver.paused ? "paused" : "running", ` · ${receiver.pending} pending`),
      h("dt", {}, "Signature secret"), h("dd", {}, h("code", {}, receiver.app_secret), " ",
        h("button", { type: "button", "data-key": "secret",
          onclick: () => { state.showSecret = !state.showSecret; refresh(); } },
          state.showSecret ? "Hide" : "Show"))),
    h("div", { class: "row" },
      h("button", { type: "button", "data-key": "pause",
        onclick: () => act(receiver.paused ? "Deliveries resumed" : "Deliveries paused",
          () => api("POST", `/_sim/webhook/${receiver.paused ? "resume" : "pause"}`, {})) },
        receiver.paused ? "Resume deliveries" : "Pause deliveries"),
      h("button", { type: "button", "data-key": "retry",
        onclick: () => act("Retrying now", () => api("POST", "/_sim/deliveries/retry", {})) },
        "Retry due now")));
  const table = section(main, "deliveries", "Delivery log");
  const rows = log.data.slice().reverse().map((d) => {
    const attempts = d.attempts_log || [];
    return h("tr", { "data-delivery": d.id, "data-webhook": d.webhook_id, "data-state": d.state },
      h("th", { scope: "row" }, d.id, h("small", {}, ` ${d.kind}`)),
      h("td", {}, h("code", {}, d.webhook_id)),
      h("td", {}, h("span", { class: `badge st ${d.state}` }, d.state)),
      h("td", { class: "attempts", "data-attempts": d.attempts }, String(d.attempts),
        attempts.length ? h("small", {}, ` (${attempts.map((a) => a.status_code ?? "error").join(", ")})`) : null),
      h("td", {}, d.next_at ? fmtTime(d.next_at) : "—"),
      h("td", {}, h("button", { type: "button", "data-key": `redeliver-${d.id}`,
        "aria-label": `Redeliver webhook ${d.webhook_id}`,
        onclick: () => act(`Redelivering ${d.webhook_id}`,
          () => api("POST", `/_sim/deliveries/${d.webhook_id}/redeliver`, {})) }, "Redeliver")));
  });
  swap(table, h("h2", {}, "Delivery log ",
      h("small", {}, `${log.delivered} delivered · ${log.pending} pending · ${log.dropped} dropped · ${log.attempts} attempts`)),
    h("div", { class: "table-wrap" }, h("table", {},
      h("thead", {}, h("tr", {}, ["Delivery", "Webhook", "State", "Attempts (answers)", "Next retry", "Action"]
        .map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, rows.length ? rows : h("tr", {}, h("td", { colspan: "6" }, "No webhook deliveries yet."))))));
}

// --- clock and settings ------------------------------------------------------------

async function viewClock(main) {
  const settings = await api("GET", "/_sim/settings");
  const clock = await api("GET", "/_sim/clock");
  setClock(clock);
  const panel = section(main, "clock-panel", "Clock");
  const advance = (by) => h("button", { type: "button", "data-key": `adv-${by}`,
    onclick: () => act(`Advanced ${by}`, () => api("POST", "/_sim/clock/advance", { by })) }, `+${by}`);
  const instant = h("input", { id: "set-to", type: "datetime-local", step: "1", "data-key": "set-to" });
  swap(panel, h("h2", {}, "Clock"),
    h("p", {}, "Simulated time ", h("strong", {}, fmtTime(clock.now)), clock.frozen ? " (frozen)" : " (running)"),
    h("div", { class: "row", role: "group", "aria-label": "Advance the clock" },
      ["1h", "24h", "25h", "7d"].map(advance)),
    h("form", { class: "row", onsubmit: (e) => {
      e.preventDefault();
      if (!instant.value) return;
      act("Clock set", () => api("POST", "/_sim/clock/set", { to: new Date(instant.value + "Z").toISOString() }));
    } },
      h("label", { for: "set-to" }, "Go to (UTC) "), instant, h("button", { type: "submit" }, "Set")),
    h("div", { class: "row" }, h("button", { type: "button", "data-key": "freeze",
      onclick: () => act(clock.frozen ? "Clock running" : "Clock frozen",
        () => api("POST", clock.frozen ? "/_sim/clock/unfreeze" : "/_sim/clock/freeze", {})) },
      clock.frozen ? "Unfreeze" : "Freeze")));
  const form = section(main, "settings-panel", "Settings");
  const choice = (name, label, options) => h("label", {}, h("span", {}, label),
    h("select", { name, "data-key": `set-${name}`,
      onchange: (e) => act(`${name} = ${e.target.value}`, () => api("POST", "/_sim/settings", { [name]: e.target.value })) },
      options.map((o) => h("option", { value: o, selected: settings[name] === o }, o))));
  const asOf = h("input", { type: "date", name: "rules_as_of", value: settings.rules_as_of || "",
    "data-key": "set-rules_as_of",
    onchange: (e) => act("rules_as_of set", () => api("POST", "/_sim/settings", { rules_as_of: e.target.value || null })) });
  swap(form, h("h2", {}, "Settings"),
    h("div", { class: "form" },
      choice("window_violation_mode", "Window violation (131047)", ["async", "sync"]),
      choice("category_era", "Template category era", ["legacy", "2022", "current"]),
      h("label", {}, h("span", {}, "Rules as of (empty: today)"), asOf)),
    h("details", {}, h("summary", {}, "All settings"), h("pre", {}, JSON.stringify(settings, null, 1))));
}

// --- start -------------------------------------------------------------------------

window.addEventListener("hashchange", route);
document.addEventListener("DOMContentLoaded", () => {
  setInterval(paintClock, 1000);
  state.templatesReady = loadTemplates().catch(() => []); // to render template sends
  route();
  connect();
});
