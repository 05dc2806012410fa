import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";

import { App } from "./App";
import type { Lang } from "./i18n";
import { readFileText } from "./lib/download";
import { initTelegram } from "./lib/telegram";
import { FakeMinisServer, installTelegramWebApp } from "./test/fakeServer";

let server: FakeMinisServer;

function openApp(path: string, lang?: Lang): ReturnType<typeof installTelegramWebApp> {
  window.history.replaceState(null, "", `/app/#${path}`);
  const telegram = installTelegramWebApp({ languageCode: lang ?? "en" });
  initTelegram(true);
  render(<App />);
  return telegram;
}

beforeEach(() => {
  server = new FakeMinisServer().install();
});

describe("main list", () => {
  it("lists types A–Z with per-stage badges, authenticated with initData", async () => {
    server.addType("Necrons", { IN_BOX: 3, DONE: 2 });
    server.addType("Aeldari", { PAINTING: 1 });
    const { initData } = openApp("/minis");
    const rows = await screen.findAllByTestId(/^type-row-/);
    expect(rows.map((r) => r.dataset.testid)).toEqual(["type-row-Aeldari", "type-row-Necrons"]);
    const necrons = screen.getByTestId("type-row-Necrons");
    expect(within(necrons).getByTestId("badge-IN_BOX")).toHaveTextContent("Box 3");
    expect(within(necrons).getByTestId("badge-DONE")).toHaveTextContent("Done 2");
    expect(necrons).toHaveTextContent("5 total");
    expect(necrons).toHaveAttribute("href", "#/minis/types/1");
    expect(server.requests[0]?.headers.Authorization).toBe(`tma ${initData}`);
  });

  it("shows an empty state", async () => {
    openApp("/minis");
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("No miniatures yet");
  });

  it("redirects the bare app URL to the list", async () => {
    openApp("/");
    await screen.findByTestId("empty-state");
    expect(window.location.hash).toBe("#/minis");
  });

  it("searches with ?q= after the user stops typing (debounced)", async () => {
    server.addType("Orks");
    server.addType("Tau");
    openApp("/minis");
    await screen.findByTestId("type-row-Orks");
    const user = userEvent.setup();
    await user.type(screen.getByTestId("search-input"), "ork");
    await waitFor(() => expect(screen.queryByTestId("type-row-Tau")).toBeNull());
    expect(screen.getByTestId("type-row-Orks")).toBeInTheDocument();
    const queries = server.requestsTo("GET", "/api/v1/types").map((r) => r.query.get("q"));
    expect(queries).toEqual([null, "ork"]); // no request per keystroke
    await user.clear(screen.getByTestId("search-input"));
    await user.type(screen.getByTestId("search-input"), "zzz");
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("Nothing found for “zzz”");
  });

  it("creates a type with an initial quantity", async () => {
    openApp("/minis");
    await screen.findByTestId("empty-state");
    const user = userEvent.setup();
    await user.type(screen.getByTestId("create-name"), "  Space Marines ");
    await user.type(screen.getByTestId("create-qty"), "10");
    await user.click(screen.getByTestId("create-submit"));
    const row = await screen.findByTestId("type-row-Space Marines");
    expect(within(row).getByTestId("badge-IN_BOX")).toHaveTextContent("10");
    expect(server.requestsTo("POST", "/api/v1/types")[0]?.body).toEqual({ name: "Space Marines", quantity: 10 });
    expect(screen.getByTestId("create-name")).toHaveValue("");
  });

  it("shows the duplicate-name error as dictionary text", async () => {
    server.addType("Orks");
    openApp("/minis");
    await screen.findByTestId("type-row-Orks");
    const user = userEvent.setup();
    await user.type(screen.getByTestId("create-name"), "Orks");
    await user.click(screen.getByTestId("create-submit"));
    const error = await screen.findByTestId("error-text");
    expect(error).toHaveTextContent("A type with this name already exists.");
    expect(error).not.toHaveTextContent("server says");
    expect(screen.getByTestId("create-name")).toHaveValue("Orks");
  });

  it("refuses an empty name without calling the server", async () => {
    openApp("/minis");
    await screen.findByTestId("empty-state");
    await userEvent.setup().click(screen.getByTestId("create-submit"));
    expect(screen.getByTestId("error-text")).toHaveTextContent("Enter a name.");
    expect(server.requestsTo("POST", "/api/v1/types")).toHaveLength(0);
  });

  it("explains a network failure", async () => {
    server.offline = true;
    openApp("/minis");
    expect(await screen.findByTestId("error-text")).toHaveTextContent("No connection to the server");
    server.offline = false;
    await userEvent.setup().click(screen.getByTestId("retry-button"));
    expect(await screen.findByTestId("empty-state")).toBeInTheDocument();
  });

  it("catches up with other tabs when the window regains focus", async () => {
    openApp("/minis");
    await screen.findByTestId("empty-state");
    server.addType("Made elsewhere", { IN_BOX: 1 });
    act(() => {
      window.dispatchEvent(new Event("focus"));
    });
    expect(await screen.findByTestId("type-row-Made elsewhere")).toBeInTheDocument();
  });
});

