// The check-in desk: a scanner (or the camera) types a badge's code into a focused
// field; the answer fills the screen at once. When the network drops, the desk judges
// badges on its own from its copy of the delegate list and the event's public key,
// queues the scans in the browser and sends them when the network returns.

const root = document.getElementById("desk");
const words = JSON.parse(document.getElementById("desk-strings").textContent);
const api = root.dataset.api;
const slug = root.dataset.slug;
const csrf = document.querySelector('meta[name="csrf-token"]').content;
const storeKey = (name) => `confreg.desk.${slug}.${name}`;

const scanField = document.getElementById("scan");
const deskLabel = document.getElementById("desk-label");
const scopeField = document.getElementById("scope");
const answer = document.getElementById("answer");
const connection = document.getElementById("connection");
const queuedNote = document.getElementById("queued");

let snapshot = load("snapshot", null);
let queue = load("queue", []);
// Check-ins this desk made or learnt while offline: "public_id|scope" -> {time, desk}.
let seenOffline = load("seen", {});
let online = true;
let current = null;

function load(name, fallback) {
  try {
    return JSON.parse(localStorage.getItem(storeKey(name))) ?? fallback;
  } catch {
    return fallback;
  }
}

function save(name, value) {
  localStorage.setItem(storeKey(name), JSON.stringify(value));
}

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

// A time of day in the page's language, not the browser's.
function clock(moment) {
  return new Date(moment).toLocaleTimeString(document.documentElement.lang, { timeStyle: "short" });
}

// --- connection and queue --------------------------------------------------------

function setOnline(state) {
  online = state;
  connection.dataset.state = state ? "online" : "offline";
  connection.textContent = state ? words.online : words.offline;
}

function showQueue() {
  queuedNote.hidden = queue.length === 0;
  queuedNote.textContent = fill(words.queued, { num: queue.length });
}

async function request(path, options = {}) {
  const response = await fetch(api + path, {
    credentials: "same-origin",
    ...options,
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, ...options.headers },
  });
  if (response.status >= 500) throw new Error(`server ${response.status}`);
  return response;
}

async function refreshSnapshot() {
  const asked = Date.now();
  try {
    const response = await request("/snapshot");
    if (!response.ok) return;
    snapshot = await response.json();
    save("snapshot", snapshot);
    if (queue.length === 0) {
      // The server's list knows every check-in sent before it was asked for.
      seenOffline = Object.fromEntries(Object.entries(seenOffline).filter(([, seen]) => Date.parse(seen.time) >= asked));
      save("seen", seenOffline);
    }
    setOnline(true);
  } catch {
    setOnline(false);
  }
}

let sending = false;

async function sendQueue() {
  if (queue.length === 0 || sending) return;
  sending = true;
  const batch = queue.slice(0, 500);
  try {
    const response = await request("/checkins/batch", {
      method: "POST",
      body: JSON.stringify({ scans: batch.map(({ judged, ...scan }) => scan) }),
    });
    if (!response.ok) return;
    const { results } = await response.json();
    const sent = new Set(batch.map((scan) => scan.nonce));
    queue = queue.filter((scan) => !sent.has(scan.nonce));
    save("queue", queue);
    showQueue();
    setOnline(true);
    batch.forEach((scan, index) => {
      // The answer on screen can now be undone on the server.
      if (current && current.queuedNonce === scan.nonce) {
        current.checkin = results[index].checkin;
        delete current.queuedNonce;
      }
    });
    // Let in here while offline, but another desk had checked them in before.
    const dups = results.filter(
      (result, index) => batch[index].judged === "ok" && result.result === "already_checked_in",
    ).length;
    note(fill(words.synced, { num: results.length, dups }));
  } catch {
    setOnline(false);
  } finally {
    sending = false;
  }
}

function note(text) {
  queuedNote.hidden = false;
  queuedNote.textContent = text;
  setTimeout(showQueue, 6000);
}

// --- judging a badge offline -----------------------------------------------------

function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of text.toUpperCase()) {
    const index = alphabet.indexOf(char);
    if (index < 0) return null;
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64url(text) {
  const plain = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "==".slice(0, (4 - (text.length % 4)) % 4));
  return Uint8Array.from(plain, (char) => char.charCodeAt(0));
}

