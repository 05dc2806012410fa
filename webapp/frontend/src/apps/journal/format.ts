import type { Entry } from "./api";

export function formatMoney(amount: number, currency: string | null, lang: string): string {
  if (!currency) return new Intl.NumberFormat(lang).format(amount);
  try {
    return new Intl.NumberFormat(lang, { style: "currency", currency, maximumFractionDigits: 2 }).format(amount);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function formatDay(day: string, lang: string): string {
  const [y, m, d] = day.split("-").map(Number);
  if (!y || !m || !d) return day;
  return new Intl.DateTimeFormat(lang, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" })
    .format(new Date(Date.UTC(y, m - 1, d)));
}

/** "450 ₽ · Шоколадница · Маша" under an entry's title. */
export function entryLine(entry: Entry, lang: string): string {
  const parts = [formatDay(entry.date, lang) + (entry.time ? ` ${entry.time}` : "")];
  if (entry.amount !== null) parts.push(formatMoney(entry.amount, entry.currency, lang));
  if (entry.place) parts.push(entry.place);
  if (entry.people.length) parts.push(entry.people.join(", "));
  return parts.join(" · ");
}