describe("type details", () => {
  it("shows stage counts and moves forward, updating counts and history", async () => {
    const id = server.addType("Orks", { IN_BOX: 10 });
    openApp(`/minis/types/${id}`);
    expect(await screen.findByTestId("type-name")).toHaveTextContent("Orks");
    expect(screen.getByTestId("stage-count-IN_BOX")).toHaveTextContent("10");
    expect(await screen.findByTestId("history-empty")).toBeInTheDocument();

    const user = userEvent.setup();
    await user.selectOptions(screen.getByTestId("move-to"), "PRIMING");
    await user.clear(screen.getByTestId("move-qty"));
    await user.type(screen.getByTestId("move-qty"), "4");
    await user.click(screen.getByTestId("move-submit"));

    await waitFor(() => expect(screen.getByTestId("stage-count-PRIMING")).toHaveTextContent("4"));
    expect(screen.getByTestId("stage-count-IN_BOX")).toHaveTextContent("6");
    expect(screen.getByTestId("status-text")).toHaveTextContent("Moved 4: In box → Priming.");
    const row = await screen.findByTestId("history-row");
    expect(row).toHaveTextContent("In box → Priming");
    expect(row).toHaveTextContent("4 pcs");
    expect(server.requestsTo("POST", `/api/v1/types/${id}/move`)[0]?.body).toEqual({
      from_stage: "IN_BOX",
      to_stage: "PRIMING",
      qty: 4,
    });
  });

  it("groups quick repeated moves in history", async () => {
    const id = server.addType("Orks", { IN_BOX: 10 });
    openApp(`/minis/types/${id}`);
    await screen.findByTestId("history-empty");
    const user = userEvent.setup();
    await user.click(screen.getByTestId("move-submit"));
    await waitFor(() => expect(screen.getByTestId("stage-count-BUILDING")).toHaveTextContent("1"));
    await user.click(screen.getByTestId("move-submit"));
    await waitFor(() => expect(screen.getByTestId("history-events")).toHaveTextContent("×2 events"));
    expect(screen.getAllByTestId("history-row")).toHaveLength(1);
  });

  it("shows ERR_INSUFFICIENT_QTY as text and refreshes stale counts", async () => {
    const id = server.addType("Orks", { IN_BOX: 3 });
    openApp(`/minis/types/${id}`);
    await screen.findByTestId("type-name");
    const user = userEvent.setup();
    await user.click(screen.getByTestId("move-qty-max"));
    server.types.get(id)!.counts.IN_BOX = 1; // another tab moved two of them
    await user.click(screen.getByTestId("move-submit"));
    expect(await screen.findByTestId("error-text")).toHaveTextContent(
      "Not enough miniatures at this stage. The numbers have been refreshed.",
    );
    await waitFor(() => expect(screen.getByTestId("stage-count-IN_BOX")).toHaveTextContent("1"));
    expect(screen.getByTestId("move-qty")).toHaveValue(3); // kept as asked, and refused until changed
    expect(screen.getByTestId("move-too-many")).toHaveTextContent("Only 1 available: you asked to move 3.");
    expect(screen.getByTestId("move-submit")).toBeDisabled();
  });

  it("disables Move with “Available: 0” once the stage is emptied", async () => {
    const id = server.addType("Orks", { IN_BOX: 2 });
    openApp(`/minis/types/${id}`);
    await screen.findByTestId("type-name");
    const user = userEvent.setup();
    await user.click(screen.getByTestId("move-qty-max"));
    await user.click(screen.getByTestId("move-submit"));
    await waitFor(() => expect(screen.getByTestId("move-available")).toHaveTextContent("Available: 0"));
    expect(screen.getByTestId("move-submit")).toBeDisabled();
  });

  it("adds miniatures to the box", async () => {
    const id = server.addType("Orks", { IN_BOX: 1 });
    openApp(`/minis/types/${id}`);
    await screen.findByTestId("type-name");
    const user = userEvent.setup();
    await user.clear(screen.getByTestId("add-qty"));
    await user.type(screen.getByTestId("add-qty"), "5");
    await user.click(screen.getByTestId("add-submit"));
    await waitFor(() => expect(screen.getByTestId("stage-count-IN_BOX")).toHaveTextContent("6"));
    expect(screen.getByTestId("move-available")).toHaveTextContent("Available: 6");
    expect(await screen.findByTestId("history-row")).toHaveTextContent("Added to “In box”");
  });

  it("says “not found” for an unknown type", async () => {
    openApp("/minis/types/999");
    expect(await screen.findByTestId("error-text")).toHaveTextContent("Not found. It may have been deleted.");
    await userEvent.setup().click(screen.getByTestId("home-button"));
    await waitFor(() => expect(window.location.hash).toBe("#/minis"));
  });

  it("uses Telegram's Back button to return to the list", async () => {
    const id = server.addType("Orks");
    const { back } = openApp(`/minis/types/${id}`);
    await screen.findByTestId("type-name");
    expect(back.show).toHaveBeenCalled();
    expect(screen.queryByTestId("back-button")).toBeNull(); // Telegram draws it
    const onBack = back.onClick.mock.calls.at(-1)?.[0] as () => void;
    act(() => onBack());
    expect(await screen.findByTestId("type-row-Orks")).toBeInTheDocument();
    expect(back.hide).toHaveBeenCalled();
  });

  it("offers an in-page Back button outside Telegram", async () => {
    const id = server.addType("Orks");
    window.history.replaceState(null, "", `/app/#/minis/types/${id}`);
    initTelegram(true);
    // no initData outside Telegram: the fake server answers 401
    render(<App />);
    expect(await screen.findByTestId("error-text")).toHaveTextContent("Reopen the app from the Telegram bot");
    await userEvent.setup().click(screen.getByTestId("back-button"));
    await waitFor(() => expect(window.location.hash).toBe("#/minis"));
  });
});

