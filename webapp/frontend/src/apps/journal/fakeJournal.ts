/** The journal API in memory for the page tests (the contract is docs/api.md), installed as the global `fetch`. */
import { vi } from "vitest";

import type { Category, DashboardStats, Entry, EntryDraft, FieldDef, Proposal, Recipe } from "./api";

export interface Call { method: string; path: string; query: URLSearchParams; body: unknown }

const f = (id: string, type: FieldDef["type"], extra: Partial<FieldDef> = {}): FieldDef => ({
  id, label: id[0]!.toUpperCase() + id.slice(1), type, section: "extended", placeholder: "", serialize: "string",
  isArray: type === "tags" || type === "people", aiKey: id, ...extra,
});

/** One field of each of the registry's twelve types (and the currency that goes with an amount). */
export const REGISTRY: FieldDef[] = [
  f("title", "text", { section: "base" }), f("note", "textarea", { section: "base", rows: 3 }),
  f("rating", "number", { min: 1, max: 5 }), f("amount", "money", { section: "base" }),
  f("currency", "select", { section: "base" }),
  f("mood", "select", { options: [{ value: "good", label: "good" }, { value: "bad", label: "bad" }] }),
  f("tags", "tags", { section: "base" }), f("people", "people", { section: "base" }),
  f("date", "date", { section: "base" }), f("time", "time", { section: "base" }),
  f("geo", "geo", { section: "base" }), f("data", "json"), f("url", "url"), f("place", "text", { section: "base" }),
  f("category", "select", { section: "base" }), f("attachments", "json", { section: "base" }),
];

export const EVERY_TYPE: Recipe = {
  id: "u1", action: "bought", object: "drink", label: "Everything", icon: "🧪", description: "every field type",
  category: "food", subcategory: null, color: "", sortOrder: 10, defaults: {}, builtin: false, enabled: true,
  form: { fields: ["title", "note", "rating", "amount", "currency", "mood", "tags", "people", "date", "time", "geo",
    "data", "url"], required: ["title"] },
};

const COFFEE: Recipe = { ...EVERY_TYPE, id: "food.coffee", label: "Coffee", icon: "☕", builtin: true,
  form: { fields: ["title", "amount", "currency", "people", "place", "date"], required: ["title"] } };
const OFF: Recipe = { ...COFFEE, id: "food.off", label: "Switched off", enabled: false };
const TAXI: Recipe = { ...COFFEE, id: "travel.taxi", label: "Taxi", icon: "🚕", category: "travel", action: "spent",
  object: "transport" };

export const CATEGORIES: Category[] = [
  { id: "food", label: "Food", icon: "🍽", color: "", subcategories: [] },
  { id: "travel", label: "Travel", icon: "✈️", color: "", subcategories: [] },
];

export function entry(id: number, fields: Partial<Entry> = {}): Entry {
  return {
    id, number: id, action: "bought", object: "drink", title: `Entry ${id}`, note: "", amount: null, currency: null,
    category: "food", subcategory: null, people: [], place: null, geo: null, tags: [], date: "2030-05-17", time: null,
    status: "done", attachments: [], extras: {}, recipeId: null, source: "app", version: 1,
    createdAt: "2030-05-17T10:00:00Z", updatedAt: "2030-05-17T10:00:00Z", deletedAt: null, ...fields,
  };
}

export class FakeJournal {
  calls: Call[] = [];
  entries: Entry[] = [];
  recipes: Recipe[] = [COFFEE, TAXI, OFF, EVERY_TYPE];
  proposals = new Map<number, Proposal>();
  failures = new Map<string, { status: number; code: string }>();
  /** What GET /entries/stream sends (then it holds the connection open). */
  streamEvents: string[] = ["event: ready\ndata: {\"after\": 0}\n\n"];
  dashboard: DashboardStats | null = null;

  private json(status: number, body: unknown): Response {
    return new Response(status === 204 ? null : JSON.stringify(body), {
      status, headers: { "Content-Type": "application/json" } });
  }

