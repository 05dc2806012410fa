/**
 * Telegram Mini App environment, behind one small interface.
 *
 * Three sources, in order:
 *  1. `window.Telegram.WebApp` (Telegram's own script, or a test that injects the object);
 *  2. @telegram-apps/sdk, which reads the launch parameters from the URL fragment
 *     (`#tgWebAppData=...&tgWebAppPlatform=...`, also inside an iframe) or session storage;
 *  3. a plain browser: no initData, theme from `prefers-color-scheme`.
 *
 * Everything here is defensive: a missing method or an unknown environment degrades to a no-op.
 */
import {
  backButton,
  init as sdkInit,
  isTMA,
  mainButton,
  on as sdkOn,
  off as sdkOff,
  postEvent,
  retrieveRawInitData,
} from "@telegram-apps/sdk-react";

export type ColorScheme = "light" | "dark";
export type ThemeParams = Record<string, string>;

interface WebAppBackButton {
  show?: () => void;
  hide?: () => void;
  onClick?: (cb: () => void) => void;
  offClick?: (cb: () => void) => void;
}

interface WebAppMainButton {
  setText?: (text: string) => void;
  setParams?: (params: { text?: string; is_active?: boolean; is_visible?: boolean }) => void;
  show?: () => void;
  hide?: () => void;
  enable?: () => void;
  disable?: () => void;
  onClick?: (cb: () => void) => void;
  offClick?: (cb: () => void) => void;
}

export interface TelegramWebApp {
  initData?: string;
  initDataUnsafe?: { user?: { language_code?: string } };
  colorScheme?: ColorScheme;
  themeParams?: ThemeParams;
  platform?: string;
  ready?: () => void;
  expand?: () => void;
  BackButton?: WebAppBackButton;
  MainButton?: WebAppMainButton;
  HapticFeedback?: {
    impactOccurred?: (style: "light" | "medium" | "heavy" | "rigid" | "soft") => void;
    notificationOccurred?: (type: "error" | "success" | "warning") => void;
  };
  onEvent?: (event: string, cb: () => void) => void;
  offEvent?: (event: string, cb: () => void) => void;
}

declare global {
  interface Window {
    Telegram?: { WebApp?: TelegramWebApp };
  }
}

export type TelegramMode = "webapp" | "sdk" | "browser";

interface LaunchInfo {
  mode: TelegramMode;
  initData: string;
  platform: string;
  themeParams: ThemeParams;
}

let launch: LaunchInfo | null = null;
let sdkReady = false;