describe("language switch", () => {
  it("starts in the Telegram user's language", async () => {
    openApp("/minis", "ru");
    expect(await screen.findByTestId("empty-state")).toHaveTextContent("Миниатюр пока нет");
    expect(screen.getByTestId("lang-switch")).toHaveTextContent("EN");
  });

  it("keeps the screen, the inputs and the data (no refetch) when switching", async () => {
    const id = server.addType("Orks", { IN_BOX: 8 });
    openApp(`/minis/types/${id}`);
    await screen.findByTestId("history-empty");
    const user = userEvent.setup();
    await user.selectOptions(screen.getByTestId("move-to"), "PAINTING");
    await user.clear(screen.getByTestId("move-qty"));
    await user.type(screen.getByTestId("move-qty"), "3");
    await user.type(screen.getByTestId("add-qty"), "2");
    const requestsBefore = server.requests.length;

    await user.click(screen.getByTestId("lang-switch"));

    expect(screen.getByTestId("move-available")).toHaveTextContent("Доступно: 8");
    expect(screen.getByTestId("move-submit")).toHaveTextContent("Переместить");
    expect(screen.getByTestId("move-to")).toHaveValue("PAINTING");
    expect(screen.getByTestId("move-qty")).toHaveValue(3);
    expect(screen.getByTestId("add-qty")).toHaveValue(12);
    expect(screen.getByTestId("type-name")).toHaveTextContent("Orks");
    expect(window.location.hash).toBe(`#/minis/types/${id}`);
    expect(server.requests.length).toBe(requestsBefore);

    await user.click(screen.getByTestId("lang-switch"));
    expect(screen.getByTestId("move-available")).toHaveTextContent("Available: 8");
  });

  it("re-translates an error already on screen and keeps the search text", async () => {
    server.addType("Orks");
    openApp("/minis");
    await screen.findByTestId("type-row-Orks");
    const user = userEvent.setup();
    await user.type(screen.getByTestId("search-input"), "Or");
    await user.type(screen.getByTestId("create-name"), "Orks");
    await user.click(screen.getByTestId("create-submit"));
    expect(await screen.findByTestId("error-text")).toHaveTextContent("A type with this name already exists.");
    await user.click(screen.getByTestId("lang-switch"));
    expect(screen.getByTestId("error-text")).toHaveTextContent("Тип с таким названием уже существует.");
    expect(screen.getByTestId("search-input")).toHaveValue("Or");
    expect(screen.getByTestId("create-name")).toHaveValue("Orks");
  });
});

