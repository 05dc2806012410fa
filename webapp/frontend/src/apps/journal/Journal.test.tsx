import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { openApp } from "../../test/openApp";
import type { DashboardStats, EntryDraft } from "./api";
import { groupRecipes } from "./Catalog";
import { chartData, mainCurrency } from "./Dashboard";
import { listQuery } from "./EntriesList";
import { CATEGORIES, entry, EVERY_TYPE, FakeJournal, REGISTRY } from "./fakeJournal";
import { draftFromValues, formFields, valuesFromDraft } from "./form";
import { parseEvents } from "./stream";

let server: FakeJournal;


const input = (id: string): HTMLInputElement => screen.getByTestId(`input-${id}`) as HTMLInputElement;

beforeEach(() => {
  server = new FakeJournal().install();
});

describe("the form model", () => {
  const fields = formFields(REGISTRY, EVERY_TYPE.form.fields);
  const full: EntryDraft = {
    action: "bought", object: "drink", title: "Латте", note: "с Машей", amount: 450.5, currency: "RUB",
    tags: ["coffee"], people: ["Маша"], date: "2030-05-17", time: "09:30", geo: { lat: 55.75, lon: 37.61 },
    extras: { rating: 5, mood: "good", data: { items: [1, 2] }, url: "https://example.com" },
  };

  it("reads a draft of every field type into the inputs and gives the same draft back", () => {
    expect(fields.map((f) => f.type)).toEqual(["text", "textarea", "number", "money", "select", "select", "tags",
      "people", "date", "time", "geo", "json", "url"]);
    const values = valuesFromDraft(fields, full);
    expect(values.geo).toEqual({ lat: "55.75", lon: "37.61" });
    expect(values.data).toBe(JSON.stringify({ items: [1, 2] }, null, 2));
    expect(draftFromValues({ action: "bought", object: "drink" }, fields, values)).toEqual(full);
  });

  it("refuses a missing required field, bad JSON, half a location and a non-number", () => {
    const values = valuesFromDraft(fields, full);
    const code = (patch: Record<string, unknown>): unknown => {
      try {
        draftFromValues(full, fields, { ...values, ...patch } as typeof values, ["title"]);
        return "ok";
      } catch (error) {
        return [(error as { code: string }).code, (error as { details: { field: string } }).details.field];
      }
    };
    expect(code({ title: "  " })).toEqual(["ERR_JOURNAL_REQUIRED", "title"]);
    expect(code({ data: "{oops" })).toEqual(["ERR_JOURNAL_BAD_JSON", "data"]);
    expect(code({ geo: { lat: "55", lon: "" } })).toEqual(["ERR_JOURNAL_BAD_GEO", "geo"]);
    expect(code({ amount: "12abc" })).toEqual(["ERR_JOURNAL_BAD_NUMBER", "amount"]);
    expect(code({ amount: "1 234,5" })).toBe("ok");
  });

  it("clears emptied fields: columns to null, extras left out", () => {
    const values = valuesFromDraft(fields, full);
    const draft = draftFromValues(full, fields, { ...values, amount: "", rating: "", tags: [] });
    expect([draft.amount, draft.tags, "rating" in (draft.extras ?? {})]).toEqual([null, [], false]);
  });

  it("leaves out what a form cannot edit (attachments) and adds the extras a draft brings", () => {
    const ids = formFields(REGISTRY, ["title", "attachments"], { action: "a", object: "b", extras: { mood: "bad" } })
      .map((f) => f.id);
    expect(ids).toEqual(["title", "mood"]);
  });
});

