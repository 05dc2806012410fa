"use strict";
// Telegram sandbox chat page: talks to the control API next to it (relative "api/...").

const $ = (id) => document.getElementById(id);
const store = window.localStorage;
const ui = {
  chatId: Number(store.getItem("sandbox.chatId")) || 10001,
  userId: store.getItem("sandbox.userId") || "",
  firstName: store.getItem("sandbox.firstName") || "",
  language: store.getItem("sandbox.language") || "",
  threadId: null,
  lastMessages: "",
  lastChats: "",
  details: null,
  config: {},
  miniapp: null, // {buttonText, keyboardButton}
  votes: {}, // message id -> the options this page voted for
};

async function api(path, options = {}) {
  const response = await fetch("api/" + path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.detail || `HTTP ${response.status}`);
  return body;
}

function postJSON(path, data) {
  return api(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(data) });
}

function sender() {
  const data = { chat_id: ui.chatId };
  if (ui.userId) data.user_id = Number(ui.userId);
  if (ui.firstName) data.first_name = ui.firstName;
  if (ui.language) data.language_code = ui.language;
  return data;
}

function userId() {
  return ui.userId ? Number(ui.userId) : ui.chatId;
}

function toast(text, alertBox) {
  if (alertBox) { window.alert(text); return; }
  const el = $("toast");
  el.textContent = text;
  el.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { el.hidden = true; }, 3000);
}

// --- rendering text with entities (offsets are UTF-16, which is what JS strings use) -------------------

const TAGS = { bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre",
  blockquote: "blockquote", expandable_blockquote: "blockquote" };

function safeUrl(url) {
  return /^(https?:|tg:|mailto:)/i.test(url) ? url : "#";
}

function entityElement(entity, segment, fullText) {
  if (TAGS[entity.type]) return document.createElement(TAGS[entity.type]);
  if (entity.type === "text_link" || entity.type === "url") {
    const a = document.createElement("a");
    const target = entity.type === "url" ? fullText.substr(entity.offset, entity.length) : entity.url;
    a.href = safeUrl(/^[a-z]+:/i.test(target) ? target : "http://" + target);
    a.target = "_blank";
    a.rel = "noopener";
    return a;
  }
  if (entity.type === "spoiler") {
    const span = document.createElement("span");
    span.className = "spoiler";
    span.onclick = () => span.classList.add("shown");
    return span;
  }
  if (entity.type === "bot_command") {
    const span = document.createElement("span");
    span.className = "cmd";
    span.onclick = () => sendText(fullText.substr(entity.offset, entity.length));
    return span;
  }
  return null;
}

function renderText(text, entities) {
  const frag = document.createDocumentFragment();
  if (!text) return frag;
  const cuts = new Set([0, text.length]);
  for (const e of entities || []) { cuts.add(e.offset); cuts.add(Math.min(e.offset + e.length, text.length)); }
  const points = [...cuts].sort((a, b) => a - b);
  for (let i = 0; i + 1 < points.length; i++) {
    const [start, end] = [points[i], points[i + 1]];
    let node = document.createTextNode(text.slice(start, end));
    const active = (entities || []).filter((e) => e.offset <= start && e.offset + e.length >= end)
      .sort((a, b) => a.length - b.length);
    for (const entity of active) {
      const el = entityElement(entity, text.slice(start, end), text);
      if (!el) continue;
      el.appendChild(node);
      node = el;
    }
    frag.appendChild(node);
  }
  return frag;
}

// --- messages ---------------------------------------------------------------------------------------

