import { CLIENT_ERROR_CODES } from "../lib/api";
import { AGENDA_ERROR_CODES } from "./agenda";
import { JOURNAL_ERROR_CODES } from "./journal";

/** Business error codes the server may send (`{"code": "ERR_…"}`). */
export const SERVER_ERROR_CODES = [
  "ERR_DUPLICATE_NAME",
  "ERR_NOT_FOUND",
  "ERR_INSUFFICIENT_QTY",
  "ERR_INVALID_STAGE_TRANSITION",
  "ERR_INVALID_QTY",
  "ERR_INVALID_STAGE",
  "ERR_IMPORT_INVALID",
  "ERR_IMPORT_TOO_LARGE",
  "ERR_IMPORT_LIMITS",
  "ERR_NAME_REQUIRED",
  "ERR_NAME_TOO_LONG",
  "ERR_UNAUTHORIZED",
  "ERR_VALIDATION",
  ...AGENDA_ERROR_CODES,
  ...JOURNAL_ERROR_CODES,
] as const;

/** Codes raised by the front end itself (network, unreadable file, ...). */
export const UI_ERROR_CODES = [...CLIENT_ERROR_CODES, "ERR_IMPORT_NOT_JSON"] as const;

/** Every code the UI must be able to show as text, in both languages. */
export const ERROR_CODES: readonly string[] = [...SERVER_ERROR_CODES, ...UI_ERROR_CODES];
