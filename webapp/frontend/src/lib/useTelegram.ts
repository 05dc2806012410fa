import { useEffect, useRef, useState } from "react";

import {
  applyThemeCssVars,
  getTheme,
  onThemeChange,
  showBackButton,
  showMainButton,
  type TelegramTheme,
} from "./telegram";

/** The current Telegram theme; follows live theme changes and mirrors them into CSS variables. */
export function useTelegramTheme(): TelegramTheme {
  const [theme, setTheme] = useState<TelegramTheme>(getTheme);
  useEffect(() => {
    applyThemeCssVars(theme);
  }, [theme]);
  useEffect(() => onThemeChange(setTheme), []);
  return theme;
}

/** Shows Telegram's Back button while the calling screen is mounted (no-op when `onBack` is null). */
export function useBackButton(onBack: (() => void) | null): void {
  const ref = useRef(onBack);
  ref.current = onBack;
  const active = onBack !== null;
  useEffect(() => {
    if (!active) return undefined;
    return showBackButton(() => ref.current?.());
  }, [active]);
}

export interface MainButtonState {
  text: string;
  enabled: boolean;
  onClick: () => void;
}

/** Shows Telegram's Main button with the given text/state (hidden when `state` is null). */
export function useMainButton(state: MainButtonState | null): void {
  const clickRef = useRef(state?.onClick);
  clickRef.current = state?.onClick;
  const visible = state !== null;
  const text = state?.text ?? "";
  const enabled = state?.enabled ?? false;
  useEffect(() => {
    if (!visible) return undefined;
    return showMainButton({ text, enabled, onClick: () => clickRef.current?.() });
  }, [visible, text, enabled]);
}