function mediaBlock(m) {
  const box = document.createElement("div");
  box.className = "media";
  const fileUrl = (f) => "api/files/" + encodeURIComponent(f.file_id);
  if (m.photo) {
    const img = document.createElement("img");
    img.src = fileUrl(m.photo[m.photo.length - 1]);
    box.appendChild(img);
  } else if (m.voice || m.audio) {
    const f = m.voice || m.audio;
    box.append(`${m.voice ? "🎤 voice" : "🎵 " + (f.title || f.file_name || "audio")} · ${f.duration || 0}s`);
    const audio = document.createElement("audio");
    audio.controls = true;
    audio.src = fileUrl(f);
    box.appendChild(audio);
  } else if (m.document || m.video || m.animation) {
    const f = m.document || m.video || m.animation;
    const a = document.createElement("a");
    a.href = fileUrl(f);
    a.download = f.file_name || "file";
    a.textContent = `📄 ${f.file_name || "file"} (${f.file_size} bytes)`;
    box.appendChild(a);
  } else if (m.poll) {
    return pollBlock(m);
  } else if (m.dice) {
    box.className = "media dice";
    box.title = `${m.dice.emoji} rolled ${m.dice.value}`;
    const face = document.createElement("span");
    face.className = "dice-emoji";
    face.textContent = m.dice.emoji;
    const value = document.createElement("strong");
    value.className = "dice-value";
    value.textContent = String(m.dice.value);
    box.append(face, value);
  } else if (m.contact) {
    const c = m.contact;
    box.className = "media contact";
    box.textContent = `👤 ${[c.first_name, c.last_name].filter(Boolean).join(" ")} · ${c.phone_number}`;
  } else if (m.venue) {
    box.className = "media venue";
    const title = document.createElement("strong");
    title.textContent = `📍 ${m.venue.title}`;
    box.append(title, document.createElement("br"), m.venue.address,
      document.createElement("br"), mapLink(m.venue.location));
  } else if (m.location) {
    box.className = "media location" + (m.location.live_period ? " live" : "");
    box.append(m.location.live_period ? "📡 live location " : "📍 ", mapLink(m.location));
    if (m.location.heading) box.append(` · heading ${m.location.heading}°`);
  } else if (m.sticker) {
    const img = document.createElement("img");
    img.className = "sticker";
    img.src = fileUrl(m.sticker);
    img.alt = m.sticker.emoji || "sticker";
    box.appendChild(img);
  } else if (m.web_app_data) {
    box.textContent = `Data from "${m.web_app_data.button_text}": ${m.web_app_data.data}`;
  } else {
    return null;
  }
  return box;
}

function mapLink(location) {
  const a = document.createElement("a");
  a.href = `https://www.openstreetmap.org/?mlat=${location.latitude}&mlon=${location.longitude}`;
  a.target = "_blank";
  a.rel = "noopener";
  a.textContent = `${location.latitude}, ${location.longitude}`;
  return a;
}

function pollBlock(m) {
  const poll = m.poll;
  const box = document.createElement("div");
  box.className = "media poll" + (poll.is_closed ? " closed" : "");
  const head = document.createElement("strong");
  head.textContent = `📊 ${poll.question}`;
  const kind = document.createElement("div");
  kind.className = "muted";
  kind.textContent = `${poll.is_anonymous ? "Anonymous" : "Public"} ${poll.type === "quiz" ? "quiz" : "poll"}` +
    `${poll.is_closed ? " · closed" : ""} · ${poll.total_voter_count} vote(s)`;
  box.append(head, kind);
  const mine = (ui.votes[m.message_id] || []);
  poll.options.forEach((option, index) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "poll-option" + (mine.includes(index) ? " chosen" : "");
    b.disabled = poll.is_closed;
    b.textContent = `${option.text} — ${option.voter_count}`;
    b.onclick = () => votePoll(m, index);
    box.appendChild(b);
  });
  return box;
}

async function votePoll(m, index) {
  const mine = ui.votes[m.message_id] || [];
  let chosen;
  if (m.poll.allows_multiple_answers) chosen = mine.includes(index) ? mine.filter((i) => i !== index) : [...mine, index];
  else chosen = mine.includes(index) ? [] : [index];
  try {
    await postJSON("polls/votes", { ...sender(), message_id: m.message_id, option_ids: chosen.sort() });
    ui.votes[m.message_id] = chosen;
    ui.lastMessages = "";
    await refreshMessages();
  } catch (e) {
    toast(e.message);
  }
}

function albumElement(group, byId) {
  const el = messageElement(group[0], byId);
  const grid = document.createElement("div");
  grid.className = "album";
  for (const m of group) {
    const cell = mediaBlock(m);
    if (cell) grid.appendChild(cell);
  }
  const first = el.querySelector(".media");
  if (first) first.replaceWith(grid);
  else el.prepend(grid);
  const caption = group.find((m) => m.caption);
  const text = el.querySelector(".text");
  if (caption && text) text.replaceChildren(renderText(caption.caption, caption.entities));
  el.dataset.mediaGroupId = group[0].media_group_id;
  return el;
}