// The token's layout (confreg/badges/tokens.py): version, key id (4), public id (12),
// revision (2, big-endian), then the Ed25519 signature of those 19 bytes.
async function readToken(token) {
  const raw = base32(token.trim());
  if (!raw || raw.length !== 83 || raw[0] !== 1) return { refusal: "invalid" };
  const keyId = Array.from(raw.slice(1, 5), (byte) => byte.toString(16).padStart(2, "0")).join("");
  const claim = {
    keyId,
    publicId: base64url(raw.slice(5, 17)),
    revision: (raw[17] << 8) | raw[18],
    verified: false,
  };
  if (keyId !== snapshot.key.key_id) return { refusal: "wrong_event", claim };
  try {
    const key = await crypto.subtle.importKey(
      "raw", fromBase64url(snapshot.key.public_key), { name: "Ed25519" }, false, ["verify"],
    );
    const good = await crypto.subtle.verify({ name: "Ed25519" }, key, raw.slice(19), raw.slice(0, 19));
    if (!good) return { refusal: "invalid" };
    claim.verified = true;
  } catch {
    // No Ed25519 in this browser: the claim is judged, and the desk told to look.
  }
  return { claim };
}

async function judgeOffline(scan) {
  const base = { checkin: { id: null, scope: scan.scope }, first: null, delegate: null, detail: "" };
  if (!snapshot) return { ...base, result: "invalid", message: words.no_snapshot };
  let publicId = scan.registration;
  let notes = [];
  if (scan.token !== undefined) {
    const { refusal, claim } = await readToken(scan.token);
    if (refusal) return { ...base, result: refusal, message: words[refusal] };
    publicId = claim.publicId;
    const known = snapshot.registrations.find((r) => r.public_id === publicId);
    if (known && claim.revision < known.badge_revision) {
      return { ...base, result: "revoked", message: words.revoked, delegate: known };
    }
    if (!claim.verified) notes.push(words.unverified);
  }
  const delegate = snapshot.registrations.find((r) => r.public_id === publicId);
  if (!delegate) return { ...base, result: "invalid", message: words.invalid };
  const judged = { ...base, delegate };
  if (delegate.status !== "confirmed") {
    const message = words[`status_${delegate.status}`] ?? words.not_confirmed;
    return { ...judged, result: "not_confirmed", detail: delegate.status, message };
  }
  let message = words.ok;
  if (scan.scope !== "event") {
    const session = snapshot.sessions.find((s) => String(s.id) === String(scan.scope));
    const enrolled = session && session.enrolled.includes(publicId);
    const waiting = session && session.waitlisted.includes(publicId);
    const open = session && (!session.eligible_categories || session.eligible_categories.includes(delegate.category))
      && (!session.by_invitation || session.invited.includes(publicId));
    if (!enrolled && !open) return { ...judged, result: "not_eligible", message: words.not_eligible };
    judged.detail = enrolled ? "enrolled" : waiting ? "waitlisted" : "none";
    message = enrolled ? words.enrolled : waiting ? words.session_waitlisted : words.not_enrolled;
  }
  const place = `${publicId}|${scan.scope}`;
  const earlier = seenOffline[place]
    ?? (scan.scope === "event" && delegate.checked_in_at ? { time: delegate.checked_in_at, desk: "" } : null);
  if (earlier) {
    const time = clock(earlier.time);
    return {
      ...judged, result: "already_checked_in",
      first: { local_time: time, desk: earlier.desk },
      message: fill(words.again, { time, desk: earlier.desk || words.a_desk }),
    };
  }
  seenOffline[place] = { time: scan.scanned_at, desk: scan.desk };
  save("seen", seenOffline);
  return { ...judged, result: "ok", message: [message, ...notes].join(" ") };
}

// --- checking in -----------------------------------------------------------------

async function checkIn(fields) {
  const scan = {
    nonce: crypto.randomUUID(),
    scope: scopeField.value === "event" ? "event" : Number(scopeField.value),
    desk: deskLabel.value.trim().slice(0, 64),
    scanned_at: new Date().toISOString(),
    ...fields,
  };
  let result;
  try {
    if (!online && queue.length) throw new Error("still offline");
    const response = await request("/checkins", { method: "POST", body: JSON.stringify(scan) });
    result = await response.json();
    setOnline(true);
    if (!response.ok) {
      show({ result: "invalid", message: result.message, delegate: null, checkin: {} });
      return;
    }
    remember(result);
  } catch {
    setOnline(false);
    result = await judgeOffline(scan);
    queue.push({ ...scan, judged: result.result });
    save("queue", queue);
    showQueue();
    result.queuedNonce = scan.nonce;
  }
  show(result);
}

// Who the server let in, for judging offline should the network drop before the next
// copy of the delegate list.
function remember(result) {
  if (!result.delegate) return;
  const place = `${result.delegate.public_id}|${result.checkin.scope}`;
  if (result.result === "ok") {
    seenOffline[place] = { time: result.checkin.scanned_at, desk: result.checkin.desk };
  } else if (result.result === "already_checked_in" && result.first) {
    seenOffline[place] = { time: result.first.scanned_at, desk: result.first.desk };
  } else {
    return;
  }
  save("seen", seenOffline);
}

function forget(result) {
  if (!result.delegate) return;
  delete seenOffline[`${result.delegate.public_id}|${result.checkin.scope}`];
  save("seen", seenOffline);
}