function webApp(): TelegramWebApp | undefined {
  return typeof window === "undefined" ? undefined : window.Telegram?.WebApp;
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** Launch parameters from a URL fragment or query (`tgWebAppData=...&tgWebAppPlatform=...`). */
export function parseLaunchFragment(hashOrSearch: string): URLSearchParams {
  const raw = hashOrSearch.replace(/^[^?#]*[?#]/, "").replace(/[?#]/g, "&");
  return new URLSearchParams(raw);
}

function parseThemeJson(value: string | null): ThemeParams {
  if (!value) return {};
  const parsed = safe(() => JSON.parse(value) as unknown, null);
  if (!parsed || typeof parsed !== "object") return {};
  const out: ThemeParams = {};
  for (const [key, val] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof val === "string") out[key] = val;
  }
  return out;
}

const LAUNCH_STORAGE_KEY = "secretary.launchParams";

/**
 * Launch parameters from the URL, remembered for this tab: once the router has replaced the
 * fragment, a reload must still find them (Telegram does not reload with them).
 */
function launchParamsFromUrlOrSession(): URLSearchParams | null {
  const fromUrl = parseLaunchFragment(window.location.href);
  if (fromUrl.get("tgWebAppData")) {
    safe(() => window.sessionStorage.setItem(LAUNCH_STORAGE_KEY, fromUrl.toString()), undefined);
    return fromUrl;
  }
  const stored = safe(() => window.sessionStorage.getItem(LAUNCH_STORAGE_KEY), null);
  return stored ? new URLSearchParams(stored) : null;
}

function detectLaunch(): LaunchInfo {
  const app = webApp();
  if (app && (app.initData || app.BackButton || app.MainButton)) {
    return {
      mode: "webapp",
      initData: app.initData ?? "",
      platform: app.platform ?? "unknown",
      themeParams: app.themeParams ?? {},
    };
  }
  // Our own parse first: the SDK's schema rejects initData without a `signature` field, which
  // older clients and the local sandbox do not send. The SDK is the fallback for other sources.
  const params = launchParamsFromUrlOrSession();
  const inTma = safe(() => isTMA(), false);
  const initData = params?.get("tgWebAppData") || (inTma && safe(() => retrieveRawInitData(), undefined)) || "";
  if (inTma || initData) {
    return {
      mode: "sdk",
      initData,
      platform: params?.get("tgWebAppPlatform") ?? "unknown",
      themeParams: parseThemeJson(params?.get("tgWebAppThemeParams") ?? null),
    };
  }
  return { mode: "browser", initData: "", platform: "unknown", themeParams: {} };
}

/**
 * Reads the launch parameters once (before the hash router rewrites the fragment) and tells
 * Telegram the app is ready. Safe to call more than once; `force` re-detects (tests).
 */
export function initTelegram(force = false): LaunchInfo {
  if (launch && !force) return launch;
  launch = detectLaunch();
  sdkReady = false;
  if (launch.mode === "webapp") {
    const app = webApp();
    safe(() => app?.ready?.(), undefined);
    safe(() => app?.expand?.(), undefined);
  } else if (launch.mode === "sdk") {
    sdkReady = safe(() => {
      sdkInit();
      return true;
    }, false);
    if (sdkReady) {
      safe(() => backButton.mount.ifAvailable(), undefined);
      safe(() => mainButton.mount.ifAvailable(), undefined);
      safe(() => postEvent("web_app_ready"), undefined);
      safe(() => postEvent("web_app_expand"), undefined);
    }
  }
  return launch;
}

export function telegramMode(): TelegramMode {
  return initTelegram().mode;
}

/** The raw initData string for the `Authorization: tma ...` header ("" outside Telegram). */
export function getInitData(): string {
  const app = webApp();
  if (app?.initData) return app.initData;
  return initTelegram().initData;
}

/** `language_code` of the Telegram user, if any. */
export function getTelegramLanguage(): string | undefined {
  const fromUnsafe = webApp()?.initDataUnsafe?.user?.language_code;
  if (fromUnsafe) return fromUnsafe;
  const userJson = new URLSearchParams(getInitData()).get("user");
  if (!userJson) return undefined;
  const user = safe(() => JSON.parse(userJson) as { language_code?: unknown }, null);
  return typeof user?.language_code === "string" ? user.language_code : undefined;
}

function isColorDark(color: string | undefined): boolean | undefined {
  const match = color?.trim().match(/^#?([0-9a-f]{6}|[0-9a-f]{3})$/i);
  if (!match?.[1]) return undefined;
  let hex = match[1];
  if (hex.length === 3) hex = [...hex].map((c) => c + c).join("");
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  // Perceived brightness (ITU-R BT.601).
  return Math.sqrt(0.299 * r! * r! + 0.587 * g! * g! + 0.114 * b! * b!) < 120;
}

function prefersDark(): boolean {
  return safe(() => window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false, false);
}

export interface TelegramTheme {
  colorScheme: ColorScheme;
  params: ThemeParams;
}

export function getTheme(): TelegramTheme {
  const app = webApp();
  const info = initTelegram();
  const params = app?.themeParams ?? info.themeParams;
  let scheme: ColorScheme | undefined = app?.colorScheme;
  if (!scheme) {
    const dark = isColorDark(params.bg_color);
    if (dark !== undefined) scheme = dark ? "dark" : "light";
  }
  return { colorScheme: scheme ?? (prefersDark() ? "dark" : "light"), params };
}

/** Calls `listener` whenever Telegram (or the OS, in a browser) changes the theme. */
export function onThemeChange(listener: (theme: TelegramTheme) => void): () => void {
  const app = webApp();
  const mode = telegramMode();
  if (mode === "webapp" && app?.onEvent) {
    const cb = (): void => listener(getTheme());
    app.onEvent("themeChanged", cb);
    return () => app.offEvent?.("themeChanged", cb);
  }
  if (mode === "sdk") {
    const cb = (payload: { theme_params: Record<string, unknown> }): void => {
      const params: ThemeParams = {};
      for (const [key, val] of Object.entries(payload.theme_params ?? {})) {
        if (typeof val === "string") params[key] = val;
      }
      if (launch) launch.themeParams = params;
      listener(getTheme());
    };
    return safe(
      () => {
        sdkOn("theme_changed", cb);
        return () => sdkOff("theme_changed", cb);
      },
      () => undefined,
    );
  }
  const media = safe(() => window.matchMedia?.("(prefers-color-scheme: dark)"), undefined);
  if (!media?.addEventListener) return () => undefined;
  const cb = (): void => listener(getTheme());
  media.addEventListener("change", cb);
  return () => media.removeEventListener("change", cb);
}

/** Exposes theme params as `--tg-theme-*` CSS variables, which telegram-ui reads. */
export function applyThemeCssVars(theme: TelegramTheme, root: HTMLElement = document.documentElement): void {
  for (const [key, value] of Object.entries(theme.params)) {
    root.style.setProperty(`--tg-theme-${key.replace(/_/g, "-")}`, value);
  }
  root.dataset.colorScheme = theme.colorScheme;
  root.style.colorScheme = theme.colorScheme;
}

/** Platforms whose client draws the native Back/Main buttons. */
function platformHasNativeButtons(platform: string): boolean {
  return !["unknown", "web", ""].includes(platform);
}

/** True when Telegram draws a Back button for us (so the in-page fallback can hide). */
export function hasNativeBackButton(): boolean {
  const info = initTelegram();
  if (!platformHasNativeButtons(webApp()?.platform ?? info.platform)) return false;
  if (info.mode === "webapp") return Boolean(webApp()?.BackButton?.show);
  if (info.mode === "sdk") return sdkReady && safe(() => backButton.isMounted(), false);
  return false;
}

/** Shows the Telegram Back button while mounted; returns a cleanup that hides it. */
export function showBackButton(onBack: () => void): () => void {
  const info = initTelegram();
  if (info.mode === "webapp") {
    const button = webApp()?.BackButton;
    if (!button) return () => undefined;
    safe(() => button.onClick?.(onBack), undefined);
    safe(() => button.show?.(), undefined);
    return () => {
      safe(() => button.offClick?.(onBack), undefined);
      safe(() => button.hide?.(), undefined);
    };
  }
  if (info.mode === "sdk" && sdkReady) {
    const off = safe(() => backButton.onClick.ifAvailable(onBack), undefined);
    safe(() => backButton.show.ifAvailable(), undefined);
    return () => {
      safe(() => (off?.[0] ? off[1]?.() : undefined), undefined);
      safe(() => backButton.hide.ifAvailable(), undefined);
    };
  }
  return () => undefined;
}

export interface MainButtonParams {
  text: string;
  enabled: boolean;
  onClick: () => void;
}

/** Shows the Telegram Main button with `params`; returns a cleanup that hides it. */
export function showMainButton(params: MainButtonParams): () => void {
  const info = initTelegram();
  if (info.mode === "webapp") {
    const button = webApp()?.MainButton;
    if (!button) return () => undefined;
    safe(() => {
      if (button.setParams) button.setParams({ text: params.text, is_active: params.enabled, is_visible: true });
      else {
        button.setText?.(params.text);
        if (params.enabled) button.enable?.();
        else button.disable?.();
        button.show?.();
      }
    }, undefined);
    safe(() => button.onClick?.(params.onClick), undefined);
    return () => {
      safe(() => button.offClick?.(params.onClick), undefined);
      safe(() => button.hide?.(), undefined);
    };
  }
  if (info.mode === "sdk" && sdkReady) {
    safe(
      () => mainButton.setParams.ifAvailable({ text: params.text, isEnabled: params.enabled, isVisible: true }),
      undefined,
    );
    const off = safe(() => mainButton.onClick.ifAvailable(params.onClick), undefined);
    return () => {
      safe(() => (off?.[0] ? off[1]?.() : undefined), undefined);
      safe(() => mainButton.setParams.ifAvailable({ isVisible: false }), undefined);
    };
  }
  return () => undefined;
}

export type HapticKind = "success" | "error" | "warning" | "light";

/** A short vibration in Telegram after an action (success / error / warning) or a tap (light); a no-op elsewhere. */
export function haptic(kind: HapticKind): void {
  const info = initTelegram();
  if (info.mode === "webapp") {
    const feedback = webApp()?.HapticFeedback;
    safe(() => (kind === "light" ? feedback?.impactOccurred?.("light") : feedback?.notificationOccurred?.(kind)), undefined);
  } else if (info.mode === "sdk") {
    safe(
      () =>
        kind === "light"
          ? postEvent("web_app_trigger_haptic_feedback", { type: "impact", impact_style: "light" })
          : postEvent("web_app_trigger_haptic_feedback", { type: "notification", notification_type: kind }),
      undefined,
    );
  }
}