function grouped(messages, byId) {
  const out = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    if (!m.media_group_id) { out.push(messageElement(m, byId)); continue; }
    const group = [m];
    while (i + 1 < messages.length && messages[i + 1].media_group_id === m.media_group_id) group.push(messages[++i]);
    out.push(albumElement(group, byId));
  }
  return out;
}

function inlineKeyboard(m) {
  const rows = (m.reply_markup && m.reply_markup.inline_keyboard) || [];
  if (!rows.length) return null;
  const box = document.createElement("div");
  box.className = "keyboard";
  for (const row of rows) {
    const line = document.createElement("div");
    line.className = "row";
    for (const button of row) {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = button.text + (button.url ? " ↗" : button.web_app ? " ▣" : "");
      b.onclick = () => pressInline(m, button);
      line.appendChild(b);
    }
    box.appendChild(line);
  }
  return box;
}

function messageElement(m, byId) {
  const el = document.createElement("div");
  if (m.forum_topic_created) {
    el.className = "msg service";
    el.textContent = `Topic created: ${m.forum_topic_created.name}`;
    return el;
  }
  if (m.new_chat_title) {
    el.className = "msg service";
    el.textContent = `Title changed to “${m.new_chat_title}”`;
    return el;
  }
  el.className = "msg" + (m.from_bot ? "" : " mine");
  el.dataset.messageId = m.message_id;
  if (m.reply_to_message_id) {
    const quoted = byId.get(m.reply_to_message_id);
    const q = document.createElement("div");
    q.className = "quote";
    q.textContent = quoted ? (quoted.text || quoted.caption || "[media]").slice(0, 80) : "[deleted message]";
    el.appendChild(q);
  }
  const media = mediaBlock(m);
  if (media) el.appendChild(media);
  const text = document.createElement("div");
  text.className = "text";
  text.appendChild(renderText(m.text || m.caption || "", m.entities));
  el.appendChild(text);
  if (m.via_bot) {
    const via = document.createElement("div");
    via.className = "muted";
    via.textContent = `via @${m.via_bot.username}`;
    el.prepend(via);
  }
  const keyboard = inlineKeyboard(m);
  if (keyboard) el.appendChild(keyboard);
  const meta = document.createElement("div");
  meta.className = "meta";
  const time = new Date(m.date * 1000).toLocaleTimeString();
  meta.textContent = `#${m.message_id}${m.message_thread_id ? " · topic " + m.message_thread_id : ""}` +
    `${m.edited ? " · edited" : ""} · ${time}`;
  el.appendChild(meta);
  return el;
}

async function refreshMessages() {
  const list = await api(`chats/${ui.chatId}/messages?include_service=true&limit=300`);
  const shown = ui.threadId ? list.filter((m) => m.message_thread_id === ui.threadId) : list;
  const key = JSON.stringify(shown);
  if (key === ui.lastMessages) return;
  ui.lastMessages = key;
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const byId = new Map(list.map((m) => [m.message_id, m]));
  box.replaceChildren(...grouped(shown, byId));
  renderDraft(ui.details && ui.details.draft);
  if (atBottom || !refreshMessages.scrolled) { box.scrollTop = box.scrollHeight; refreshMessages.scrolled = true; }
}

// --- chat details: topics, reply keyboard, menu button, commands, typing ------------------------------

function renderReplyKeyboard(markup) {
  const box = $("reply-keyboard");
  const rows = (markup && markup.keyboard) || [];
  box.hidden = !rows.length;
  box.replaceChildren(...rows.map((row) => {
    const line = document.createElement("div");
    line.className = "row";
    for (const raw of row) {
      const button = typeof raw === "string" ? { text: raw } : raw;
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = button.text;
      b.onclick = () => {
        if (button.web_app) openMiniApp(button.web_app.url, { buttonText: button.text, keyboardButton: true });
        else sendText(button.text);
      };
      line.appendChild(b);
    }
    return line;
  }));
}

function renderDraft(draft) {
  let el = $("draft");
  if (!draft) { if (el) el.remove(); return; }
  if (!el) {
    el = document.createElement("div");
    el.id = "draft";
    el.className = "msg draft";
  }
  el.replaceChildren(renderText(draft.text, draft.entities));
  const box = $("messages");
  if (el.parentNode !== box || box.lastChild !== el) box.appendChild(el);
}