describe("helpers", () => {
  it("groups the enabled recipes by category in the user's order", () => {
    const groups = groupRecipes(server.recipes, CATEGORIES);
    expect(groups.map((g) => [g.category.id, g.recipes.map((r) => r.id)])).toEqual([
      ["food", ["food.coffee", "u1"]], ["travel", ["travel.taxi"]]]);
  });

  it("parses server-sent events split across chunks", () => {
    const first = parseEvents("retry: 3000\nevent: ready\ndata: {\"after\": 4}\n\nid: 5\nevent: entry\nda");
    expect(first.events).toEqual([{ event: "ready", data: "{\"after\": 4}" }]);
    const second = parseEvents(`${first.rest}ta: {"id": 5}\n\n: keep-alive\n\n`);
    expect(second.events).toEqual([{ id: "5", event: "entry", data: "{\"id\": 5}" }]);
    expect(second.rest).toBe("");
  });

  it("charts money in the currency most was spent in", () => {
    const stats: DashboardStats = {
      dateFrom: "2030-01-01", dateTo: "2030-12-31", count: 3,
      spent: [{ currency: "EUR", amount: 10 }, { currency: "RUB", amount: 900 }], earned: [],
      byCategory: [{ category: "food", count: 2, totals: [{ currency: "RUB", amount: 900 }] },
        { category: "travel", count: 1, totals: [{ currency: "EUR", amount: 10 }] }],
      byMonth: [{ month: "2030-04", currency: "EUR", amount: 10, count: 1 }, { month: "2030-05", currency: "RUB", amount: 900, count: 2 }],
      activity: [{ date: "2030-05-17", count: 3 }], topPeople: [{ name: "Маша", count: 2 }], topPlaces: [], topTags: [],
    };
    expect(mainCurrency(stats)).toBe("RUB");
    const charts = chartData(stats, CATEGORIES);
    expect(charts.byCategory).toEqual([{ name: "🍽 Food", amount: 900 }]);
    expect(charts.byMonth).toEqual([{ name: "2030-05", amount: 900 }]);
    expect(charts.activity).toEqual([{ name: "05-17", count: 3 }]);
  });

  it("turns the filters into the list's query", () => {
    expect(listQuery({ category: "food", action: "", people: " Маша ", tags: "#coffee", dateFrom: "2030-01-01",
      dateTo: "", hasAttachments: true }, "latte", 2)).toEqual({
      page: 2, perPage: 20, q: "latte", category: "food", action: undefined, people: "Маша", tags: "coffee",
      dateFrom: "2030-01-01", dateTo: undefined, hasAttachments: true });
  });
});

