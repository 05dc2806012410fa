import type { ApiClient } from "../../lib/api";

export const KINDS = ["note", "task", "meeting", "reminder"] as const;
export type Kind = (typeof KINDS)[number];
export const STATUSES = ["inbox", "scheduled", "done", "cancelled"] as const;
export type Status = (typeof STATUSES)[number];
export type ItemId = number | string;

/** The question an item waits on: pick a candidate (or keep / cancel) with `answer`. */
export interface Question {
  purpose: "time" | "reschedule" | "past";
  date: string | null;
  candidates: string[];
  expires_at: string;
}

/** An item as the API gives it; `date` and `time` are already in the user's time zone. */
export interface Item {
  id: number;
  number: number;
  kind: Kind;
  status: Status;
  title: string;
  text: string;
  source: string;
  starts_at: string | null;
  date: string | null;
  time: string | null;
  duration_min: number | null;
  remind_at: string | null;
  recurrence: string | null;
  calendar: "none" | "synced" | "pending" | "failed";
  question: Question | null;
  created_at: string;
  updated_at: string;
}

export interface CreatedItem extends Item {
  result: "created" | "scheduled" | "cancelled" | "kept" | "asked" | "expired";
}

export interface ItemPage {
  items: Item[];
  page: number;
  perPage: number;
  total: number;
}

export interface ListQuery {
  status?: Status;
  kind?: Kind;
  dateFrom?: string;
  dateTo?: string;
  q?: string;
  page?: number;
  perPage?: number;
}

export interface Me {
  id: number;
  first_name: string;
  language: string;
  timezone: string;
}

export interface ItemPatch {
  title?: string;
  text?: string;
  kind?: Kind;
}

export interface ScheduleRequest {
  date?: string;
  time: string;
  duration_min?: number;
}

export function isOpen(item: Item): boolean {
  return item.status === "inbox" || item.status === "scheduled";
}

export interface AgendaApi {
  me(signal?: AbortSignal): Promise<Me>;
  list(query: ListQuery, signal?: AbortSignal): Promise<ItemPage>;
  get(id: ItemId, signal?: AbortSignal): Promise<Item>;
  create(text: string): Promise<CreatedItem>;
  update(id: ItemId, patch: ItemPatch): Promise<Item>;
  schedule(id: ItemId, request: ScheduleRequest): Promise<Item>;
  answer(id: ItemId, choice: string): Promise<Item>;
  done(id: ItemId): Promise<Item>;
  skip(id: ItemId): Promise<Item>;
  cancel(id: ItemId): Promise<Item>;
  undo(id: ItemId): Promise<Item>;
}

export function createAgendaApi(api: ApiClient): AgendaApi {
  const itemPath = (id: ItemId): string => `/api/v1/items/${encodeURIComponent(String(id))}`;
  const action = (name: string) => (id: ItemId) => api.post<Item>(`${itemPath(id)}/${name}`);
  return {
    me: (signal) => api.get<Me>("/api/v1/me", { signal }),
    list: (query, signal) => api.get<ItemPage>("/api/v1/items", { query: { ...query }, signal }),
    get: (id, signal) => api.get<Item>(itemPath(id), { signal }),
    create: (text) => api.post<CreatedItem>("/api/v1/items", { text }),
    update: (id, patch) => api.request<Item>(itemPath(id), { method: "PATCH", body: patch }),
    schedule: (id, request) => api.post<Item>(`${itemPath(id)}/schedule`, request),
    answer: (id, choice) => api.post<Item>(`${itemPath(id)}/answer`, { choice }),
    done: action("done"),
    skip: action("skip"),
    cancel: action("cancel"),
    undo: action("undo"),
  };
}

/** "YYYY-MM-DD" of `now` in an IANA time zone (the user's, from /me), never the browser's. */
export function dayIn(timeZone: string, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

/** `day` + `n` days, as "YYYY-MM-DD" (calendar arithmetic, no time zone involved). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d! + n));
  return date.toISOString().slice(0, 10);
}

/** morning 05–11, day 12–17, evening 18–23, night 00–04 (as the chat labels its time buttons). */
export function partOfDay(time: string): "morning" | "day" | "evening" | "night" {
  const hour = Number(time.slice(0, 2));
  if (hour < 5) return "night";
  if (hour < 12) return "morning";
  if (hour < 18) return "day";
  return "evening";
}

/** Items grouped by their day, in the order given; items without a day are left out. */
export function byDay(items: Item[]): Array<[string, Item[]]> {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    if (!item.date) continue;
    groups.set(item.date, [...(groups.get(item.date) ?? []), item]);
  }
  return [...groups.entries()];
}