function renderDetails(d) {
  ui.details = d;
  renderDraft(d.draft);
  $("chat-title").textContent = `${d.title || d.chat_id} (${d.type}, id ${d.chat_id})`;
  const fresh = d.action && Date.now() / 1000 - d.action.date < 6;
  $("chat-action").textContent = fresh ? `bot is ${d.action.action.replace(/_/g, " ")}…` : "";
  const topicBox = $("topic-box");
  topicBox.hidden = !d.is_forum;
  const select = $("topic");
  const options = [["", "All / General"], ...d.topics.map((t) => [String(t.message_thread_id), t.name])];
  if (select.options.length !== options.length) {
    select.replaceChildren(...options.map(([value, label]) => new Option(label, value)));
    select.value = ui.threadId ? String(ui.threadId) : "";
  }
  renderReplyKeyboard(d.reply_keyboard);
  const menu = $("menu-button");
  const webApp = d.menu_button && d.menu_button.type === "web_app" ? d.menu_button : null;
  if (webApp) {
    menu.textContent = webApp.text;
    menu.onclick = () => openMiniApp(webApp.web_app.url, { query: true });
  } else if (ui.config.webapp_url_base) {
    menu.textContent = "Open app";
    menu.onclick = () => openMiniApp(ui.config.webapp_url_base + "/", { query: true });
  } else {
    menu.textContent = "/";
    menu.onclick = () => { $("commands").hidden = !$("commands").hidden; };
  }
  menu.hidden = !(webApp || ui.config.webapp_url_base || d.commands.length);
  $("commands").replaceChildren(...d.commands.map((c) => {
    const li = document.createElement("li");
    li.textContent = `/${c.command} — ${c.description}`;
    li.onclick = () => { $("commands").hidden = true; sendText("/" + c.command); };
    return li;
  }));
}

async function refreshChats() {
  const [chats, bots, stats] = await Promise.all([api("chats"), api("bots"), api("stats")]);
  const current = bots.find((b) => b.current);
  $("bot-line").textContent = current
    ? `bot ${current.id} (@${current.username})${current.webhook_url ? " · webhook" : " · polling"}` +
      ` · ${current.pending_update_count} pending`
    : "no bot connected yet (messages wait for one)";
  $("stats").textContent = `sent ${stats.sent_messages} · 429s ${stats.too_many_requests} · updates ${stats.updates}`;
  const key = JSON.stringify(chats.map((c) => [c.chat_id, c.title, c.last_message && c.last_message.message_id]));
  if (key === ui.lastChats) return;
  ui.lastChats = key;
  $("chat-list").replaceChildren(...chats.map((c) => {
    const li = document.createElement("li");
    li.className = c.chat_id === ui.chatId ? "active" : "";
    const last = c.last_message;
    li.innerHTML = "<strong></strong><span class=preview></span>";
    li.firstChild.textContent = `${c.title} (${c.chat_id})`;
    li.lastChild.textContent = last ? (last.from_bot ? "bot: " : "") + (last.text || last.caption || "[media]") : "";
    li.onclick = () => openChat(c.chat_id);
    return li;
  }));
}

async function refresh() {
  try {
    await Promise.all([refreshMessages(), refreshChats(), api(`chats/${ui.chatId}`).then(renderDetails)]);
  } catch (err) {
    console.warn("sandbox refresh failed", err);
  }
}

function openChat(chatId) {
  ui.chatId = Number(chatId);
  ui.threadId = null;
  ui.lastMessages = ui.lastChats = "";
  refreshMessages.scrolled = false;
  $("chat-id").value = ui.chatId;
  $("topic").replaceChildren();
  store.setItem("sandbox.chatId", String(ui.chatId));
  refresh();
}

// --- actions ----------------------------------------------------------------------------------------

async function sendText(text) {
  if (!text.trim()) return;
  const data = { ...sender(), text };
  if (ui.threadId) data.message_thread_id = ui.threadId;
  try { await postJSON("messages", data); } catch (err) { toast(err.message); }
  refresh();
}