describe("catalog and the recipe form", () => {
  it("lists the enabled recipes by category and opens one", async () => {
    const user = userEvent.setup();
    openApp("/journal");
    const food = await screen.findByTestId("category-food");
    expect(within(food).getByTestId("recipe-food.coffee")).toHaveTextContent("Coffee");
    expect(screen.queryByTestId("recipe-food.off")).toBeNull();
    await user.click(within(food).getByTestId("recipe-u1"));
    expect(window.location.hash).toBe("#/journal/new/u1");
  });

  it("fills an input of every field type and saves the entry", async () => {
    const user = userEvent.setup();
    const telegram = openApp("/journal/new/u1");
    await screen.findByTestId("new-entry");
    for (const type of ["text", "textarea", "number", "money", "select", "tags", "people", "date", "time", "geo",
      "json", "url"]) {
      expect(document.querySelector(`[data-type="${type}"]`), type).not.toBeNull();
    }
    expect(input("date").value).toMatch(/^\d{4}-\d{2}-\d{2}$/); // today by default
    await user.type(input("title"), "Латте");
    await user.type(input("note"), "с Машей");
    await user.type(input("rating"), "5");
    await user.type(input("amount"), "450,50");
    await waitFor(() => expect(input("currency").querySelectorAll("option").length).toBeGreaterThan(2));
    await user.selectOptions(input("currency"), "EUR");
    await user.selectOptions(input("mood"), "good");
    await user.type(input("tags"), "Coffee{Enter}morning,");
    await user.type(input("people"), "Маша{Enter}");
    fireEvent.change(input("date"), { target: { value: "2030-05-17" } });
    fireEvent.change(input("time"), { target: { value: "09:30" } });
    await user.type(input("geo-lat"), "55.75");
    await user.type(input("geo-lon"), "37.61");
    fireEvent.change(input("data"), { target: { value: "{\"items\": [\"latte\"]}" } });
    await user.type(input("url"), "https://example.com/menu");
    expect(screen.getByTestId("chips-tags")).toHaveTextContent("#Coffee×#morning×");
    await user.click(screen.getByTestId("save"));

    await waitFor(() => expect(server.to("POST", "/api/v1/entries")).toHaveLength(1));
    expect(server.to("POST", "/api/v1/entries")[0]!.body).toEqual({
      action: "bought", object: "drink", category: "food", subcategory: null, recipeId: "u1", title: "Латте",
      note: "с Машей", amount: 450.5, currency: "EUR", tags: ["Coffee", "morning"], people: ["Маша"],
      date: "2030-05-17", time: "09:30", geo: { lat: 55.75, lon: 37.61 },
      extras: { rating: 5, mood: "good", data: { items: ["latte"] }, url: "https://example.com/menu" },
    });
    await waitFor(() => expect(window.location.hash).toBe("#/journal/entries/1?saved=1"));
    expect(await screen.findByTestId("status-text")).toHaveTextContent("Saved.");
    expect(telegram.main.setParams).toHaveBeenCalledWith(expect.objectContaining({ text: "Save" }));
  });

  it("marks a required field left empty and sends nothing", async () => {
    const user = userEvent.setup();
    openApp("/journal/new/u1", "ru");
    await screen.findByTestId("new-entry");
    await user.click(screen.getByTestId("save"));
    expect(await screen.findByTestId("error-text")).toHaveTextContent("Заполните отмеченное поле");
    expect(input("title")).toHaveAttribute("aria-invalid", "true");
    expect(server.to("POST", "/api/v1/entries")).toHaveLength(0);
  });

  it("shows the server's refusal in the user's language", async () => {
    const user = userEvent.setup();
    server.failures.set("POST /api/v1/entries", { status: 400, code: "ERR_JOURNAL_BAD_AMOUNT" });
    openApp("/journal/new/food.coffee");
    await screen.findByTestId("new-entry");
    await user.type(input("title"), "x");
    await user.click(screen.getByTestId("save"));
    expect(await screen.findByTestId("error-text")).toHaveTextContent("An amount must be a number");
  });
});

describe("the entry list", () => {
  it("sends every filter and the debounced search, and loads the next page", async () => {
    const user = userEvent.setup();
    server.entries = Array.from({ length: 25 }, (_, i) => entry(i + 1, { title: `Coffee ${i + 1}` }));
    openApp("/journal/entries");
    expect(await screen.findByTestId("entry-1")).toHaveTextContent("Coffee 1");
    expect(screen.queryByTestId("entry-21")).toBeNull();
    await user.click(screen.getByTestId("more"));
    expect(await screen.findByTestId("entry-25")).toBeInTheDocument();
    expect(server.to("GET", "/api/v1/entries").map((c) => c.query.get("page"))).toEqual(["1", "2"]);

    await user.click(screen.getByTestId("filters-toggle"));
    await waitFor(() => expect(screen.getByTestId("filter-category").querySelectorAll("option").length).toBe(3));
    await user.selectOptions(screen.getByTestId("filter-category"), "travel");
    await user.selectOptions(screen.getByTestId("filter-action"), "spent");
    await user.type(screen.getByTestId("filter-people"), "Маша");
    await user.type(screen.getByTestId("filter-tags"), "#coffee");
    fireEvent.change(screen.getByTestId("filter-from"), { target: { value: "2030-01-01" } });
    fireEvent.change(screen.getByTestId("filter-to"), { target: { value: "2030-12-31" } });
    await user.click(screen.getByTestId("filter-attachments"));
    await user.type(screen.getByTestId("search-input"), "latte");
    await waitFor(() => {
      const last = server.to("GET", "/api/v1/entries").at(-1)!.query;
      expect(Object.fromEntries(last)).toEqual({ page: "1", perPage: "20", q: "latte", category: "travel",
        action: "spent", people: "Маша", tags: "coffee", dateFrom: "2030-01-01", dateTo: "2030-12-31",
        hasAttachments: "true" });
    });
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("No entries match these filters.");
    await user.click(screen.getByTestId("filters-reset"));
    expect(await screen.findByTestId("entry-1")).toBeInTheDocument();
  });

  it("puts an entry saved from the chat on top as it arrives", async () => {
    server.entries = [entry(1, { title: "Older" })];
    const fresh = entry(2, { title: "Латте из чата", source: "chat" });
    server.streamEvents = ["event: ready\ndata: {\"after\": 1}\n\n", `id: 2\nevent: entry\ndata: ${JSON.stringify(fresh)}\n\n`];
    openApp("/journal/entries");
    const rows = await screen.findByTestId("entries");
    await waitFor(() => expect([...rows.querySelectorAll("[data-testid^='entry-']")].map((r) => r.getAttribute("data-testid")))
      .toEqual(["entry-2", "entry-1"]));
    expect(screen.getByTestId("entry-2")).toHaveTextContent("Латте из чата");
    const stream = server.to("GET", "/api/v1/entries/stream")[0]!;
    expect(stream).toBeDefined();
  });
});

