// A stand-in for Telegram's telegram-web-app.js, injected before the Mini App's own scripts.
// The test prepends `window.__E2E_TELEGRAM__ = {initData, platform, colorScheme, themeParams}` (initData is
// signed with the test bot token). Every call the app makes is recorded in `window.__telegram.calls`, and
// `window.__telegram.pressBack()` / `pressMain()` play a tap on Telegram's own Back / Main button.
(() => {
  const config = window.__E2E_TELEGRAM__;
  const calls = [];
  const record = (name, args) => calls.push({ name, args: JSON.parse(JSON.stringify(args ?? [])) });

  function parseInitData(raw) {
    const unsafe = {};
    for (const [key, value] of new URLSearchParams(raw)) {
      try {
        unsafe[key] = key === "user" || key === "chat" || key === "receiver" ? JSON.parse(value) : value;
      } catch {
        unsafe[key] = value;
      }
    }
    if (unsafe.auth_date) unsafe.auth_date = Number(unsafe.auth_date);
    return unsafe;
  }

  function makeButton(name, state) {
    const handlers = new Set();
    const button = {
      ...state,
      setText(text) { record(`${name}.setText`, [text]); button.text = text; return button; },
      setParams(params) {
        record(`${name}.setParams`, [params]);
        if ("text" in params) button.text = params.text;
        if ("is_active" in params) button.isActive = params.is_active;
        if ("is_visible" in params) button.isVisible = params.is_visible;
        return button;
      },
      show() { record(`${name}.show`); button.isVisible = true; return button; },
      hide() { record(`${name}.hide`); button.isVisible = false; return button; },
      enable() { record(`${name}.enable`); button.isActive = true; return button; },
      disable() { record(`${name}.disable`); button.isActive = false; return button; },
      onClick(cb) { handlers.add(cb); return button; },
      offClick(cb) { handlers.delete(cb); return button; },
      // What Telegram does when the person taps the button: nothing unless it is shown (and active).
      press() {
        if (!button.isVisible || button.isActive === false) return false;
        for (const cb of [...handlers]) cb();
        return true;
      },
    };
    return button;
  }

  const events = new Map();
  const BackButton = makeButton("BackButton", { isVisible: false });
  const MainButton = makeButton("MainButton", { text: "", isVisible: false, isActive: true });

  window.Telegram = {
    WebApp: {
      initData: config.initData,
      initDataUnsafe: parseInitData(config.initData),
      version: "7.0",
      platform: config.platform,
      colorScheme: config.colorScheme,
      themeParams: config.themeParams,
      isExpanded: false,
      ready() { record("ready"); },
      expand() { record("expand"); this.isExpanded = true; },
      close() { record("close"); },
      onEvent(event, cb) { if (!events.has(event)) events.set(event, new Set()); events.get(event).add(cb); },
      offEvent(event, cb) { events.get(event)?.delete(cb); },
      BackButton,
      MainButton,
      HapticFeedback: {
        impactOccurred(style) { record("HapticFeedback.impactOccurred", [style]); },
        notificationOccurred(type) { record("HapticFeedback.notificationOccurred", [type]); },
        selectionChanged() { record("HapticFeedback.selectionChanged"); },
      },
    },
  };
  window.__telegram = {
    calls,
    pressBack: () => BackButton.press(),
    pressMain: () => MainButton.press(),
    mainButton: () => ({ text: MainButton.text, isVisible: MainButton.isVisible, isActive: MainButton.isActive }),
    backButton: () => ({ isVisible: BackButton.isVisible }),
  };
})();
