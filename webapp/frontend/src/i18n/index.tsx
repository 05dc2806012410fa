/**
 * A tiny i18n context: two dictionaries, `{name}` placeholders, CLDR plural suffixes
 * (`key_one` / `key_few` / `key_many` / `key_other`) and error-code translation.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from "react";

import { isApiError } from "../lib/api";
import { en, type Dictionary, type MessageKey } from "./en";
import { ru } from "./ru";

export const LANGUAGES = ["en", "ru"] as const;
export type Lang = (typeof LANGUAGES)[number];
export type { MessageKey };

export const dictionaries: Record<Lang, Dictionary> = { en, ru };

const STORAGE_KEY = "secretary.lang";

export type Vars = Record<string, string | number>;

function normalize(code: string | undefined | null): Lang | undefined {
  if (!code) return undefined;
  const base = code.toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base ?? "") ? (base as Lang) : undefined;
}

/**
 * The user's explicit choice (stored), else Telegram's `language_code`, else the browser's
 * languages, else English. Telegram languages other than RU/EN fall back to English.
 */
export function detectLanguage(telegramLanguage?: string, navigatorLanguages?: readonly string[]): Lang {
  let stored: string | null = null;
  try {
    stored = window.localStorage.getItem(STORAGE_KEY);
  } catch {
    stored = null;
  }
  const fromStorage = normalize(stored);
  if (fromStorage) return fromStorage;
  if (telegramLanguage) return normalize(telegramLanguage) ?? "en";
  const langs = navigatorLanguages ?? (typeof navigator === "undefined" ? [] : navigator.languages ?? [navigator.language]);
  for (const lang of langs) {
    const found = normalize(lang);
    if (found) return found;
  }
  return "en";
}

function interpolate(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match));
}

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  return interpolate(dictionaries[lang][key] ?? en[key] ?? key, vars);
}

/** Plural-aware lookup: `tp("history.events", n)` picks `history.events_<category>`. */
export function translatePlural(lang: Lang, base: string, count: number, vars?: Vars): string {
  const category = new Intl.PluralRules(lang).select(count);
  const dict = dictionaries[lang] as Record<string, string>;
  const template = dict[`${base}_${category}`] ?? dict[`${base}_other`] ?? base;
  return interpolate(template, { n: count, ...vars });
}

export function hasMessage(key: string): key is MessageKey {
  return key in en;
}

/** Text for any error: a known `code` → its dictionary entry, anything else → a generic one. */
export function translateError(lang: Lang, error: unknown): string {
  const code = isApiError(error) ? error.code : undefined;
  const key = `error.${code ?? "ERR_UNKNOWN"}`;
  return translate(lang, hasMessage(key) ? key : "error.ERR_UNKNOWN");
}

/** The browser's locale when it speaks `lang` (en-GB vs en-US date order), else `lang` itself. */
function dateLocale(lang: Lang): string {
  const browser = typeof navigator === "undefined" ? undefined : navigator.language;
  return browser && normalize(browser) === lang ? browser : lang;
}

export interface I18n {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Vars) => string;
  tp: (base: string, count: number, vars?: Vars) => string;
  te: (error: unknown) => string;
  formatDateTime: (value: Date) => string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ initialLang, children }: { initialLang: Lang; children: ReactNode }): JSX.Element {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode or storage disabled: the choice lasts for this session only.
    }
    document.documentElement.lang = next;
  }, []);
  const value = useMemo<I18n>(() => {
    const dateFormat = new Intl.DateTimeFormat(dateLocale(lang), {
      dateStyle: "medium",
      timeStyle: "short",
    });
    return {
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      tp: (base, count, vars) => translatePlural(lang, base, count, vars),
      te: (error) => translateError(lang, error),
      formatDateTime: (value) => dateFormat.format(value),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error("useI18n must be used inside <I18nProvider>");
  return ctx;
}