describe("an entry", () => {
  it("edits, deletes and restores it", async () => {
    const user = userEvent.setup();
    server.entries = [entry(1, { title: "Латте", amount: 180, currency: "RUB", recipeId: "food.coffee" })];
    openApp("/journal/entries/1");
    expect(await screen.findByTestId("value-title")).toHaveTextContent("Латте");
    await user.click(screen.getByTestId("edit"));
    await user.clear(input("title"));
    await user.type(input("title"), "Капучино");
    await user.click(screen.getByTestId("save"));
    await waitFor(() => expect(server.to("PUT", "/api/v1/entries/1")).toHaveLength(1));
    expect(server.to("PUT", "/api/v1/entries/1")[0]!.body).toMatchObject({ title: "Капучино", version: 1, amount: 180 });
    expect(await screen.findByTestId("value-title")).toHaveTextContent("Капучино");
    await user.click(screen.getByTestId("delete"));
    expect(await screen.findByTestId("deleted-note")).toBeInTheDocument();
    await user.click(screen.getByTestId("restore"));
    expect(await screen.findByTestId("status-text")).toHaveTextContent("Restored.");
    expect(screen.getByTestId("delete")).toBeInTheDocument();
  });
});

describe("a proposal from the chat", () => {
  const drafts: EntryDraft[] = [
    { action: "bought", object: "food", title: "Хлеб", amount: 60, currency: "RUB", tags: ["продукты"] },
    { action: "bought", object: "food", title: "Молоко", amount: 90, currency: "RUB", recipeId: "food.coffee" },
  ];

  it("prefills a form per draft and saves them all together", async () => {
    const user = userEvent.setup();
    server.proposals.set(7, { id: 7, status: "open", source: "text", text: "купил хлеб за 60 и молоко за 90", drafts });
    const telegram = openApp("/journal/proposals/7", "ru");
    const first = await screen.findByTestId("draft-0");
    const second = screen.getByTestId("draft-1");
    expect((within(first).getByTestId("input-title") as HTMLInputElement).value).toBe("Хлеб");
    expect((within(second).getByTestId("input-amount") as HTMLInputElement).value).toBe("90");
    expect(within(first).getByTestId("chips-tags")).toHaveTextContent("#продукты");
    expect(screen.getByTestId("proposal-text")).toHaveTextContent("купил хлеб за 60 и молоко за 90");
    const amount = within(second).getByTestId("input-amount");
    await user.clear(amount);
    await user.type(amount, "95");
    await user.click(screen.getByTestId("save"));
    await waitFor(() => expect(server.to("POST", "/api/v1/journal/proposals/7/save")).toHaveLength(1));
    const sent = (server.to("POST", "/api/v1/journal/proposals/7/save")[0]!.body as { drafts: EntryDraft[] }).drafts;
    expect(sent.map((d) => [d.title, d.amount, d.currency, d.recipeId])).toEqual([
      ["Хлеб", 60, "RUB", undefined], ["Молоко", 95, "RUB", "food.coffee"]]);
    expect(sent[0]!.tags).toEqual(["продукты"]);
    expect(await screen.findByTestId("proposal-saved")).toHaveTextContent("Сохранено 2 записи");
    expect(telegram.main.setParams).toHaveBeenCalledWith(expect.objectContaining({ text: "Сохранить все (2)" }));
  });

  it("says so when the card was closed in the chat meanwhile, and when it is not the user's", async () => {
    const user = userEvent.setup();
    server.proposals.set(8, { id: 8, status: "open", source: "text", text: "", drafts: drafts.slice(0, 1) });
    server.failures.set("POST /api/v1/journal/proposals/8/save", { status: 409, code: "ERR_JOURNAL_PROPOSAL_CLOSED" });
    openApp("/journal/proposals/8");
    await screen.findByTestId("draft-0");
    await user.click(screen.getByTestId("save"));
    expect(await screen.findByTestId("error-text")).toHaveTextContent("This card is closed already");
    cleanupAndOpen("/journal/proposals/99");
    expect(await screen.findByTestId("not-found")).toHaveTextContent("No such proposal among yours.");
  });
});

