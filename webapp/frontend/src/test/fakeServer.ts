/**
 * An in-memory stand-in for the Minis HTTP API (the contract in ARCHITECTURE.md), installed as
 * the global `fetch`. Components run unmodified against it; tests inspect `requests`.
 */
import { vi } from "vitest";

import { STAGES, type HistoryGroup, type MiniType, type Stage, type StageCounts } from "../apps/minis/api";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: unknown;
}

interface RawEvent {
  from_stage: Stage | null; // null: added to IN_BOX
  to_stage: Stage;
  qty: number;
  created_at: string;
}

function emptyCounts(): StageCounts {
  return { IN_BOX: 0, BUILDING: 0, PRIMING: 0, PAINTING: 0, DONE: 0 };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

function err(status: number, code: string): Response {
  return json(status, { code, message: `server says ${code}` });
}

export class FakeMinisServer {
  types = new Map<number, { name: string; counts: StageCounts; events: RawEvent[] }>();
  requests: RecordedRequest[] = [];
  nextId = 1;
  /** Set to make every request fail at the network level. */
  offline = false;
  /** Clock for new history events. */
  now = new Date("2025-03-01T10:00:00Z");

  addType(name: string, counts: Partial<StageCounts> = {}): number {
    const id = this.nextId++;
    this.types.set(id, { name, counts: { ...emptyCounts(), ...counts }, events: [] });
    return id;
  }

  addEvent(id: number, event: RawEvent): void {
    this.types.get(id)?.events.push(event);
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  private view(id: number): MiniType {
    const t = this.types.get(id)!;
    return { id, name: t.name, stage_counts: { ...t.counts } };
  }

  private grouped(events: RawEvent[]): HistoryGroup[] {
    const groups: HistoryGroup[] = [];
    let lastTime = 0;
    for (const e of events) {
      const time = Date.parse(e.created_at);
      const last = groups[groups.length - 1];
      if (last && last.from_stage === e.from_stage && last.to_stage === e.to_stage && time - lastTime < 300_000) {
        last.qty += e.qty;
        last.events += 1;
      } else {
        groups.push({ from_stage: e.from_stage, to_stage: e.to_stage, qty: e.qty, timestamp: e.created_at, events: 1 });
      }
      lastTime = time;
    }
    return groups;
  }

  handle = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), "http://localhost");
    const method = (init.method ?? "GET").toUpperCase();
    const headers = Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>));
    const body = typeof init.body === "string" ? (JSON.parse(init.body) as unknown) : undefined;
    this.requests.push({ method, path: url.pathname, query: url.searchParams, headers, body });
    if (this.offline) throw new TypeError("Failed to fetch");
    if (!headers.Authorization?.startsWith("tma ")) return err(401, "ERR_UNAUTHORIZED");
    return this.route(method, url, body as Record<string, unknown> | undefined);
  };

  private route(method: string, url: URL, body: Record<string, unknown> | undefined): Response {
    const path = url.pathname;
    if (method === "GET" && path === "/api/v1/types") {
      const q = (url.searchParams.get("q") ?? "").toLowerCase();
      const list = [...this.types.keys()]
        .map((id) => this.view(id))
        .filter((t) => t.name.toLowerCase().includes(q))
        .sort((a, b) => a.name.localeCompare(b.name));
      return json(200, list);
    }
    if (method === "POST" && path === "/api/v1/types") {
      const name = String(body?.name ?? "").trim();
      if (!name) return err(400, "ERR_NAME_REQUIRED");
      if (name.length > 100) return err(400, "ERR_NAME_TOO_LONG");
      if ([...this.types.values()].some((t) => t.name === name)) return err(409, "ERR_DUPLICATE_NAME");
      const quantity = Number(body?.quantity ?? 0);
      const id = this.addType(name, { IN_BOX: quantity });
      if (quantity > 0) this.addEvent(id, { from_stage: null, to_stage: "IN_BOX", qty: quantity, created_at: this.now.toISOString() });
      return json(201, this.view(id));
    }
    if (method === "GET" && path === "/api/v1/export") {
      return json(200, {
        version: 1,
        types: [...this.types.values()].map((t) => ({ name: t.name, stage_counts: t.counts, history: t.events })),
      });
    }
    if (method === "POST" && path === "/api/v1/import") {
      const types = (body as { types?: unknown } | undefined)?.types;
      if (!Array.isArray(types)) return err(400, "ERR_IMPORT_INVALID");
      return json(200, { imported_types: types.length, created_types: types.length, merged_types: 0 });
    }
    const match = path.match(/^\/api\/v1\/types\/(\d+)(?:\/(add|move|history))?$/);
    const id = match ? Number(match[1]) : NaN;
    const type = this.types.get(id);
    if (!match || !type) return err(404, "ERR_NOT_FOUND");
    const action = match[2];
    if (method === "GET" && !action) return json(200, this.view(id));
    if (method === "GET" && action === "history") return json(200, this.grouped(type.events));
    if (method === "POST" && action === "add") {
      const qty = Number(body?.qty);
      if (!Number.isInteger(qty) || qty < 1) return err(400, "ERR_INVALID_QTY");
      type.counts.IN_BOX += qty;
      type.events.push({ from_stage: null, to_stage: "IN_BOX", qty, created_at: this.now.toISOString() });
      return json(200, this.view(id));
    }
    if (method === "POST" && action === "move") {
      const from = body?.from_stage as Stage;
      const to = body?.to_stage as Stage;
      const qty = Number(body?.qty);
      if (!STAGES.includes(from) || !STAGES.includes(to)) return err(400, "ERR_INVALID_STAGE");
      if (STAGES.indexOf(to) <= STAGES.indexOf(from)) return err(400, "ERR_INVALID_STAGE_TRANSITION");
      if (!Number.isInteger(qty) || qty < 1) return err(400, "ERR_INVALID_QTY");
      if (type.counts[from] < qty) return err(400, "ERR_INSUFFICIENT_QTY");
      type.counts[from] -= qty;
      type.counts[to] += qty;
      type.events.push({ from_stage: from, to_stage: to, qty, created_at: this.now.toISOString() });
      return json(200, this.view(id));
    }
    return err(404, "ERR_NOT_FOUND");
  }

  install(): this {
    vi.stubGlobal("fetch", vi.fn(this.handle));
    return this;
  }
}

/** Injects a Telegram WebApp object the way Telegram's script would. */
export function installTelegramWebApp(options: { languageCode?: string; colorScheme?: "light" | "dark" } = {}) {
  const back = { show: vi.fn(), hide: vi.fn(), onClick: vi.fn(), offClick: vi.fn() };
  const main = { setParams: vi.fn(), show: vi.fn(), hide: vi.fn(), onClick: vi.fn(), offClick: vi.fn() };
  const user = { id: 42, first_name: "Test", language_code: options.languageCode ?? "en" };
  const initData = `query_id=AA&user=${encodeURIComponent(JSON.stringify(user))}&auth_date=1700000000&hash=abc`;
  window.Telegram = {
    WebApp: {
      initData,
      initDataUnsafe: { user },
      colorScheme: options.colorScheme ?? "light",
      themeParams: { bg_color: options.colorScheme === "dark" ? "#17212b" : "#ffffff" },
      platform: "android",
      ready: vi.fn(),
      expand: vi.fn(),
      BackButton: back,
      MainButton: main,
      onEvent: vi.fn(),
      offEvent: vi.fn(),
    },
  };
  return { back, main, initData };
}
