/**
 * The console's one page: plain HTML, CSS and JavaScript, no build step and no third-party code.
 * It holds no data and no secret: everything comes from /api/* with the bearer token the operator
 * types (kept in sessionStorage for the tab), or with the proxy's identity in IAP mode. Every value
 * is put into the page as text (textContent), never as HTML.
 */
export const PAGE = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Ops console</title>
<style>
  :root { --fg:#1d2430; --muted:#5b6678; --line:#d9dee7; --bg:#f6f7f9; --accent:#2457c5; --bad:#b3261e; --ok:#1b7f3b; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui, sans-serif; color:var(--fg); background:var(--bg); }
  header { display:flex; align-items:center; gap:16px; padding:10px 20px; background:#fff; border-bottom:1px solid var(--line); }
  header h1 { font-size:16px; margin:0; }
  nav button { background:none; border:0; padding:6px 10px; cursor:pointer; color:var(--muted); font:inherit; border-radius:6px; }
  nav button.active { color:var(--accent); background:#e8eefb; }
  main { padding:20px; }
  section { display:none; } section.active { display:block; }
  table { border-collapse:collapse; width:100%; background:#fff; border:1px solid var(--line); }
  th, td { text-align:left; padding:6px 8px; border-bottom:1px solid var(--line); vertical-align:top; }
  th { font-weight:600; color:var(--muted); font-size:12px; text-transform:uppercase; }
  tr.clickable { cursor:pointer; } tr.clickable:hover { background:#f0f4fc; }
  .bad { color:var(--bad); font-weight:600; } .ok { color:var(--ok); }
  .row { display:flex; gap:12px; align-items:center; margin:0 0 12px; flex-wrap:wrap; }
  input, select, button.primary, button.secondary { font:inherit; padding:6px 10px; border:1px solid var(--line); border-radius:6px; background:#fff; }
  button.primary { background:var(--accent); color:#fff; border-color:var(--accent); cursor:pointer; }
  button.secondary { cursor:pointer; }
  .json { background:#fff; border:1px solid var(--line); padding:10px; font:12px/1.5 ui-monospace, monospace; overflow:auto; max-height:70vh; }
  .json details { margin-left:14px; } .json summary { cursor:pointer; margin-left:-14px; }
  .k { color:#7a3e9d; } .s { color:#1b7f3b; } .n { color:#b35c00; } .b { color:#2457c5; }
  .split { display:grid; grid-template-columns: 1fr 1fr; gap:16px; }
  progress { width:420px; height:18px; }
  .gallery { display:grid; grid-template-columns:repeat(auto-fill, minmax(260px, 1fr)); gap:16px; }
  .card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:10px; }
  .card img { width:120px; height:120px; object-fit:cover; background:#eee; border-radius:4px; }
  #login { max-width:420px; margin:80px auto; background:#fff; padding:24px; border:1px solid var(--line); border-radius:8px; }
  .muted { color:var(--muted); }
  svg text { font:11px system-ui, sans-serif; }
</style>
</head>
<body>
<div id="login" hidden>
  <h2>Ops console</h2>
  <p class="muted">Sign in with the console's bearer token.</p>
  <form id="login-form" class="row">
    <input id="token" type="password" autocomplete="off" placeholder="token" size="30" aria-label="token">
    <button class="primary" id="sign-in" type="submit">Sign in</button>
  </form>
  <p id="login-error" class="bad"></p>
</div>
<div id="app" hidden>
<header>
  <h1>Ops console</h1>
  <nav id="tabs">
    <button data-tab="overview">Topics</button>
    <button data-tab="events">Events</button>
    <button data-tab="dlq">Dead letters</button>
    <button data-tab="replay">Replay</button>
    <button data-tab="alerts">Fraud alerts</button>
    <button data-tab="gallery">Gallery</button>
    <button data-tab="services">Services</button>
    <button data-tab="trace">Trace</button>
    <button data-tab="audit">Audit</button>
  </nav>
  <span id="who" class="muted" style="margin-left:auto"></span>
</header>
<main>
  <section id="overview"><h2>Subscriptions</h2><div id="subs"></div><h2>Topics</h2><div id="topics"></div></section>
  <section id="events">
    <div class="row"><label>Topic <select id="event-topic"></select></label><button class="secondary" id="event-refresh">Refresh</button></div>
    <div class="split"><div id="event-list"></div><div id="event-json" class="json">Pick an event.</div></div>
  </section>
  <section id="dlq">
    <div class="row">
      <label>Subscription <select id="dlq-sub"></select></label>
      <span id="dlq-count" data-testid="dlq-count"></span>
    </div>
    <div class="row">
      <input id="dlq-filter" placeholder="filter attr=value (optional)" size="34" aria-label="filter">
      <input id="dlq-limit" placeholder="limit" size="6" aria-label="limit">
      <button class="primary" id="redrive">Redrive</button>
      <span id="dlq-result" data-testid="dlq-result"></span>
    </div>
    <div id="dlq-list"></div>
  </section>
  <section id="replay">
    <div class="row">
      <label>Topic <select id="replay-topic"></select></label>
      <label>From <input id="replay-from" value="-1h" size="24"></label>
      <label>To <input id="replay-to" value="now" size="24"></label>
      <label>To topic <input id="replay-to-topic" placeholder="(same topic)" size="20"></label>
      <label>Filter <input id="replay-filter" placeholder="attr=value" size="20"></label>
      <label>Rate <input id="replay-rate" value="500" size="6"> msg/s</label>
    </div>
    <div class="row"><button class="secondary" id="replay-plan">Preview</button><button class="primary" id="replay-start">Start replay</button><span id="replay-summary"></span></div>
    <div class="row"><progress id="replay-progress" max="1" value="0"></progress><span id="replay-status" data-testid="replay-status"></span></div>
    <h3>Replays</h3><div id="replay-list"></div>
  </section>
  <section id="alerts"><div class="split"><div id="alert-list"></div><div><svg id="alert-graph" width="560" height="460" role="img" aria-label="fraud ring graph"></svg><p id="alert-summary" class="muted"></p></div></div></section>
  <section id="gallery"><h2>Enhanced images</h2><div id="gallery-images" class="gallery"></div><h2>Lookbooks</h2><div id="gallery-lookbooks" class="gallery"></div></section>
  <section id="services"><div id="service-list"></div></section>
  <section id="trace"><div class="row"><input id="trace-id" placeholder="order id, event id, user id..." size="40"><button class="primary" id="trace-go">Trace</button></div><div class="split"><div id="trace-list"></div><div id="trace-json" class="json"></div></div></section>
  <section id="audit"><div id="audit-list"></div></section>
</main>
</div>
<script>
"use strict";
const $ = (s) => document.querySelector(s);
let token = sessionStorage.getItem("ops-console-token") || "";

function el(tag, props, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (k === "class") e.className = v; else if (k.startsWith("on")) e.addEventListener(k.slice(2), v); else if (v !== undefined) e.setAttribute(k, v);
  }
  for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(c === undefined || c === null ? "" : String(c)));
  return e;
}
function table(headers, rows, onClick) {
  return el("table", {}, el("thead", {}, el("tr", {}, headers.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows.map((r, i) => el("tr", onClick ? { class: "clickable", onclick: () => onClick(i) } : {}, r.map((c) => el("td", {}, c))))));
}
function show(target, node) { const t = $(target); t.replaceChildren(node); }

class Unauthorised extends Error {}
async function api(path, options) {
  const headers = { "content-type": "application/json" };
  if (token) headers.authorization = "Bearer " + token;
  const r = await fetch(path, { ...(options || {}), headers });
  if (r.status === 401) { showLogin("Sign in again: " + (await r.json()).error); throw new Unauthorised(); }
  const body = r.headers.get("content-type")?.includes("json") ? await r.json() : await r.blob();
  if (!r.ok) throw new Error(body.error + (body.hint ? " (" + body.hint + ")" : ""));
  return body;
}
const post = (path, body) => api(path, { method: "POST", body: JSON.stringify(body || {}) });

function showLogin(message) { $("#app").hidden = true; $("#login").hidden = false; $("#login-error").textContent = message || ""; }
async function start() {
  try {
    const me = await api("/api/me");
    $("#login").hidden = true; $("#app").hidden = false;
    $("#who").textContent = me.identity + (me.operator ? "" : " (read only)");
    openTab(location.hash.slice(1) || "overview");
  } catch (e) { if (!(e instanceof Unauthorised)) showLogin(e.message); }
}
$("#login-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  token = $("#token").value.trim(); $("#token").value = "";
  sessionStorage.setItem("ops-console-token", token);
  start();
});

const loaders = {};
function openTab(name) {
  if (!loaders[name]) name = "overview";
  location.hash = name;
  for (const b of document.querySelectorAll("#tabs button")) b.classList.toggle("active", b.dataset.tab === name);
  for (const s of document.querySelectorAll("main section")) s.classList.toggle("active", s.id === name);
  loaders[name]().catch((e) => { if (!(e instanceof Unauthorised)) alert(e.message); });
}
for (const b of document.querySelectorAll("#tabs button")) b.addEventListener("click", () => openTab(b.dataset.tab));

/* JSON viewer: objects and arrays fold; values are coloured by type. */
function jsonNode(v, key) {
  const label = key === undefined ? [] : [el("span", { class: "k" }, JSON.stringify(key)), ": "];
  if (v !== null && typeof v === "object") {
    const entries = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    const d = el("details", { open: "" }, el("summary", {}, ...label, Array.isArray(v) ? "[" + v.length + "]" : "{" + entries.length + "}"));
    for (const [k, x] of entries) d.append(jsonNode(x, Array.isArray(v) ? undefined : k));
    return d;
  }
  const cls = typeof v === "string" ? "s" : typeof v === "number" ? "n" : "b";
  return el("div", {}, ...label, el("span", { class: cls }, JSON.stringify(v)));
}
function showJson(target, value) { show(target, jsonNode(value)); }

let overviewCache;
loaders.overview = async () => {
  const o = await api("/api/overview"); overviewCache = o;
  show("#subs", table(["Subscription", "Topic", "Ack", "Ordered", "Dead letter (max attempts)", "Retry", "Filter", "Dead letters"],
    o.subscriptions.map((s) => [s.name, s.topic, s.ackDeadlineSeconds + "s", s.ordering ? "yes" : "no",
      s.deadLetter ? s.deadLetter.topic + " (" + s.deadLetter.maxDeliveryAttempts + ")" : "-",
      s.retry ? (s.retry.minimumBackoffSeconds + "s.." + s.retry.maximumBackoffSeconds + "s") : "-", s.filter || "-",
      s.deadLetters === undefined ? "" : el("span", { class: s.deadLetters > 0 ? "bad" : "ok", "data-testid": "dead-letters-" + s.name }, s.deadLetters)])));
  show("#topics", table(["Topic", "Schema", "Retention", "Subscriptions"], o.topics.map((t) => [t.name, t.schema || "-", t.messageRetentionSeconds ? t.messageRetentionSeconds / 86400 + "d" : "", t.subscriptions.join(", ")])));
};

async function archiveTopics(select) {
  const topics = await api("/api/archive/topics");
  const current = $(select).value;
  $(select).replaceChildren(...topics.map((t) => el("option", { value: t }, t)));
  if (topics.includes(current)) $(select).value = current;
  return topics;
}
loaders.events = async () => {
  await archiveTopics("#event-topic");
  const topic = $("#event-topic").value;
  if (!topic) return show("#event-list", el("p", { class: "muted" }, "The archive is empty."));
  const events = await api("/api/topics/" + encodeURIComponent(topic) + "/events");
  show("#event-list", table(["Published", "Type", "Event id"], events.map((e) => [e.publishTime, e.attributes["ce-type"] || "", e.attributes["ce-id"] || e.messageId]), (i) => showJson("#event-json", events[i])));
};
$("#event-topic").addEventListener("change", () => loaders.events());
$("#event-refresh").addEventListener("click", () => loaders.events());

async function dlqSubscriptions() {
  if (!overviewCache) overviewCache = await api("/api/overview");
  const subs = overviewCache.subscriptions.filter((s) => s.deadLetters !== undefined).map((s) => s.name);
  const current = $("#dlq-sub").value;
  $("#dlq-sub").replaceChildren(...subs.map((s) => el("option", { value: s }, s)));
  const busiest = overviewCache.subscriptions.filter((s) => s.deadLetters > 0).map((s) => s.name)[0];
  $("#dlq-sub").value = subs.includes(current) ? current : busiest || subs[0] || "";
}
loaders.dlq = async () => {
  await dlqSubscriptions();
  const sub = $("#dlq-sub").value;
  if (!sub) return;
  const letters = await api("/api/dlq/" + encodeURIComponent(sub));
  $("#dlq-count").textContent = letters.length + " dead letter(s)";
  show("#dlq-list", table(["Dead-lettered", "Event", "Type", "Attempts", "Code", "Reason"],
    letters.map((d) => [d.deadLetteredAt || d.publishTime, d.eventId || d.messageId, d.type || "", d.attempts, d.code, d.reason])));
};
$("#dlq-sub").addEventListener("change", () => loaders.dlq());
$("#redrive").addEventListener("click", async () => {
  const sub = $("#dlq-sub").value;
  const f = $("#dlq-filter").value.trim(); const limit = Number($("#dlq-limit").value);
  const body = {};
  if (f) { const i = f.indexOf("="); body.filters = [{ key: f.slice(0, i), value: f.slice(i + 1) }]; }
  if (limit > 0) body.limit = limit;
  if (!confirm("Redrive " + (limit > 0 ? "up to " + limit : "every matching") + " dead letter(s) of " + sub + " to its topic?")) return;
  $("#dlq-result").textContent = "redriving...";
  try {
    const r = await post("/api/dlq/" + encodeURIComponent(sub) + "/redrive", body);
    $("#dlq-result").textContent = "redrove " + r.redriven + " to " + r.topic + "; " + r.left + " left" + (r.failed ? ", " + r.failed + " failed" : "");
  } catch (e) { $("#dlq-result").textContent = e.message; }
  overviewCache = undefined;
  await loaders.dlq();
});

function replayBody() {
  const b = { topic: $("#replay-topic").value, from: $("#replay-from").value, to: $("#replay-to").value, rate: Number($("#replay-rate").value) || 0 };
  if ($("#replay-to-topic").value.trim()) b.toTopic = $("#replay-to-topic").value.trim();
  const f = $("#replay-filter").value.trim();
  if (f) { const i = f.indexOf("="); b.filters = [{ key: f.slice(0, i), value: f.slice(i + 1) }]; }
  return b;
}
let polling;
async function follow(id) {
  clearTimeout(polling);
  const r = await api("/api/replays/" + id);
  $("#replay-progress").max = Math.max(1, r.total); $("#replay-progress").value = r.sent;
  $("#replay-status").textContent = "replay " + id + ": " + r.status + ", " + r.sent + "/" + r.total + " sent to " + r.params.toTopic;
  if (r.running) polling = setTimeout(() => follow(id), 500); else loadReplays();
}
async function loadReplays() {
  const all = await api("/api/replays");
  show("#replay-list", table(["Replay", "Created", "By", "Status", "Sent", "Topic", "Window", ""],
    all.reverse().map((r) => [r.replayId, r.createdAt, r.createdBy, r.status, r.sent + "/" + r.total, r.params.topic + " -> " + r.params.toTopic, r.params.from + " .. " + r.params.to,
      r.running ? el("button", { class: "secondary", onclick: async () => { await post("/api/replays/" + r.replayId + "/stop"); loadReplays(); } }, "Stop")
        : r.status !== "completed" ? el("button", { class: "secondary", onclick: async () => { await post("/api/replays/" + r.replayId + "/resume", { rate: Number($("#replay-rate").value) || 0 }); follow(r.replayId); } }, "Resume") : ""])));
}
loaders.replay = async () => { await archiveTopics("#replay-topic"); await loadReplays(); };
$("#replay-plan").addEventListener("click", async () => {
  try { const p = await post("/api/replays/plan", replayBody()); $("#replay-summary").textContent = "would send " + p.total + " message(s) from " + p.partitions + " hourly partition(s)"; }
  catch (e) { $("#replay-summary").textContent = e.message; }
});
$("#replay-start").addEventListener("click", async () => {
  try { const r = await post("/api/replays", replayBody()); $("#replay-summary").textContent = "started " + r.replayId; follow(r.replayId); }
  catch (e) { $("#replay-summary").textContent = e.message; }
});

/* The ring as a graph: entities on a circle, the alert's edges between them. */
function drawAlert(alert) {
  const a = alert.data, svg = $("#alert-graph"), W = 560, H = 460, R = 180, NS = "http://www.w3.org/2000/svg";
  svg.replaceChildren();
  const nodes = a.entities.map((e, i) => ({ id: e.type + ":" + e.id, e, x: W / 2 + R * Math.cos(2 * Math.PI * i / a.entities.length), y: H / 2 + R * Math.sin(2 * Math.PI * i / a.entities.length) }));
  const at = new Map(nodes.map((n) => [n.id, n]));
  const mk = (tag, attrs, text) => { const e = document.createElementNS(NS, tag); for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v); if (text) e.textContent = text; svg.append(e); return e; };
  for (const ed of a.edges) { const f = at.get(ed.from), t = at.get(ed.to); if (f && t) mk("line", { x1: f.x, y1: f.y, x2: t.x, y2: t.y, stroke: "#9aa6b8" }); }
  const colours = { user: "#2457c5", device: "#b35c00", card: "#7a3e9d", address: "#1b7f3b", merchant: "#555" };
  for (const n of nodes) { mk("circle", { cx: n.x, cy: n.y, r: 9, fill: n.e.confirmedFraud ? "#b3261e" : (colours[n.e.type] || "#444") }); mk("text", { x: n.x + 12, y: n.y + 4 }, n.e.type + " " + n.e.id); }
  $("#alert-summary").textContent = a.pattern + ", " + a.severity + ", score " + a.score + ": " + a.summary;
}
loaders.alerts = async () => {
  const alerts = await api("/api/alerts");
  show("#alert-list", alerts.length ? table(["Published", "Order", "Pattern", "Severity", "Score"], alerts.map((a) => [a.publishTime, a.data.orderId, a.data.pattern, a.data.severity, a.data.score]), (i) => drawAlert(alerts[i])) : el("p", { class: "muted" }, "No fraud alerts yet."));
  if (alerts.length) drawAlert(alerts[0]);
};

async function image(key) {
  const img = el("img", { alt: key, title: key });
  api("/api/blob?key=" + encodeURIComponent(key)).then((b) => { img.src = URL.createObjectURL(b); }).catch(() => { img.alt = "missing: " + key; });
  return img;
}
loaders.gallery = async () => {
  const g = await api("/api/gallery");
  show("#gallery-images", g.enhanced.length ? el("div", { class: "gallery" }, await Promise.all(g.enhanced.map(async (e) => el("div", { class: "card" },
    el("div", { class: "row" }, el("figure", {}, await image(e.data.source.name), el("figcaption", { class: "muted" }, "before")),
      e.data.variants[0] ? el("figure", {}, await image(e.data.variants[0].key), el("figcaption", { class: "muted" }, "after")) : ""),
    el("div", { class: "muted" }, e.data.operations.join(", ")))))) : el("p", { class: "muted" }, "No enhanced images archived yet."));
  show("#gallery-lookbooks", g.lookbooks.length ? el("div", { class: "gallery" }, await Promise.all(g.lookbooks.map(async (e) => el("div", { class: "card" },
    el("strong", {}, e.data.title), el("div", { class: "row" }, await Promise.all(e.data.imageKeys.slice(0, 4).map(image))))))) : el("p", { class: "muted" }, "No lookbooks archived yet."));
};
loaders.services = async () => {
  const s = await api("/api/services");
  show("#service-list", s.length ? table(["Service", "Alive", "Ready", "Received", "Acked", "Nacked", "Dead-lettered", "Published", "Archived"], s.map((x) => [x.name + " (" + x.url + ")",
    el("span", { class: x.alive ? "ok" : "bad" }, x.alive ? "yes" : "no" + (x.error ? ": " + x.error : "")), el("span", { class: x.ready ? "ok" : "bad" }, x.ready ? "yes" : "no"),
    x.metrics.eventkit_messages_received_total, x.metrics.eventkit_messages_acked_total, x.metrics.eventkit_messages_nacked_total, x.metrics.eventkit_messages_dead_lettered_total,
    x.metrics.eventkit_published_total, x.metrics.archiver_messages_archived_total])) : el("p", { class: "muted" }, "No services configured (SERVICE_URLS)."));
};
loaders.trace = async () => {};
$("#trace-go").addEventListener("click", async () => {
  const hits = await api("/api/trace/" + encodeURIComponent($("#trace-id").value.trim()));
  show("#trace-list", hits.length ? table(["Published", "Topic", "Type", "Matched on", ""], hits.map((h) => [h.publishTime, h.topic, h.type, h.matchedOn, h.copy ? h.copy + " copy" : ""]), (i) => showJson("#trace-json", hits[i])) : el("p", { class: "muted" }, "Nothing archived mentions it."));
});
loaders.audit = async () => {
  const a = await api("/api/audit");
  show("#audit-list", table(["At", "Who", "Command", "OK", "Count", "Args"], a.map((r) => [r.at, r.who, r.command, r.ok ? "yes" : "no: " + r.error, r.count, JSON.stringify(r.args)])));
};

start();
</script>
</body>
</html>
`;