describe("the dashboard", () => {
  it("exports through Telegram's downloadFile when the client has it", async () => {
    const user = userEvent.setup();
    server.dashboard = { dateFrom: "2030-01-01", dateTo: "2030-12-31", count: 0, spent: [], earned: [], byCategory: [],
      byMonth: [], activity: [], topPeople: [], topPlaces: [], topTags: [] };
    openApp("/journal/dashboard");
    const downloadFile = vi.fn();
    Object.assign(window.Telegram!.WebApp!, { downloadFile, isVersionAtLeast: () => true });
    await screen.findByTestId("empty-state");
    await user.click(screen.getByTestId("export-csv"));
    await waitFor(() => expect(downloadFile).toHaveBeenCalledTimes(1));
    expect(downloadFile.mock.calls[0]![0]).toEqual({ url: "http://localhost:3000/downloads/journal-export?format=csv&token=t",
      file_name: "journal-20300517.csv" });
    expect(await screen.findByTestId("status-text")).toHaveTextContent("Telegram is saving the file.");
  });

  it("offers the ZIP with photos (in Russian too) and downloads it through the signed link", async () => {
    const user = userEvent.setup();
    server.dashboard = { dateFrom: "2030-01-01", dateTo: "2030-12-31", count: 0, spent: [], earned: [], byCategory: [],
      byMonth: [], activity: [], topPeople: [], topPlaces: [], topTags: [] };
    openApp("/journal/dashboard");
    const downloadFile = vi.fn();
    Object.assign(window.Telegram!.WebApp!, { downloadFile, isVersionAtLeast: () => true });
    await screen.findByTestId("empty-state");
    expect(screen.getByTestId("export-zip")).toHaveTextContent("ZIP with photos");
    await user.click(screen.getByTestId("export-zip"));
    await waitFor(() => expect(downloadFile).toHaveBeenCalledTimes(1));
    expect(server.calls.find((c) => c.path === "/api/v1/entries/export/link")?.query.get("format")).toBe("zip");
    expect(downloadFile.mock.calls[0]![0]).toEqual({ url: "http://localhost:3000/downloads/journal-export?format=zip&token=t",
      file_name: "journal-20300517.zip" });
    document.body.innerHTML = "";
    openApp("/journal/dashboard", "ru");
    await screen.findByTestId("empty-state");
    expect(screen.getByTestId("export-zip")).toHaveTextContent("ZIP с фотографиями");
  });
});

function cleanupAndOpen(path: string): void {
  document.body.innerHTML = "";
  openApp(path);
}
