import type { Item } from "./api";

/** "Tue, 24 Nov" for a "YYYY-MM-DD" day, in the UI language (the day is a calendar day: no time zone shift). */
export function formatDay(day: string, lang: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(Date.UTC(y!, m! - 1, d!));
  return new Intl.DateTimeFormat(lang, { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" }).format(date);
}

/** "15:00–16:00", "15:00", or "" for an item without a time. */
export function timeRange(item: Item): string {
  if (!item.time) return "";
  if (!item.duration_min) return item.time;
  const [h, m] = item.time.split(":").map(Number);
  const end = (h! * 60 + m! + item.duration_min) % (24 * 60);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${item.time}–${pad(Math.floor(end / 60))}:${pad(end % 60)}`;
}

/** "Tue, 24 Nov 15:00–16:00", "Tue, 24 Nov", or "" (no day). */
export function whenText(item: Item, lang: string): string {
  if (!item.date) return "";
  return [formatDay(item.date, lang), timeRange(item)].filter(Boolean).join(" ");
}
