import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { openApp } from "../../test/openApp";
import { addDays, byDay, dayIn, partOfDay, type Item } from "./api";
import { timeRange } from "./format";

const TODAY = dayIn("UTC");

function item(fields: Partial<Item>): Item {
  return {
    id: 1, number: 1, kind: "meeting", status: "scheduled", title: "Lunch", text: "Lunch", source: "api",
    starts_at: null, date: TODAY, time: "13:00", duration_min: 60, remind_at: null, recurrence: null,
    calendar: "none", question: null, created_at: "2030-01-01T00:00:00Z", updated_at: "2030-01-01T00:00:00Z",
    ...fields,
  };
}

interface Call { method: string; path: string; query: URLSearchParams; body: unknown }

/** The items API in memory: enough of it for the screens (the contract is docs/api.md). */
class FakeItems {
  items: Item[] = [];
  calls: Call[] = [];
  errors = new Map<string, { status: number; code: string }>();

  json(status: number, body: unknown): Response {
    return new Response(status === 204 ? null : JSON.stringify(body), {
      status, headers: { "Content-Type": "application/json" } });
  }

  handle = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input), "http://localhost");
    const method = (init.method ?? "GET").toUpperCase();
    const body = typeof init.body === "string" ? JSON.parse(init.body) as Record<string, unknown> : undefined;
    this.calls.push({ method, path: url.pathname, query: url.searchParams, body });
    const failure = this.errors.get(`${method} ${url.pathname}`);
    if (failure) return this.json(failure.status, { code: failure.code, message: "server text" });
    if (url.pathname === "/api/v1/me") return this.json(200, { id: 42, first_name: "T", language: "en", timezone: "UTC" });
    if (method === "GET" && url.pathname === "/api/v1/items") {
      const status = url.searchParams.get("status");
      const from = url.searchParams.get("dateFrom");
      const to = url.searchParams.get("dateTo");
      const found = this.items.filter((i) => (!status || i.status === status)
        && (!from || (i.date !== null && i.date >= from)) && (!to || (i.date !== null && i.date <= to)));
      return this.json(200, { items: found, page: 1, perPage: 20, total: found.length });
    }
    if (method === "POST" && url.pathname === "/api/v1/items") {
      const created = item({ id: this.items.length + 1, number: this.items.length + 1, title: String(body?.text),
        status: "inbox", time: null, date: addDays(TODAY, 1),
        question: { purpose: "time", date: addDays(TODAY, 1), candidates: ["09:00", "21:00"], expires_at: "2099-01-01T00:00:00Z" } });
      this.items.push(created);
      return this.json(201, { ...created, result: "created" });
    }
    const match = /^\/api\/v1\/items\/(\d+)(?:\/(\w+))?$/.exec(url.pathname);
    const found = match ? this.items.find((i) => i.id === Number(match[1])) : undefined;
    if (!found) return this.json(404, { code: "ERR_ITEM_GONE", message: "gone" });
    const action = match?.[2];
    if (action === "answer") Object.assign(found, { status: "scheduled", time: body?.choice, question: null });
    if (action === "done") found.status = "done";
    if (action === "cancel") found.status = "cancelled";
    if (action === "schedule") Object.assign(found, { date: body?.date, time: body?.time, status: "scheduled" });
    return this.json(200, found);
  };

  install(): this {
    vi.stubGlobal("fetch", vi.fn(this.handle));
    return this;
  }

  to(method: string, path: string): Call[] {
    return this.calls.filter((c) => c.method === method && c.path === path);
  }
}

let server: FakeItems;


beforeEach(() => {
  server = new FakeItems().install();
});

describe("agenda helpers", () => {
  it("count days, times and parts of the day as the chat does", () => {
    expect(addDays("2030-12-31", 1)).toBe("2031-01-01");
    expect(addDays("2030-03-01", -1)).toBe("2030-02-28");
    expect([partOfDay("09:00"), partOfDay("13:00"), partOfDay("21:00"), partOfDay("02:00")])
      .toEqual(["morning", "day", "evening", "night"]);
    expect(timeRange(item({ time: "23:30", duration_min: 60 }))).toBe("23:30–00:30");
    expect(byDay([item({ id: 1, date: "2030-01-02" }), item({ id: 2, date: null }), item({ id: 3, date: "2030-01-02" })])
      .map(([day, items]) => [day, items.length])).toEqual([["2030-01-02", 2]]);
  });
});

