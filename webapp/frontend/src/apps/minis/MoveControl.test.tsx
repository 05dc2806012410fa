import { act, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { initTelegram } from "../../lib/telegram";
import { installTelegramWebApp } from "../../test/fakeServer";
import { renderWithI18n, withProviders } from "../../test/render";
import type { StageCounts } from "./api";
import { MoveControl } from "./MoveControl";

const counts = (c: Partial<StageCounts>): StageCounts => ({ IN_BOX: 0, BUILDING: 0, PRIMING: 0, PAINTING: 0, DONE: 0, ...c });

describe("MoveControl", () => {
  it("disables Move and says “Available: 0” when the source stage is empty", () => {
    renderWithI18n(<MoveControl counts={counts({})} onMove={vi.fn()} useTelegramMainButton={false} />);
    expect(screen.getByTestId("move-available")).toHaveTextContent("Available: 0");
    expect(screen.getByTestId("move-submit")).toBeDisabled();
    expect(screen.getByTestId("move-qty")).toBeDisabled();
  });

  it("says “Доступно: 0” in Russian", () => {
    renderWithI18n(<MoveControl counts={counts({ IN_BOX: 2 })} onMove={vi.fn()} useTelegramMainButton={false} />, "ru");
    expect(screen.getByTestId("move-available")).toHaveTextContent("Доступно: 2");
  });

  it("disables Move after switching to an empty source stage", async () => {
    const user = userEvent.setup();
    renderWithI18n(<MoveControl counts={counts({ IN_BOX: 3 })} onMove={vi.fn()} useTelegramMainButton={false} />);
    expect(screen.getByTestId("move-submit")).toBeEnabled();
    await user.click(screen.getByTestId("move-from-PRIMING"));
    expect(screen.getByTestId("move-available")).toHaveTextContent("Available: 0");
    expect(screen.getByTestId("move-submit")).toBeDisabled();
  });

  it("starts on the first stage that has miniatures", () => {
    renderWithI18n(<MoveControl counts={counts({ PRIMING: 4 })} onMove={vi.fn()} useTelegramMainButton={false} />);
    expect(screen.getByTestId("move-from-PRIMING")).toHaveAttribute("aria-checked", "true");
    expect(screen.getByTestId("move-available")).toHaveTextContent("Available: 4");
  });

  it("refuses more than is available, saying so, instead of cutting it down", async () => {
    const user = userEvent.setup();
    const onMove = vi.fn(async () => undefined);
    renderWithI18n(<MoveControl counts={counts({ IN_BOX: 4 })} onMove={onMove} useTelegramMainButton={false} />);
    const qty = screen.getByTestId("move-qty");
    await user.clear(qty);
    await user.type(qty, "50");
    expect(qty).toHaveValue(50);
    expect(screen.getByTestId("move-too-many")).toHaveTextContent("Only 4 available: you asked to move 50.");
    expect(screen.getByTestId("move-submit")).toBeDisabled();
    await user.type(qty, "{Enter}");
    expect(onMove).not.toHaveBeenCalled();
    await user.click(screen.getByTestId("move-qty-max"));
    expect(qty).toHaveValue(4);
    expect(screen.queryByTestId("move-too-many")).toBeNull();
  });

  it("keeps the −/+ buttons within what is available", async () => {
    const user = userEvent.setup();
    renderWithI18n(<MoveControl counts={counts({ IN_BOX: 5 })} onMove={vi.fn()} useTelegramMainButton={false} />);
    const qty = screen.getByTestId("move-qty");
    await user.click(screen.getByTestId("move-qty-max"));
    expect(screen.getByTestId("move-qty-inc")).toBeDisabled();
    await user.click(screen.getByTestId("move-qty-dec"));
    expect(qty).toHaveValue(4);
    await user.clear(qty);
    await user.type(qty, "0");
    expect(qty).toHaveValue(1);
  });

  it("offers only later stages as targets", async () => {
    const user = userEvent.setup();
    renderWithI18n(<MoveControl counts={counts({ BUILDING: 1 })} onMove={vi.fn()} useTelegramMainButton={false} />);
    const options = () => within(screen.getByTestId("move-to")).getAllByRole("option").map((o) => (o as HTMLOptionElement).value);
    expect(options()).toEqual(["PRIMING", "PAINTING", "DONE"]);
    await user.click(screen.getByTestId("move-from-IN_BOX"));
    expect(options()).toEqual(["BUILDING", "PRIMING", "PAINTING", "DONE"]);
    await user.click(screen.getByTestId("move-from-PAINTING"));
    expect(options()).toEqual(["DONE"]);
    expect(screen.queryByTestId("move-from-DONE")).toBeNull();
  });

  it("moves the chosen quantity to the chosen stage (skipping stages is allowed)", async () => {
    const user = userEvent.setup();
    const onMove = vi.fn(async () => undefined);
    renderWithI18n(<MoveControl counts={counts({ IN_BOX: 10 })} onMove={onMove} useTelegramMainButton={false} />);
    await user.selectOptions(screen.getByTestId("move-to"), "PRIMING");
    await user.clear(screen.getByTestId("move-qty"));
    await user.type(screen.getByTestId("move-qty"), "7");
    await user.click(screen.getByTestId("move-submit"));
    expect(onMove).toHaveBeenCalledWith("IN_BOX", "PRIMING", 7);
  });

  it("refuses the quantity when the available count drops below it (e.g. after a refetch)", async () => {
    const user = userEvent.setup();
    const { rerender } = renderWithI18n(
      <MoveControl counts={counts({ IN_BOX: 10 })} onMove={vi.fn()} useTelegramMainButton={false} />,
    );
    await user.click(screen.getByTestId("move-qty-max"));
    expect(screen.getByTestId("move-qty")).toHaveValue(10);
    rerender(withProviders(<MoveControl counts={counts({ IN_BOX: 3 })} onMove={vi.fn()} useTelegramMainButton={false} />));
    expect(screen.getByTestId("move-qty")).toHaveValue(10);
    expect(screen.getByTestId("move-too-many")).toHaveTextContent("Only 3 available: you asked to move 10.");
    expect(screen.getByTestId("move-submit")).toBeDisabled();
  });

  it("mirrors the submit on Telegram's Main button", async () => {
    const { main } = installTelegramWebApp();
    initTelegram(true);
    const onMove = vi.fn(async () => undefined);
    renderWithI18n(<MoveControl counts={counts({ IN_BOX: 2 })} onMove={onMove} />);
    expect(main.setParams).toHaveBeenLastCalledWith({ text: "Move", is_active: true, is_visible: true });
    const click = main.onClick.mock.calls.at(-1)?.[0] as () => void;
    await act(async () => click());
    expect(onMove).toHaveBeenCalledWith("IN_BOX", "BUILDING", 1);
  });
});
