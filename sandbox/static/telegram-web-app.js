// A small offline stand-in for https://telegram.org/js/telegram-web-app.js, served by the Secretary sandbox.
// It reads the launch parameters Telegram puts in location.hash (tgWebAppData, tgWebAppVersion,
// tgWebAppPlatform, tgWebAppThemeParams) and speaks Telegram's postMessage protocol with the parent page
// ({eventType, eventData} as JSON), so the same Mini App code runs inside Telegram and inside the sandbox.
(function () {
  "use strict";
  var STORAGE_KEY = "__telegram__initParams";

  function parseQuery(query) {
    var params = {};
    if (!query) return params;
    query.split("&").forEach(function (pair) {
      if (!pair) return;
      var i = pair.indexOf("=");
      var key = decodeURIComponent((i < 0 ? pair : pair.slice(0, i)).replace(/\+/g, "%20"));
      params[key] = i < 0 ? null : decodeURIComponent(pair.slice(i + 1).replace(/\+/g, "%20"));
    });
    return params;
  }

  function readInitParams() {
    var fromHash = parseQuery(window.location.hash.replace(/^#/, ""));
    var stored = {};
    try { stored = JSON.parse(window.sessionStorage.getItem(STORAGE_KEY) || "{}"); } catch (e) { stored = {}; }
    if (fromHash.tgWebAppData !== undefined || fromHash.tgWebAppVersion !== undefined) {
      for (var key in fromHash) stored[key] = fromHash[key];
      try { window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(stored)); } catch (e) { /* private mode */ }
    }
    return stored;
  }

  var initParams = readInitParams();
  var isIframe = window.parent != null && window !== window.parent;
  var handlers = {};

  function postEvent(eventType, eventData) {
    if (window.TelegramWebviewProxy !== undefined) {
      window.TelegramWebviewProxy.postEvent(eventType, JSON.stringify(eventData || {}));
    } else if (isIframe) {
      window.parent.postMessage(JSON.stringify({ eventType: eventType, eventData: eventData || {} }), "*");
    }
  }

  function onEvent(type, callback) { (handlers[type] = handlers[type] || []).push(callback); }
  function offEvent(type, callback) {
    handlers[type] = (handlers[type] || []).filter(function (cb) { return cb !== callback; });
  }
  function emit(type, context, args) {
    (handlers[type] || []).slice().forEach(function (cb) {
      try { cb.apply(context, args || []); } catch (e) { console.error(e); }
    });
  }

  var WebView = { initParams: initParams, isIframe: isIframe, postEvent: postEvent, onEvent: onEvent,
    offEvent: offEvent, receiveEvent: function (type, data) { receive(type, data); } };

  // --- WebApp ----------------------------------------------------------------------------------------
  var initData = initParams.tgWebAppData || "";
  var initDataUnsafe = parseQuery(initData);
  ["user", "receiver", "chat"].forEach(function (key) {
    if (initDataUnsafe[key]) { try { initDataUnsafe[key] = JSON.parse(initDataUnsafe[key]); } catch (e) { /* keep */ } }
  });
  ["auth_date", "can_send_after"].forEach(function (key) {
    if (initDataUnsafe[key]) initDataUnsafe[key] = Number(initDataUnsafe[key]);
  });

  var themeParams = {};
  try { themeParams = JSON.parse(initParams.tgWebAppThemeParams || "{}"); } catch (e) { themeParams = {}; }

  function colorScheme() {
    var bg = (themeParams.bg_color || "#ffffff").replace("#", "");
    if (bg.length === 3) bg = bg[0] + bg[0] + bg[1] + bg[1] + bg[2] + bg[2];
    var r = parseInt(bg.slice(0, 2), 16), g = parseInt(bg.slice(2, 4), 16), b = parseInt(bg.slice(4, 6), 16);
    return Math.sqrt(0.299 * r * r + 0.587 * g * g + 0.114 * b * b) < 120 ? "dark" : "light";
  }

  function applyCss() {
    var style = document.documentElement.style;
    for (var key in themeParams) style.setProperty("--tg-theme-" + key.replace(/_/g, "-"), themeParams[key]);
    style.setProperty("--tg-color-scheme", WebApp.colorScheme);
    style.setProperty("--tg-viewport-height", window.innerHeight + "px");
    style.setProperty("--tg-viewport-stable-height", window.innerHeight + "px");
  }

  function versionAtLeast(version) {
    var a = String(WebApp.version).split("."), b = String(version).split(".");
    for (var i = 0; i < Math.max(a.length, b.length); i++) {
      var x = Number(a[i] || 0), y = Number(b[i] || 0);
      if (x !== y) return x > y;
    }
    return true;
  }

  function bottomButton(kind, eventName) {
    var button = { type: kind, text: kind === "main" ? "Continue" : "Cancel", color: themeParams.button_color || "#2481cc",
      textColor: themeParams.button_text_color || "#ffffff", isVisible: false, isActive: true,
      isProgressVisible: false, hasShineEffect: false };
    function sync() {
      postEvent(kind === "main" ? "web_app_setup_main_button" : "web_app_setup_secondary_button", {
        is_visible: button.isVisible, is_active: button.isActive, is_progress_visible: button.isProgressVisible,
        text: button.text, color: button.color, text_color: button.textColor,
      });
      return button;
    }
    button.setText = function (text) { button.text = String(text); return sync(); };
    button.onClick = function (cb) { onEvent(eventName, cb); return button; };
    button.offClick = function (cb) { offEvent(eventName, cb); return button; };
    button.show = function () { button.isVisible = true; return sync(); };
    button.hide = function () { button.isVisible = false; return sync(); };
    button.enable = function () { button.isActive = true; return sync(); };
    button.disable = function () { button.isActive = false; return sync(); };
    button.showProgress = function () { button.isProgressVisible = true; return sync(); };
    button.hideProgress = function () { button.isProgressVisible = false; return sync(); };
    button.setParams = function (p) {
      if (p.text !== undefined) button.text = String(p.text);
      if (p.color !== undefined) button.color = p.color;
      if (p.text_color !== undefined) button.textColor = p.text_color;
      if (p.is_visible !== undefined) button.isVisible = !!p.is_visible;
      if (p.is_active !== undefined) button.isActive = !!p.is_active;
      return sync();
    };
    return button;
  }

  function headerButton(setupEvent, eventName) {
    var button = { isVisible: false };
    function sync() { postEvent(setupEvent, { is_visible: button.isVisible }); return button; }
    button.onClick = function (cb) { onEvent(eventName, cb); return button; };
    button.offClick = function (cb) { offEvent(eventName, cb); return button; };
    button.show = function () { button.isVisible = true; return sync(); };
    button.hide = function () { button.isVisible = false; return sync(); };
    return button;
  }

  var haptic = {
    impactOccurred: function (style) { postEvent("web_app_trigger_haptic_feedback", { type: "impact", impact_style: style }); return haptic; },
    notificationOccurred: function (type) { postEvent("web_app_trigger_haptic_feedback", { type: "notification", notification_type: type }); return haptic; },
    selectionChanged: function () { postEvent("web_app_trigger_haptic_feedback", { type: "selection_change" }); return haptic; },
  };

  var cloudPrefix = "__tg_cloud__";
  var cloud = {
    setItem: function (key, value, cb) { localStorage.setItem(cloudPrefix + key, String(value)); if (cb) cb(null, true); return cloud; },
    getItem: function (key, cb) { var v = localStorage.getItem(cloudPrefix + key); if (cb) cb(null, v === null ? "" : v); return cloud; },
    getItems: function (keys, cb) {
      var out = {};
      keys.forEach(function (k) { var v = localStorage.getItem(cloudPrefix + k); out[k] = v === null ? "" : v; });
      if (cb) cb(null, out);
      return cloud;
    },
    removeItem: function (key, cb) { localStorage.removeItem(cloudPrefix + key); if (cb) cb(null, true); return cloud; },
    removeItems: function (keys, cb) { keys.forEach(function (k) { localStorage.removeItem(cloudPrefix + k); }); if (cb) cb(null, true); return cloud; },
    getKeys: function (cb) {
      var keys = [];
      for (var i = 0; i < localStorage.length; i++) {
        var k = localStorage.key(i);
        if (k && k.indexOf(cloudPrefix) === 0) keys.push(k.slice(cloudPrefix.length));
      }
      if (cb) cb(null, keys);
      return cloud;
    },
  };

  var popupCallback = null;
  var WebApp = {
    initData: initData,
    initDataUnsafe: initDataUnsafe,
    version: initParams.tgWebAppVersion || "6.0",
    platform: initParams.tgWebAppPlatform || "unknown",
    themeParams: themeParams,
    colorScheme: "light",
    isExpanded: true,
    viewportHeight: window.innerHeight,
    viewportStableHeight: window.innerHeight,
    headerColor: themeParams.header_bg_color || themeParams.bg_color || "#ffffff",
    backgroundColor: themeParams.bg_color || "#ffffff",
    bottomBarColor: themeParams.bottom_bar_bg_color || themeParams.secondary_bg_color || "#ffffff",
    isClosingConfirmationEnabled: false,
    isVerticalSwipesEnabled: true,
    isActive: true,
    isFullscreen: false,
    safeAreaInset: { top: 0, bottom: 0, left: 0, right: 0 },
    contentSafeAreaInset: { top: 0, bottom: 0, left: 0, right: 0 },
    MainButton: bottomButton("main", "mainButtonClicked"),
    SecondaryButton: bottomButton("secondary", "secondaryButtonClicked"),
    BackButton: headerButton("web_app_setup_back_button", "backButtonClicked"),
    SettingsButton: headerButton("web_app_setup_settings_button", "settingsButtonClicked"),
    HapticFeedback: haptic,
    CloudStorage: cloud,
    isVersionAtLeast: versionAtLeast,
    onEvent: onEvent,
    offEvent: offEvent,
    ready: function () { postEvent("web_app_ready"); },
    expand: function () { WebApp.isExpanded = true; postEvent("web_app_expand"); },
    close: function (options) { postEvent("web_app_close", options || {}); },
    sendData: function (data) { postEvent("web_app_data_send", { data: String(data) }); },
    openLink: function (url, options) { postEvent("web_app_open_link", { url: url, try_instant_view: !!(options && options.try_instant_view) }); },
    openTelegramLink: function (url) { postEvent("web_app_open_tg_link", { path_full: String(url).replace(/^https?:\/\/t\.me/, "") }); },
    openInvoice: function (url, cb) { if (cb) cb("failed"); },
    switchInlineQuery: function () {},
    shareToStory: function () {},
    setHeaderColor: function (color) { WebApp.headerColor = color; postEvent("web_app_set_header_color", { color: color }); },
    setBackgroundColor: function (color) { WebApp.backgroundColor = color; postEvent("web_app_set_background_color", { color: color }); },
    setBottomBarColor: function (color) { WebApp.bottomBarColor = color; postEvent("web_app_set_bottom_bar_color", { color: color }); },
    enableClosingConfirmation: function () { WebApp.isClosingConfirmationEnabled = true; },
    disableClosingConfirmation: function () { WebApp.isClosingConfirmationEnabled = false; },
    enableVerticalSwipes: function () { WebApp.isVerticalSwipesEnabled = true; },
    disableVerticalSwipes: function () { WebApp.isVerticalSwipesEnabled = false; },
    requestFullscreen: function () {},
    exitFullscreen: function () {},
    lockOrientation: function () {},
    unlockOrientation: function () {},
    requestWriteAccess: function (cb) { if (cb) cb(true); },
    requestContact: function (cb) { if (cb) cb(false); },
    readTextFromClipboard: function (cb) { if (cb) cb(null); },
    showPopup: function (params, cb) {
      popupCallback = cb || null;
      postEvent("web_app_open_popup", { title: params.title || "", message: params.message,
        buttons: params.buttons || [{ id: "", type: "close" }] });
    },
    showAlert: function (message, cb) {
      WebApp.showPopup({ message: message, buttons: [{ id: "", type: "close" }] }, cb ? function () { cb(); } : null);
    },
    showConfirm: function (message, cb) {
      WebApp.showPopup({ message: message, buttons: [{ id: "ok", type: "ok" }, { id: "cancel", type: "cancel" }] },
        cb ? function (id) { cb(id === "ok"); } : null);
    },
  };
  WebApp.colorScheme = colorScheme();

  function receive(eventType, eventData) {
    eventData = eventData || {};
    if (eventType === "main_button_pressed") emit("mainButtonClicked", WebApp.MainButton);
    else if (eventType === "secondary_button_pressed") emit("secondaryButtonClicked", WebApp.SecondaryButton);
    else if (eventType === "back_button_pressed") emit("backButtonClicked", WebApp.BackButton);
    else if (eventType === "settings_button_pressed") emit("settingsButtonClicked", WebApp.SettingsButton);
    else if (eventType === "theme_changed") {
      if (eventData.theme_params) { WebApp.themeParams = themeParams = eventData.theme_params; }
      WebApp.colorScheme = colorScheme();
      applyCss();
      emit("themeChanged", WebApp);
    } else if (eventType === "viewport_changed") {
      if (eventData.height) WebApp.viewportHeight = eventData.height;
      if (eventData.is_state_stable) WebApp.viewportStableHeight = WebApp.viewportHeight;
      WebApp.isExpanded = !!eventData.is_expanded;
      applyCss();
      emit("viewportChanged", WebApp, [{ isStateStable: !!eventData.is_state_stable }]);
    } else if (eventType === "popup_closed") {
      var cb = popupCallback;
      popupCallback = null;
      emit("popupClosed", WebApp, [{ button_id: eventData.button_id || null }]);
      if (cb) cb(eventData.button_id || null);
    }
  }

  window.addEventListener("message", function (event) {
    if (!isIframe || event.source !== window.parent) return;
    var message;
    try { message = typeof event.data === "string" ? JSON.parse(event.data) : event.data; } catch (e) { return; }
    if (message && message.eventType) receive(message.eventType, message.eventData);
  });
  window.addEventListener("resize", function () {
    WebApp.viewportHeight = WebApp.viewportStableHeight = window.innerHeight;
    applyCss();
  });

  applyCss();
  window.Telegram = window.Telegram || {};
  window.Telegram.WebView = WebView;
  window.Telegram.WebApp = WebApp;
  window.Telegram.Utils = { urlParseQueryString: parseQuery };
  postEvent("web_app_request_theme");
  postEvent("web_app_request_viewport");
})();
