/**
 * The entry form's model, apart from React: the values a form holds per field id (as its inputs edit them), made
 * from a draft and turned back into one. Base fields are the entry's own keys; extended ones go to `extras`.
 */
import { ApiError } from "../../lib/api";
import type { Entry, EntryDraft, FieldDef, Recipe } from "./api";

export interface GeoValue { lat: string; lon: string }
export type FieldValue = string | string[] | GeoValue;
export type FormValues = Record<string, FieldValue>;

/** The entry's own keys a form may edit (the registry's "base" section, but attachments). */
export const COLUMN_FIELDS = ["title", "date", "time", "amount", "currency", "category", "subcategory", "tags", "people",
  "place", "geo", "note", "status"] as const;
/** What a draft that names no recipe shows. */
export const DEFAULT_FIELDS = ["title", "amount", "currency", "date", "time", "category", "people", "place", "tags",
  "note"] as const;
const NOT_EDITABLE = new Set(["attachments"]);

function isColumn(id: string): boolean {
  return (COLUMN_FIELDS as readonly string[]).includes(id);
}

export function today(): string {
  const now = new Date();
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** The fields of a form, in order: the recipe's (or the default set), plus any extended field the draft has. */
export function formFields(registry: FieldDef[], ids: readonly string[], draft?: EntryDraft): FieldDef[] {
  const byId = new Map(registry.map((f) => [f.id, f]));
  const wanted = [...ids, ...Object.keys(draft?.extras ?? {})];
  const out: FieldDef[] = [];
  for (const id of wanted) {
    const field = byId.get(id);
    if (field && !NOT_EDITABLE.has(id) && !out.includes(field)) out.push(field);
  }
  return out;
}

function toText(value: unknown): string {
  if (value === null || value === undefined) return "";
  return typeof value === "string" ? value : String(value);
}

/** One field's form value from a draft's value. */
export function fieldValue(field: FieldDef, raw: unknown): FieldValue {
  switch (field.type) {
    case "tags":
    case "people":
      return Array.isArray(raw) ? raw.map(toText).filter(Boolean) : [];
    case "geo": {
      const geo = raw as { lat?: unknown; lon?: unknown } | null | undefined;
      return { lat: toText(geo?.lat), lon: toText(geo?.lon) };
    }
    case "json":
      return raw === null || raw === undefined || raw === "" ? "" : JSON.stringify(raw, null, 2);
    default:
      return toText(raw);
  }
}

function draftValue(draft: EntryDraft, id: string): unknown {
  return isColumn(id) ? (draft as unknown as Record<string, unknown>)[id] : draft.extras?.[id];
}

/** The form's values for `fields` from a draft (an entry, a proposal's draft, a recipe's defaults). */
export function valuesFromDraft(fields: FieldDef[], draft: Partial<EntryDraft> = {}): FormValues {
  const values: FormValues = {};
  for (const field of fields) values[field.id] = fieldValue(field, draftValue(draft as EntryDraft, field.id));
  return values;
}

function empty(value: FieldValue | undefined): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "string") return value.trim() === "";
  return value.lat.trim() === "" && value.lon.trim() === "";
}

function fail(code: string, field: FieldDef): never {
  throw new ApiError(code, field.label, 0, { field: field.id });
}

function readNumber(field: FieldDef, text: string): number {
  const value = Number(text.trim().replace(",", ".").replace(/\s+/g, ""));
  if (!Number.isFinite(value)) fail("ERR_JOURNAL_BAD_NUMBER", field);
  return value;
}

/** A field's value as the API takes it; `undefined` when the field is empty. */
function apiValue(field: FieldDef, value: FieldValue): unknown {
  if (empty(value)) return undefined;
  switch (field.type) {
    case "tags":
    case "people":
      return value as string[];
    case "number":
    case "money":
      return readNumber(field, value as string);
    case "geo": {
      const geo = value as GeoValue;
      if (!geo.lat.trim() || !geo.lon.trim()) fail("ERR_JOURNAL_BAD_GEO", field);
      return { lat: readNumber(field, geo.lat), lon: readNumber(field, geo.lon) };
    }
    case "json":
      try {
        return JSON.parse(value as string) as unknown;
      } catch {
        return fail("ERR_JOURNAL_BAD_JSON", field);
      }
    default:
      return (value as string).trim();
  }
}

/**
 * The draft a form's values make, over `base` (action, object, recipe id, what the form does not show).
 * Throws an ApiError (`ERR_JOURNAL_REQUIRED`, `ERR_JOURNAL_BAD_NUMBER`, …; `details.field` names the field).
 */
export function draftFromValues(base: EntryDraft, fields: FieldDef[], values: FormValues,
  required: readonly string[] = []): EntryDraft {
  const draft: EntryDraft = { ...base, extras: { ...(base.extras ?? {}) } };
  const record = draft as unknown as Record<string, unknown>;
  for (const field of fields) {
    const value = values[field.id];
    if (required.includes(field.id) && empty(value)) fail("ERR_JOURNAL_REQUIRED", field);
    const out = apiValue(field, value ?? "");
    if (isColumn(field.id)) {
      record[field.id] = out ?? (field.type === "tags" || field.type === "people" ? [] : null);
    } else if (out === undefined) {
      delete draft.extras![field.id];
    } else {
      draft.extras![field.id] = out;
    }
  }
  if (record.status === null) delete record.status;
  if (record.title === null) record.title = "";
  if (record.note === null) record.note = "";
  return draft;
}

/** The draft a recipe starts: its action/object, category and defaults, dated today. */
export function recipeDraft(recipe: Recipe): EntryDraft {
  return {
    action: recipe.action, object: recipe.object, category: recipe.category, subcategory: recipe.subcategory,
    recipeId: recipe.id, date: today(), ...(recipe.defaults as Partial<EntryDraft>),
  };
}

/** An entry as a draft (what PUT /entries/{id} takes back). */
export function entryDraft(entry: Entry): EntryDraft {
  const { action, object, title, note, amount, currency, category, subcategory, people, place, geo, tags, date, time,
    status, extras, recipeId } = entry;
  return { action, object, title, note, amount, currency, category, subcategory, people, place, geo, tags, date, time,
    status, extras, recipeId };
}