describe("today", () => {
  it("lists today's items with their times, closed ones marked", async () => {
    server.items = [item({ id: 1, number: 1, title: "Lunch" }),
      item({ id: 2, number: 2, title: "Gym", status: "done", time: "08:00", duration_min: null })];
    openApp("/agenda");
    const lunch = await screen.findByTestId("item-row-1");
    expect(lunch).toHaveTextContent("Lunch");
    expect(lunch).toHaveTextContent("meeting · 13:00–14:00");
    expect(screen.getByTestId("item-row-2")).toHaveTextContent("done");
    expect(server.to("GET", "/api/v1/items").map((c) => c.query.get("dateFrom"))).toContain(TODAY);
  });

  it("adds an item by text and answers its question in place", async () => {
    const user = userEvent.setup();
    openApp("/agenda");
    await screen.findByTestId("empty-state");
    await user.type(screen.getByTestId("add-input"), "call Anna tomorrow at 9");
    await user.click(screen.getByTestId("add-submit"));
    expect(server.to("POST", "/api/v1/items")[0]?.body).toEqual({ text: "call Anna tomorrow at 9" });
    expect(await screen.findByTestId("status-text")).toHaveTextContent("#1 added.");
    const question = await screen.findByTestId("question-1");
    expect(question).toHaveTextContent("What time?");
    expect(within(question).getByTestId("answer-1-21:00")).toHaveTextContent("Evening 21:00");
    await user.click(within(question).getByTestId("answer-1-21:00"));
    expect(server.to("POST", "/api/v1/items/1/answer")[0]?.body).toEqual({ choice: "21:00" });
    await waitFor(() => expect(screen.queryByTestId("question-1")).toBeNull());
    expect(screen.getByTestId("status-text")).toHaveTextContent("Booked:");
  });

  it("speaks Russian", async () => {
    openApp("/agenda", "ru");
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("На сегодня ничего не запланировано.");
    expect(screen.getByTestId("tab-week")).toHaveTextContent("Неделя");
  });
});

describe("week", () => {
  it("groups the next seven days by day", async () => {
    server.items = [item({ id: 1, number: 1, date: TODAY }), item({ id: 2, number: 2, date: addDays(TODAY, 3) })];
    openApp("/agenda/week");
    expect(await screen.findByTestId(`day-${TODAY}`)).toHaveTextContent("Lunch");
    expect(screen.getByTestId(`day-${addDays(TODAY, 3)}`)).toBeInTheDocument();
    expect(server.to("GET", "/api/v1/items").map((c) => c.query.get("dateTo"))).toContain(addDays(TODAY, 6));
  });
});

describe("an item's card", () => {
  it("reschedules with the date and time pickers, then is done", async () => {
    const user = userEvent.setup();
    server.items = [item({ id: 7, number: 3, title: "Dentist" })];
    const { main } = openApp("/agenda/items/7");
    expect(await screen.findByTestId("item-headline")).toHaveTextContent("#3 meeting: Dentist");
    expect(main.setParams).toHaveBeenCalledWith(expect.objectContaining({ text: "Done", is_visible: true }));
    const date = screen.getByTestId("schedule-date");
    await user.clear(date);
    await user.type(date, "2030-05-17");
    const time = screen.getByTestId("schedule-time");
    await user.clear(time);
    await user.type(time, "10:30");
    await user.click(screen.getByTestId("schedule-submit"));
    expect(server.to("POST", "/api/v1/items/7/schedule")[0]?.body).toEqual({ date: "2030-05-17", time: "10:30",
      duration_min: 60 });
    expect(await screen.findByTestId("status-text")).toHaveTextContent("Set for");
    await user.click(screen.getByTestId("item-done"));
    expect(await screen.findByTestId("status-text")).toHaveTextContent("Done.");
    expect(screen.queryByTestId("item-done")).toBeNull();
  });

  it("shows the server's refusal in the user's language", async () => {
    const user = userEvent.setup();
    server.items = [item({ id: 7, number: 3 })];
    server.errors.set("POST /api/v1/items/7/cancel", { status: 409, code: "ERR_ITEM_ALREADY_CANCELLED" });
    openApp("/agenda/items/7", "ru");
    await user.click(await screen.findByTestId("item-cancel"));
    expect(await screen.findByTestId("error-text")).toHaveTextContent("Эта запись уже отменена.");
  });

  it("says so when the item is not the user's", async () => {
    openApp("/agenda/items/99");
    expect(await screen.findByTestId("error-text")).toHaveTextContent("This item is not yours, or it no longer exists.");
  });
});