let audio = null;

function tone(kind) {
  try {
    audio ??= new AudioContext(); // one for the day: each holds the sound device
    audio.resume().catch(() => {});
    const notes = { ok: [[880, 0.12]], amber: [[660, 0.12], [660, 0.12]], red: [[220, 0.5]] }[kind];
    let at = audio.currentTime;
    for (const [frequency, length] of notes) {
      const oscillator = audio.createOscillator();
      oscillator.frequency.value = frequency;
      oscillator.connect(audio.destination);
      oscillator.start(at);
      oscillator.stop(at + length);
      at += length + 0.08;
    }
  } catch {
    // No sound: the colour says it all the same.
  }
}

function show(result) {
  current = result;
  const greenAtDoor = result.result === "ok" && (result.checkin.scope === "event" || result.detail === "enrolled" || !result.detail);
  const kind = greenAtDoor ? "ok" : ["ok", "already_checked_in"].includes(result.result) ? "amber" : "red";
  answer.dataset.kind = kind;
  answer.dataset.result = result.result;
  const verdict = { ok: words.verdict_ok, already_checked_in: words.verdict_again }[result.result] ?? words.verdict_refused;
  answer.querySelector(".answer-verdict").textContent = verdict;
  const delegate = result.delegate;
  answer.querySelector(".answer-name").textContent = delegate ? delegate.name : "";
  const latin = delegate && delegate.latin_name !== delegate.name ? delegate.latin_name : "";
  answer.querySelector(".answer-latin").textContent = latin || "";
  answer.querySelector(".answer-where").replaceChildren(...(delegate
    ? isolated([delegate.category_label ?? snapshot?.categories?.[delegate.category],
        delegate.organisation, place(delegate)])
    : []));
  const band = answer.querySelector(".answer-band");
  band.hidden = !delegate;
  if (delegate) band.style.background = delegate.colour;
  answer.querySelector(".answer-message").textContent = result.message;
  answer.querySelector(".answer-notes").textContent = delegate && kind !== "red" ? delegate.notes || "" : "";
  const photo = answer.querySelector(".answer-photo");
  const photoUrl = delegate && (delegate.photo_url || (delegate.has_photo && root.dataset.photos.replace("PUBLIC_ID", delegate.public_id)));
  photo.hidden = !photoUrl;
  if (photoUrl) photo.src = photoUrl;
  answer.querySelector(".answer-undo").hidden = !(result.result === "ok" && (result.checkin.id || result.queuedNonce));
  const print = answer.querySelector(".answer-print");
  print.hidden = !(delegate && online && ["ok", "already_checked_in", "revoked"].includes(result.result));
  if (delegate) print.action = root.dataset.print.replace("PUBLIC_ID", delegate.public_id);
  answer.hidden = false;
  tone(kind);
  scanField.focus();
}

// A line of parts written in different scripts ("City official · Δήμος Σερρών · Serres,
// Greece"): each part keeps its own direction, and the parts follow the page's. A list
// in the parts (the city and its country) is joined with a comma.
function isolated(parts, separator = " · ") {
  const nodes = [];
  for (const part of parts) {
    const group = Array.isArray(part) ? isolated(part, ", ") : part ? [ownDirection(part)] : [];
    if (!group.length) continue;
    if (nodes.length) nodes.push(separator);
    nodes.push(...group);
  }
  return nodes;
}

function ownDirection(text) {
  const span = document.createElement("span");
  span.dir = "auto";
  span.textContent = text;
  return span;
}

function place(delegate) {
  return [delegate.city, delegate.country_name];
}

function dismiss() {
  answer.hidden = true;
  current = null;
  scanField.focus();
}

async function undo() {
  if (!current) return;
  let done = false;
  if (current.queuedNonce) {
    const before = queue.length;
    queue = queue.filter((scan) => scan.nonce !== current.queuedNonce);
    save("queue", queue);
    showQueue();
    done = queue.length < before;
  } else {
    try {
      done = (await request(`/checkins/${current.checkin.id}/undo`, { method: "POST" })).ok;
    } catch {
      done = false;
    }
  }
  if (done) forget(current);
  answer.querySelector(".answer-message").textContent = done ? words.undone : words.undo_failed;
  answer.querySelector(".answer-undo").hidden = true;
  scanField.focus();
}

// --- search ----------------------------------------------------------------------

function fold(text) {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/ı/g, "i").replace(/ي/g, "ی").replace(/ى/g, "ی").replace(/ك/g, "ک").replace(/[\u200c\u200d]/g, "");
}