function kindFor(file) {
  const choice = $("file-kind").value;
  if (choice !== "auto") return choice;
  if (/^image\/(png|jpe?g|gif|webp)$/.test(file.type)) return "photo";
  if (/ogg|opus|webm/.test(file.type) && file.type.startsWith("audio")) return "voice";
  if (file.type.startsWith("audio/")) return "audio";
  return "document";
}

const UPLOAD_PATH = { voice: "voice", document: "documents", photo: "photos", audio: "audio" };

async function upload(file, kind, caption) {
  const form = new FormData();
  for (const [key, value] of Object.entries(sender())) form.append(key, String(value));
  if (ui.threadId) form.append("message_thread_id", String(ui.threadId));
  if (caption) form.append("caption", caption);
  form.append("file", file, file.name || "file");
  try { await api(UPLOAD_PATH[kind], { method: "POST", body: form }); } catch (err) { toast(err.message); }
  refresh();
}

async function pressInline(message, button) {
  if (button.callback_data !== undefined) {
    try {
      const { callback_query_id: id } = await postJSON("callbacks",
        { ...sender(), message_id: message.message_id, data: button.callback_data });
      waitForAnswer(id, Date.now() + 5000);
    } catch (err) { toast(err.message); }
  } else if (button.url) {
    window.open(button.url, "_blank", "noopener");
  } else if (button.web_app) {
    openMiniApp(button.web_app.url, { buttonText: button.text });
  } else if (button.copy_text) {
    navigator.clipboard && navigator.clipboard.writeText(button.copy_text.text);
    toast("Copied");
  } else {
    toast("This button type is not emulated");
  }
}

async function waitForAnswer(id, deadline) {
  const answer = await api("callbacks/" + id).catch(() => null);
  if (answer && answer.answered) {
    if (answer.text) toast(answer.text, answer.show_alert);
    if (answer.url) window.open(answer.url, "_blank", "noopener");
    return;
  }
  if (Date.now() < deadline) setTimeout(() => waitForAnswer(id, deadline), 300);
}

// --- voice recording --------------------------------------------------------------------------------

let recorder = null;
async function toggleRecording() {
  const button = $("record");
  if (recorder) { recorder.stop(); return; }
  if (!navigator.mediaDevices || !window.MediaRecorder) { toast("Recording is not available here"); return; }
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const type = ["audio/ogg;codecs=opus", "audio/webm;codecs=opus"].find((t) => MediaRecorder.isTypeSupported(t));
    recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
    const chunks = [];
    recorder.ondataavailable = (e) => chunks.push(e.data);
    recorder.onstop = () => {
      stream.getTracks().forEach((t) => t.stop());
      const blob = new Blob(chunks, { type: recorder.mimeType || "audio/ogg" });
      recorder = null;
      button.classList.remove("recording");
      upload(new File([blob], "voice.ogg", { type: blob.type }), "voice");
    };
    recorder.start();
    button.classList.add("recording");
  } catch (err) {
    toast("Microphone unavailable: " + err.message);
  }
}

// --- Mini Apps ----------------------------------------------------------------------------------------

function resolveUrl(url) {
  const base = ui.config.webapp_url_base ? ui.config.webapp_url_base + "/" : window.location.href;
  return new URL(url, base).toString();
}

async function openMiniApp(url, opts = {}) {
  let launch;
  try {
    const params = new URLSearchParams({ chat_id: ui.chatId, query: opts.query ? "true" : "false" });
    if (ui.userId) params.set("user_id", ui.userId);
    if (ui.firstName) params.set("first_name", ui.firstName);
    if (ui.language) params.set("language_code", ui.language);
    launch = await api("webapp_init_data?" + params);
  } catch (err) { toast(err.message); return; }
  ui.miniapp = { buttonText: opts.buttonText || "", keyboardButton: !!opts.keyboardButton };
  const target = resolveUrl(url).split("#")[0];
  $("miniapp-title").textContent = opts.buttonText || "Mini App";
  $("miniapp-main").hidden = true;
  $("miniapp-back").hidden = true;
  $("miniapp").hidden = false;
  $("miniapp-frame").src = target + "#" + launch.fragment;
}

function closeMiniApp() {
  $("miniapp").hidden = true;
  $("miniapp-frame").src = "about:blank";
  ui.miniapp = null;
}

