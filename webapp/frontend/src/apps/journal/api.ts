import type { ApiClient } from "../../lib/api";

/** The field registry's types (GET /config/fields): each one has its own input. */
export const FIELD_TYPES = ["text", "textarea", "number", "money", "select", "tags", "people", "date", "time", "geo",
  "json", "url"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldOption { value: string; label: string }

export interface FieldDef {
  id: string;
  label: string;
  type: FieldType;
  section: "base" | "extended";
  placeholder: string;
  serialize: "string" | "number" | "json";
  isArray: boolean;
  aiKey: string;
  min?: number;
  max?: number;
  step?: number;
  rows?: number;
  options?: FieldOption[];
}

export interface Recipe {
  id: string;
  action: string;
  object: string;
  label: string;
  icon: string;
  description: string;
  category: string;
  subcategory: string | null;
  color: string;
  sortOrder: number;
  form: { fields: string[]; required: string[] };
  defaults: Record<string, unknown>;
  builtin: boolean;
  enabled: boolean;
}

export interface Category {
  id: string;
  label: string;
  icon: string;
  color: string;
  subcategories: Array<{ id: string; label: string }>;
}

export interface Geo { lat: number; lon: number }

/** An entry as a form sends it (POST /entries, a proposal's draft). */
export interface EntryDraft {
  action: string;
  object: string;
  title?: string;
  note?: string;
  amount?: number | string | null;
  currency?: string | null;
  category?: string | null;
  subcategory?: string | null;
  people?: string[];
  place?: string | null;
  geo?: Geo | null;
  tags?: string[];
  date?: string | null;
  time?: string | null;
  status?: "done" | "planned" | "wish";
  extras?: Record<string, unknown>;
  recipeId?: string | null;
}

export interface Entry extends Required<Pick<EntryDraft, "action" | "object">> {
  id: number;
  number: number;
  title: string;
  note: string;
  amount: number | null;
  currency: string | null;
  category: string | null;
  subcategory: string | null;
  people: string[];
  place: string | null;
  geo: Geo | null;
  tags: string[];
  date: string;
  time: string | null;
  status: "done" | "planned" | "wish";
  attachments: Array<Record<string, unknown>>;
  extras: Record<string, unknown>;
  recipeId: string | null;
  source: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface EntryPage { items: Entry[]; page: number; perPage: number; total: number }

export interface EntryQuery {
  page?: number;
  perPage?: number;
  sort?: string;
  action?: string;
  category?: string;
  people?: string;
  tags?: string;
  dateFrom?: string;
  dateTo?: string;
  hasAttachments?: boolean;
  q?: string;
}

export interface Version { version: number; change: string; changedAt: string; entry: Partial<Entry> }

export interface Money { currency: string; amount: number }

export interface DashboardStats {
  dateFrom: string;
  dateTo: string;
  count: number;
  spent: Money[];
  earned: Money[];
  byCategory: Array<{ category: string | null; count: number; totals: Money[] }>;
  byMonth: Array<{ month: string; currency: string; amount: number; count: number }>;
  activity: Array<{ date: string; count: number }>;
  topPeople: Array<{ name: string; count: number }>;
  topPlaces: Array<{ name: string; count: number }>;
  topTags: Array<{ name: string; count: number }>;
}

export interface Term { value: string; count: number; geo?: Geo | null }
export type TermKind = "tags" | "people" | "places";
export interface Currencies { default: string; used: string[]; available: string[] }

/** What the chat proposed (GET /journal/proposals/{id}); "Edit" in the chat opens it here. */
export interface Proposal {
  id: number;
  status: string;
  source: string;
  text: string;
  drafts: EntryDraft[];
}

export interface ExportLink { url: string; path: string; fileName: string }
export type ExportFormat = "json" | "csv" | "zip";

export interface JournalApi {
  fields(signal?: AbortSignal): Promise<FieldDef[]>;
  recipes(signal?: AbortSignal): Promise<Recipe[]>;
  categories(signal?: AbortSignal): Promise<Category[]>;
  currencies(signal?: AbortSignal): Promise<Currencies>;
  terms(kind: TermKind, q?: string, signal?: AbortSignal): Promise<Term[]>;
  list(query: EntryQuery, signal?: AbortSignal): Promise<EntryPage>;
  get(id: number | string, signal?: AbortSignal): Promise<Entry>;
  create(draft: EntryDraft): Promise<Entry>;
  update(id: number, draft: EntryDraft & { version: number }): Promise<Entry>;
  remove(id: number): Promise<void>;
  restore(id: number): Promise<Entry>;
  versions(id: number | string, signal?: AbortSignal): Promise<Version[]>;
  dashboard(signal?: AbortSignal): Promise<DashboardStats>;
  exportLink(format: ExportFormat): Promise<ExportLink>;
  proposal(id: number | string, signal?: AbortSignal): Promise<Proposal>;
  saveProposal(id: number | string, drafts: EntryDraft[]): Promise<{ entryIds: number[] }>;
}

export function createJournalApi(api: ApiClient): JournalApi {
  const entryPath = (id: number | string): string => `/api/v1/entries/${encodeURIComponent(String(id))}`;
  const proposalPath = (id: number | string): string => `/api/v1/journal/proposals/${encodeURIComponent(String(id))}`;
  return {
    fields: (signal) => api.get("/api/v1/config/fields", { signal }),
    recipes: (signal) => api.get("/api/v1/config/recipes", { signal }),
    categories: (signal) => api.get("/api/v1/config/categories", { signal }),
    currencies: (signal) => api.get("/api/v1/dictionaries/currencies", { signal }),
    terms: (kind, q, signal) => api.get(`/api/v1/dictionaries/${kind}`, { query: { q, limit: 50 }, signal }),
    list: (query, signal) => api.get("/api/v1/entries", {
      query: { ...query, hasAttachments: query.hasAttachments === undefined ? undefined : String(query.hasAttachments) },
      signal,
    }),
    get: (id, signal) => api.get(entryPath(id), { signal }),
    create: (draft) => api.post("/api/v1/entries", draft),
    update: (id, draft) => api.request(entryPath(id), { method: "PUT", body: draft }),
    remove: (id) => api.request(entryPath(id), { method: "DELETE" }),
    restore: (id) => api.post(`${entryPath(id)}/restore`),
    versions: (id, signal) => api.get(`${entryPath(id)}/versions`, { signal }),
    dashboard: (signal) => api.get("/api/v1/dashboard/stats", { signal }),
    exportLink: (format) => api.post("/api/v1/entries/export/link", undefined, { query: { format } }),
    proposal: (id, signal) => api.get(proposalPath(id), { signal }),
    saveProposal: (id, drafts) => api.post(`${proposalPath(id)}/save`, { drafts }),
  };
}