  handle = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), "http://localhost");
    const method = (init.method ?? "GET").toUpperCase();
    const body = typeof init.body === "string" ? JSON.parse(init.body) as unknown : undefined;
    const path = url.pathname;
    this.calls.push({ method, path, query: url.searchParams, body });
    const failure = this.failures.get(`${method} ${path}`);
    if (failure) return this.json(failure.status, { code: failure.code, message: "server text" });
    if (path === "/api/v1/entries/stream") return this.stream(init.signal ?? undefined);
    if (path === "/api/v1/config/fields") return this.json(200, REGISTRY);
    if (path === "/api/v1/config/recipes") return this.json(200, this.recipes);
    if (path === "/api/v1/config/categories") return this.json(200, CATEGORIES);
    if (path === "/api/v1/dictionaries/currencies") return this.json(200, { default: "RUB", used: ["EUR"], available: ["RUB", "USD", "EUR"] });
    if (path === "/api/v1/dictionaries/tags") return this.json(200, [{ value: "coffee", count: 3 }]);
    if (path === "/api/v1/dictionaries/people") return this.json(200, [{ value: "Маша", count: 2 }]);
    if (path === "/api/v1/dictionaries/places") {
      return this.json(200, [{ value: "Шоколадница", count: 2, geo: { lat: 55.75, lon: 37.61 } }]);
    }
    if (path === "/api/v1/dashboard/stats" && this.dashboard) return this.json(200, this.dashboard);
    if (path === "/api/v1/entries/export/link") {
      const format = url.searchParams.get("format");
      return this.json(200, { url: `http://x/downloads/journal-export?format=${format}&token=t`,
        path: `/downloads/journal-export?format=${format}&token=t`, fileName: `journal-20300517.${format}` });
    }
    if (method === "GET" && path === "/api/v1/entries") {
      const page = Number(url.searchParams.get("page") ?? 1);
      const perPage = Number(url.searchParams.get("perPage") ?? 20);
      const category = url.searchParams.get("category");
      const found = this.entries.filter((e) => !category || e.category === category);
      return this.json(200, { items: found.slice((page - 1) * perPage, page * perPage), page, perPage, total: found.length });
    }
    if (method === "POST" && path === "/api/v1/entries") {
      const draft = body as EntryDraft;
      const created = entry(this.entries.length + 1, { ...(draft as Partial<Entry>), amount: Number(draft.amount ?? 0) || null });
      this.entries.push(created);
      return this.json(201, created);
    }
    const proposal = /^\/api\/v1\/journal\/proposals\/(\d+)(\/save)?$/.exec(path);
    if (proposal) {
      const found = this.proposals.get(Number(proposal[1]));
      if (!found) return this.json(404, { code: "ERR_JOURNAL_PROPOSAL_NOT_FOUND", message: "no" });
      if (!proposal[2]) return this.json(200, found);
      if (found.status !== "open") return this.json(409, { code: "ERR_JOURNAL_PROPOSAL_CLOSED", message: "closed" });
      const drafts = (body as { drafts: EntryDraft[] }).drafts;
      const ids = drafts.map((d) => {
        const saved = entry(this.entries.length + 1, d as Partial<Entry>);
        this.entries.push(saved);
        return saved.id;
      });
      found.status = "saved";
      return this.json(200, { entryIds: ids });
    }
    const one = /^\/api\/v1\/entries\/(\d+)(?:\/(\w+))?$/.exec(path);
    const found = one ? this.entries.find((e) => e.id === Number(one[1])) : undefined;
    if (!one || !found) return this.json(404, { code: "ERR_JOURNAL_ENTRY_NOT_FOUND", message: "no" });
    if (one[2] === "versions") return this.json(200, []);
    if (method === "DELETE") {
      found.deletedAt = "2030-05-18T00:00:00Z";
      return this.json(204, null);
    }
    if (one[2] === "restore") found.deletedAt = null;
    if (method === "PUT") Object.assign(found, body, { version: found.version + 1 });
    return this.json(200, found);
  };

  private stream(signal?: AbortSignal): Response {
    const events = this.streamEvents;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        const encoder = new TextEncoder();
        for (const event of events) controller.enqueue(encoder.encode(event));
        signal?.addEventListener("abort", () => {
          try {
            controller.close();
          } catch {
            // closed already
          }
        });
      },
    });
    return new Response(body, { status: 200, headers: { "Content-Type": "text/event-stream" } });
  }

  install(): this {
    vi.stubGlobal("fetch", vi.fn(this.handle));
    return this;
  }

  to(method: string, path: string): Call[] {
    return this.calls.filter((c) => c.method === method && c.path === path);
  }
}