describe("import / export", () => {
  function chooseFile(content: string, name = "backup.json"): void {
    const file = new File([content], name, { type: "application/json" });
    fireEvent.change(screen.getByTestId("import-input"), { target: { files: [file] } });
  }

  /** Choose the file, read the warning that counts are added, and confirm. */
  async function pickFile(content: string, name = "backup.json"): Promise<void> {
    chooseFile(content, name);
    await userEvent.setup().click(await screen.findByTestId("import-confirm-button"));
  }

  it("exports everything as a downloaded JSON file", async () => {
    server.addType("Orks", { DONE: 2 });
    const createObjectURL = vi.fn((_blob: Blob) => "blob:fake");
    // jsdom has no object URLs
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this);
    });
    openApp("/minis");
    await screen.findByTestId("type-row-Orks");
    await userEvent.setup().click(screen.getByTestId("export-button"));
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(clicked[0]!.download).toMatch(/^minis-export-\d{4}-\d{2}-\d{2}\.json$/);
    const blob = createObjectURL.mock.calls[0]![0];
    const exported = JSON.parse(await readFileText(blob)) as { version: number; types: Array<{ name: string }> };
    expect(exported.version).toBe(1);
    expect(exported.types.map((t) => t.name)).toEqual(["Orks"]);
  });

  it("imports a file and reloads the list", async () => {
    openApp("/minis");
    await screen.findByTestId("empty-state");
    server.addType("Imported"); // what the server holds after the import
    await pickFile(JSON.stringify({ version: 1, types: [{ name: "Imported", stage_counts: {}, history: [] }] }));
    expect(await screen.findByTestId("import-status")).toHaveTextContent("Imported 1 types: 1 new, 0 merged.");
    expect(await screen.findByTestId("type-row-Imported")).toBeInTheDocument();
    expect(server.requestsTo("POST", "/api/v1/import")[0]?.body).toEqual({
      version: 1,
      types: [{ name: "Imported", stage_counts: {}, history: [] }],
    });
  });

  it("warns that an import adds counts, and sends nothing until confirmed", async () => {
    server.addType("Orks", { DONE: 2 });
    openApp("/minis");
    await screen.findByTestId("type-row-Orks");
    chooseFile(JSON.stringify({ version: 1, types: [{ name: "Orks", stage_counts: { DONE: 2 }, history: [] }] }));
    expect(await screen.findByTestId("import-confirm")).toHaveTextContent(
      "Importing adds the file’s counts to yours: a type you already have gets them added, so importing your own " +
        "export again doubles it.",
    );
    expect(server.requestsTo("POST", "/api/v1/import")).toHaveLength(0);
    await userEvent.setup().click(screen.getByTestId("import-cancel-button"));
    expect(screen.queryByTestId("import-confirm")).toBeNull();
    expect(server.requestsTo("POST", "/api/v1/import")).toHaveLength(0);
  });

  it("says clearly that a non-JSON file is not JSON, without sending it", async () => {
    openApp("/minis");
    await screen.findByTestId("empty-state");
    chooseFile("this is not json {", "notes.txt");
    expect(await screen.findByTestId("error-text")).toHaveTextContent("This file is not JSON.");
    expect(server.requestsTo("POST", "/api/v1/import")).toHaveLength(0);
  });

  it("translates the server's rejection of a malformed export", async () => {
    openApp("/minis", "ru");
    await screen.findByTestId("empty-state");
    await pickFile(JSON.stringify({ hello: "world" }));
    expect(await screen.findByTestId("error-text")).toHaveTextContent("Файл не является корректным экспортом.");
  });
});
