import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { renderWithI18n } from "../../test/render";
import type { HistoryGroup } from "./api";
import { HistoryList } from "./HistoryList";

const groups: HistoryGroup[] = [
  { from_stage: "IN_BOX", to_stage: "BUILDING", qty: 5, timestamp: "2025-03-01T10:00:00+00:00", events: 3 },
  { from_stage: "BUILDING", to_stage: "PAINTING", qty: 2, timestamp: "2025-03-02T18:30:00Z", events: 1 },
];

function localTime(lang: string, iso: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(iso));
}

describe("HistoryList", () => {
  it("shows each group newest first: from → to, quantity, local time", () => {
    renderWithI18n(<HistoryList groups={groups} />);
    const rows = screen.getAllByTestId("history-row");
    expect(rows).toHaveLength(2);
    expect(within(rows[0]!).getByTestId("history-move")).toHaveTextContent("Building → Painting");
    expect(within(rows[0]!).getByTestId("history-qty")).toHaveTextContent("2 pcs");
    expect(within(rows[1]!).getByTestId("history-move")).toHaveTextContent("In box → Building");
    expect(within(rows[1]!).getByTestId("history-qty")).toHaveTextContent("5 pcs");
    const time = within(rows[1]!).getByTestId("history-time");
    expect(time).toHaveAttribute("dateTime", "2025-03-01T10:00:00.000Z");
    expect(time).toHaveTextContent(localTime(navigator.language.startsWith("en") ? navigator.language : "en", "2025-03-01T10:00:00Z"));
  });

  it("says how many events a group merges, only when it merges several", () => {
    renderWithI18n(<HistoryList groups={groups} />);
    const [single, grouped] = screen.getAllByTestId("history-row");
    expect(within(grouped!).getByTestId("history-events")).toHaveTextContent("×3 events");
    expect(within(single!).queryByTestId("history-events")).toBeNull();
  });

  it("renders in Russian with Russian plurals and dates", () => {
    renderWithI18n(<HistoryList groups={groups} />, "ru");
    const grouped = screen.getAllByTestId("history-row")[1]!;
    expect(within(grouped).getByTestId("history-move")).toHaveTextContent("В коробке → Сборка");
    expect(within(grouped).getByTestId("history-qty")).toHaveTextContent("5 шт.");
    expect(within(grouped).getByTestId("history-events")).toHaveTextContent("×3 события");
    expect(within(grouped).getByTestId("history-time")).toHaveTextContent(localTime("ru", "2025-03-01T10:00:00Z"));
  });

  it("shows additions to the box (no source stage)", () => {
    renderWithI18n(
      <HistoryList groups={[{ from_stage: null, to_stage: "IN_BOX", qty: 12, timestamp: "2025-03-01T09:00:00Z", events: 1 }]} />,
    );
    expect(screen.getByTestId("history-move")).toHaveTextContent("Added to “In box”");
    expect(screen.getByTestId("history-qty")).toHaveTextContent("12 pcs");
  });

  it("reads a timestamp without an offset as UTC", () => {
    renderWithI18n(<HistoryList groups={[{ ...groups[0]!, timestamp: "2025-03-01T10:00:00" }]} />);
    expect(screen.getByTestId("history-time")).toHaveAttribute("dateTime", "2025-03-01T10:00:00.000Z");
  });

  it("has an empty state", () => {
    renderWithI18n(<HistoryList groups={[]} />);
    expect(screen.getByTestId("history-empty")).toHaveTextContent("No moves yet.");
  });
});