function postToMiniApp(eventType, eventData) {
  const frame = $("miniapp-frame").contentWindow;
  if (frame) frame.postMessage(JSON.stringify({ eventType, eventData }), "*");
}

const THEME = { bg_color: "#ffffff", text_color: "#000000", hint_color: "#999999", link_color: "#2481cc",
  button_color: "#2481cc", button_text_color: "#ffffff", secondary_bg_color: "#efeff3" };

const MINIAPP_EVENTS = {
  web_app_close: () => closeMiniApp(),
  web_app_open_link: (d) => window.open(d.url, "_blank", "noopener"),
  web_app_open_tg_link: (d) => toast("Telegram link: " + d.path_full),
  web_app_request_theme: () => postToMiniApp("theme_changed", { theme_params: THEME }),
  web_app_request_viewport: () => postToMiniApp("viewport_changed",
    { height: $("miniapp-frame").clientHeight, is_expanded: true, is_state_stable: true }),
  web_app_setup_back_button: (d) => { $("miniapp-back").hidden = !d.is_visible; },
  web_app_setup_main_button: (d) => {
    const b = $("miniapp-main");
    b.hidden = !d.is_visible;
    b.disabled = d.is_active === false;
    b.textContent = (d.is_progress_visible ? "⏳ " : "") + (d.text || "");
    if (d.color) b.style.background = d.color;
    if (d.text_color) b.style.color = d.text_color;
  },
  web_app_open_popup: (d) => {
    const message = (d.title ? d.title + "\n\n" : "") + d.message;
    const buttons = d.buttons || [{ id: "", type: "ok" }];
    let chosen = buttons[0].id || "";
    if (buttons.length > 1) chosen = window.confirm(message) ? buttons[0].id : buttons[buttons.length - 1].id;
    else window.alert(message);
    postToMiniApp("popup_closed", { button_id: chosen });
  },
  web_app_data_send: async (d) => {
    if (!ui.miniapp || !ui.miniapp.keyboardButton) { toast("sendData works only for keyboard-button Mini Apps"); return; }
    await postJSON("web_app_data", { ...sender(), data: d.data, button_text: ui.miniapp.buttonText });
    closeMiniApp();
    refresh();
  },
};

window.addEventListener("message", (event) => {
  if (event.source !== $("miniapp-frame").contentWindow) return;
  let message;
  try { message = typeof event.data === "string" ? JSON.parse(event.data) : event.data; } catch { return; }
  const handler = message && MINIAPP_EVENTS[message.eventType];
  if (handler) handler(message.eventData || {});
});

// --- wiring -------------------------------------------------------------------------------------------

function init() {
  $("chat-id").value = ui.chatId;
  $("user-id").value = ui.userId;
  $("first-name").value = ui.firstName;
  $("language").value = ui.language;
  $("open-chat").onsubmit = (e) => {
    e.preventDefault();
    ui.userId = $("user-id").value.trim();
    ui.firstName = $("first-name").value.trim();
    ui.language = $("language").value.trim();
    store.setItem("sandbox.userId", ui.userId);
    store.setItem("sandbox.firstName", ui.firstName);
    store.setItem("sandbox.language", ui.language);
    openChat($("chat-id").value);
  };
  $("composer").onsubmit = (e) => {
    e.preventDefault();
    const text = $("text").value;
    $("text").value = "";
    sendText(text);
  };
  $("text").onkeydown = (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); }
  };
  $("file").onchange = () => {
    const file = $("file").files[0];
    if (file) upload(file, kindFor(file), $("text").value.trim());
    $("text").value = "";
    $("file").value = "";
  };
  $("record").onclick = toggleRecording;
  $("topic").onchange = () => { ui.threadId = Number($("topic").value) || null; ui.lastMessages = ""; refresh(); };
  $("reset").onclick = async () => {
    if (!window.confirm("Forget every chat, message and file in the sandbox?")) return;
    await postJSON("reset", {});
    ui.lastChats = ui.lastMessages = "";
    refresh();
  };
  $("miniapp-close").onclick = closeMiniApp;
  $("miniapp-main").onclick = () => postToMiniApp("main_button_pressed", {});
  $("miniapp-back").onclick = () => postToMiniApp("back_button_pressed", {});
  api("config").then((config) => { ui.config = config; }).catch(() => {});
  refresh();
  setInterval(refresh, 1000);
}

init();
