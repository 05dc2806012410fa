import { describe, expect, it } from "vitest";

import { ApiError } from "../lib/api";
import { en } from "./en";
import { ERROR_CODES, SERVER_ERROR_CODES } from "./errorCodes";
import { detectLanguage, translate, translateError, translatePlural } from "./index";
import { ru } from "./ru";

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe("dictionaries", () => {
  it("have identical key sets", () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort());
  });

  it("translate every error code, in both languages", () => {
    for (const code of ERROR_CODES) {
      expect(en, code).toHaveProperty([`error.${code}`]);
      expect(ru, code).toHaveProperty([`error.${code}`]);
    }
    expect(SERVER_ERROR_CODES).toEqual(
      expect.arrayContaining(["ERR_INSUFFICIENT_QTY", "ERR_INVALID_STAGE_TRANSITION", "ERR_DUPLICATE_NAME", "ERR_VALIDATION"]),
    );
  });

  it("have no empty texts and the same placeholders in both languages", () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(en[key].trim(), key).not.toBe("");
      expect(ru[key].trim(), key).not.toBe("");
      expect(placeholders(ru[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("really are two languages (no untranslated copy)", () => {
    expect(ru["error.ERR_INSUFFICIENT_QTY"]).not.toBe(en["error.ERR_INSUFFICIENT_QTY"]);
    expect(translate("ru", "details.available", { n: 0 })).toBe("Доступно: 0");
    expect(translate("en", "details.available", { n: 0 })).toBe("Available: 0");
  });
});

describe("translateError", () => {
  it("shows the dictionary text for a known code, not the server's message", () => {
    const error = new ApiError("ERR_DUPLICATE_NAME", "UNIQUE constraint failed", 409);
    expect(translateError("en", error)).toBe(en["error.ERR_DUPLICATE_NAME"]);
    expect(translateError("ru", error)).toBe(ru["error.ERR_DUPLICATE_NAME"]);
  });

  it("falls back to a generic text for unknown codes and non-API errors", () => {
    expect(translateError("en", new ApiError("ERR_SOMETHING_NEW", "x", 400))).toBe(en["error.ERR_UNKNOWN"]);
    expect(translateError("ru", new Error("boom"))).toBe(ru["error.ERR_UNKNOWN"]);
  });
});

describe("plurals", () => {
  it("picks Russian plural forms", () => {
    expect(translatePlural("ru", "history.events", 1)).toBe("×1 событие");
    expect(translatePlural("ru", "history.events", 3)).toBe("×3 события");
    expect(translatePlural("ru", "history.events", 5)).toBe("×5 событий");
    expect(translatePlural("en", "history.events", 5)).toBe("×5 events");
  });
});

describe("detectLanguage", () => {
  it("prefers Telegram's language_code", () => {
    expect(detectLanguage("ru", ["en-US"])).toBe("ru");
    expect(detectLanguage("en", ["ru-RU"])).toBe("en");
  });

  it("uses English for Telegram languages it does not have", () => {
    expect(detectLanguage("de", ["ru-RU"])).toBe("en");
  });

  it("falls back to the browser languages, then English", () => {
    expect(detectLanguage(undefined, ["de-DE", "ru-RU"])).toBe("ru");
    expect(detectLanguage(undefined, ["fr"])).toBe("en");
  });

  it("keeps the user's explicit choice", () => {
    window.localStorage.setItem("secretary.lang", "ru");
    expect(detectLanguage("en", ["en"])).toBe("ru");
  });
});