async function search(query) {
  const field = document.getElementById("search");
  const list = document.getElementById("results");
  if (query.trim().length < 2) {
    list.replaceChildren();
    return;
  }
  let results;
  try {
    const response = await request(`/search?q=${encodeURIComponent(query)}`);
    results = (await response.json()).results ?? [];
    setOnline(true);
  } catch {
    setOnline(false);
    const terms = fold(query).split(/\s+/).filter(Boolean);
    results = (snapshot?.registrations ?? [])
      .filter((r) => terms.every((term) => r.search.includes(term) || fold(r.name).includes(term)))
      .slice(0, 20);
  }
  if (field.value !== query) return; // typed on meanwhile: a newer search is on its way
  list.replaceChildren(...(results.length ? results.map(resultItem) : [emptyItem()]));
}

function emptyItem() {
  const item = document.createElement("li");
  item.className = "hint";
  item.textContent = words.no_results;
  return item;
}

function resultItem(delegate) {
  const item = document.createElement("li");
  const photoUrl = delegate.photo_url || (delegate.has_photo && root.dataset.photos.replace("PUBLIC_ID", delegate.public_id));
  if (photoUrl) {
    const img = document.createElement("img");
    img.src = photoUrl;
    img.alt = "";
    img.width = 45;
    img.height = 60;
    item.append(img);
  }
  const text = document.createElement("div");
  const name = document.createElement("strong");
  name.textContent = delegate.name;
  name.dir = "auto";
  const details = document.createElement("span");
  details.className = "hint";
  details.replaceChildren(...isolated([delegate.latin_name, delegate.organisation, place(delegate),
    delegate.checked_in_at ? fill(words.checked_in_at, { time: clock(delegate.checked_in_at) }) : ""]));
  text.append(name, document.createElement("br"), details);
  const button = document.createElement("button");
  button.type = "button";
  button.className = "primary";
  button.textContent = words.check_in;
  button.addEventListener("click", () => checkIn({ registration: delegate.public_id }));
  item.append(text, button);
  return item;
}

// --- camera ----------------------------------------------------------------------

let camera = null;
// The code the camera last read and when: a badge held in view is read many times a
// second, and counts as a new scan only once it has been out of sight for a while.
let lastCode = { code: "", at: 0 };

async function toggleCamera(button) {
  const video = document.getElementById("camera");
  if (camera) {
    camera.destroy(); // the stream, the decoder's worker and the frame drawn over the video
    camera = null;
    video.hidden = true;
    button.setAttribute("aria-pressed", "false");
    return;
  }
  // Shown before the scanner meets it: a hidden video is shrunk to nothing by QrScanner
  // (so that Safari keeps playing it), and the volunteer could not aim the badge.
  video.hidden = false;
  try {
    const { default: QrScanner } = await import(root.dataset.camera);
    camera = new QrScanner(video, (found) => {
      const now = Date.now();
      const again = found.data === lastCode.code && now - lastCode.at < 3000;
      lastCode = { code: found.data, at: now };
      if (!again) checkIn({ token: found.data });
    }, { returnDetailedScanResult: true, highlightScanRegion: true });
    await camera.start();
    button.setAttribute("aria-pressed", "true");
  } catch {
    camera?.destroy();
    camera = null;
    video.hidden = true;
    show({ result: "invalid", message: words.camera_failed, delegate: null, checkin: {} });
  }
}

// --- wiring ----------------------------------------------------------------------

deskLabel.value = load("label", "");
deskLabel.addEventListener("change", () => save("label", deskLabel.value.trim()));
scopeField.value = load("scope", "event");
if (!scopeField.value) scopeField.value = "event";
scopeField.addEventListener("change", () => save("scope", scopeField.value));

document.getElementById("scan-form").addEventListener("submit", (submitted) => {
  submitted.preventDefault();
  const token = scanField.value.trim();
  scanField.value = "";
  if (token) checkIn({ token });
});
scanField.addEventListener("input", () => {
  if (!answer.hidden) answer.hidden = true;
});
answer.querySelector(".answer-next").addEventListener("click", dismiss);
answer.querySelector(".answer-undo").addEventListener("click", undo);
answer.querySelector(".answer-print").addEventListener("submit", () => setTimeout(() => scanField.focus(), 100));

let searchTimer = null;
document.getElementById("search").addEventListener("input", (typed) => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => search(typed.target.value), 150);
});
document.getElementById("camera-toggle")?.addEventListener("click", (clicked) => toggleCamera(clicked.currentTarget));

// A scanner types wherever the focus is: bring it back to the scan field after any
// click that is not on something else the volunteer types into or presses.
document.addEventListener("click", (clicked) => {
  if (!clicked.target.closest("input, select, button, a, textarea")) scanField.focus();
});
window.addEventListener("online", () => { setOnline(true); sendQueue(); });
window.addEventListener("offline", () => setOnline(false));

showQueue();
refreshSnapshot().then(sendQueue);
setInterval(() => { if (queue.length) sendQueue(); }, 5000);
setInterval(refreshSnapshot, 60000);
scanField.focus();
