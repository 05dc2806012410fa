import { describe, expect, it, vi } from "vitest";

import { installTelegramWebApp } from "../test/fakeServer";
import {
  getInitData,
  getTelegramLanguage,
  getTheme,
  hasNativeBackButton,
  initTelegram,
  showBackButton,
  showMainButton,
} from "./telegram";

const user = encodeURIComponent(JSON.stringify({ id: 1, first_name: "A", language_code: "ru" }));
const rawInitData = `query_id=Q&user=${user}&auth_date=1700000000&hash=deadbeef`;

function launchWithFragment(theme: Record<string, string>): void {
  const fragment = new URLSearchParams({
    tgWebAppData: rawInitData,
    tgWebAppVersion: "7.0",
    tgWebAppPlatform: "web",
    tgWebAppThemeParams: JSON.stringify(theme),
  }).toString();
  window.history.replaceState(null, "", `/app/#${fragment}`);
}

describe("telegram: window.Telegram.WebApp", () => {
  it("takes initData, language and theme from the WebApp object", () => {
    const { initData } = installTelegramWebApp({ languageCode: "ru", colorScheme: "dark" });
    initTelegram(true);
    expect(getInitData()).toBe(initData);
    expect(getTelegramLanguage()).toBe("ru");
    expect(getTheme().colorScheme).toBe("dark");
  });

  it("drives the native Back button and stops listening on cleanup", () => {
    const { back } = installTelegramWebApp();
    initTelegram(true);
    expect(hasNativeBackButton()).toBe(true);
    const onBack = vi.fn();
    const cleanup = showBackButton(onBack);
    expect(back.show).toHaveBeenCalled();
    expect(back.onClick).toHaveBeenCalledWith(onBack);
    cleanup();
    expect(back.offClick).toHaveBeenCalledWith(onBack);
    expect(back.hide).toHaveBeenCalled();
  });

  it("sets up the Main button", () => {
    const { main } = installTelegramWebApp();
    initTelegram(true);
    const onClick = vi.fn();
    const cleanup = showMainButton({ text: "Move", enabled: false, onClick });
    expect(main.setParams).toHaveBeenCalledWith({ text: "Move", is_active: false, is_visible: true });
    expect(main.onClick).toHaveBeenCalledWith(onClick);
    cleanup();
    expect(main.hide).toHaveBeenCalled();
  });
});

describe("telegram: launch parameters in the URL fragment (iframe, sandbox)", () => {
  it("reads initData, language and theme from the fragment", () => {
    launchWithFragment({ bg_color: "#17212b", text_color: "#f5f5f5" });
    const info = initTelegram(true);
    expect(info.mode).toBe("sdk");
    expect(getInitData()).toBe(rawInitData);
    expect(getTelegramLanguage()).toBe("ru");
    expect(getTheme()).toEqual({ colorScheme: "dark", params: { bg_color: "#17212b", text_color: "#f5f5f5" } });
  });

  it("keeps initData after the router replaces the fragment", () => {
    launchWithFragment({ bg_color: "#ffffff" });
    initTelegram(true);
    window.history.replaceState(null, "", "/app/#/minis");
    expect(getInitData()).toBe(rawInitData);
    expect(getTheme().colorScheme).toBe("light");
  });

  it("finds initData again after a reload on a nested screen (same tab)", () => {
    launchWithFragment({ bg_color: "#17212b" });
    initTelegram(true);
    window.history.replaceState(null, "", "/app/#/minis/types/3");
    const info = initTelegram(true); // what a reload does
    expect(info.mode).toBe("sdk");
    expect(getInitData()).toBe(rawInitData);
    expect(getTheme().colorScheme).toBe("dark");
  });

  it("shows the in-page Back fallback on the web platform", () => {
    launchWithFragment({ bg_color: "#ffffff" });
    initTelegram(true);
    expect(hasNativeBackButton()).toBe(false);
  });
});

describe("telegram: plain browser", () => {
  it("has no initData and no native buttons", () => {
    window.history.replaceState(null, "", "/app/#/minis");
    sessionStorage.clear();
    const info = initTelegram(true);
    expect(info.mode).toBe("browser");
    expect(getInitData()).toBe("");
    expect(getTelegramLanguage()).toBeUndefined();
    expect(hasNativeBackButton()).toBe(false);
    expect(getTheme().colorScheme).toBe("light");
  });
});
