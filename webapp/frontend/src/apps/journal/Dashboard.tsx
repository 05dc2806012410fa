import { useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Button, Placeholder, Section, Spinner } from "@telegram-apps/telegram-ui";

import { ErrorText } from "../../components/ErrorText";
import { Screen } from "../../components/Screen";
import { StatusText, type Status } from "../../components/StatusText";
import { useI18n } from "../../i18n";
import { useQuery } from "../../lib/hooks";
import { haptic } from "../../lib/telegram";
import type { Category, DashboardStats, ExportFormat } from "./api";
import { journalApi } from "./client";
import { exportEntries } from "./exportFile";
import { formatMoney } from "./format";
import { JournalNav } from "./JournalNav";

const BAR = "var(--tg-theme-button-color, #3390ec)";
const AXIS = { fontSize: 11, fill: "var(--tg-theme-hint-color, #707579)" };

/** The currency most was spent in: the charts of money show that one (sums of different currencies do not add). */
export function mainCurrency(stats: DashboardStats): string | null {
  const top = [...stats.spent].sort((a, b) => b.amount - a.amount)[0];
  return top?.currency ?? stats.byMonth[0]?.currency ?? null;
}

export interface ChartData {
  currency: string | null;
  byCategory: Array<{ name: string; amount: number }>;
  byMonth: Array<{ name: string; amount: number }>;
  activity: Array<{ name: string; count: number }>;
  people: Array<{ name: string; count: number }>;
  places: Array<{ name: string; count: number }>;
}

/** Activity by week when the range is long (a bar per day would be a hair), else by day. */
function activitySeries(stats: DashboardStats): Array<{ name: string; count: number }> {
  if (stats.activity.length <= 45) return stats.activity.map((d) => ({ name: d.date.slice(5), count: d.count }));
  const weeks = new Map<string, number>();
  for (const day of stats.activity) {
    const date = new Date(`${day.date}T00:00:00Z`);
    date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
    const key = date.toISOString().slice(5, 10);
    weeks.set(key, (weeks.get(key) ?? 0) + day.count);
  }
  return [...weeks.entries()].map(([name, count]) => ({ name, count }));
}

export function chartData(stats: DashboardStats, categories: Category[]): ChartData {
  const currency = mainCurrency(stats);
  const label = new Map(categories.map((c) => [c.id, `${c.icon} ${c.label}`]));
  return {
    currency,
    byCategory: stats.byCategory
      .map((c) => ({ name: label.get(c.category ?? "") ?? c.category ?? "—",
        amount: c.totals.find((m) => m.currency === currency)?.amount ?? 0 }))
      .filter((c) => c.amount > 0).sort((a, b) => b.amount - a.amount),
    byMonth: stats.byMonth.filter((m) => m.currency === currency).map((m) => ({ name: m.month, amount: m.amount })),
    activity: activitySeries(stats),
    people: stats.topPeople.slice(0, 8),
    places: stats.topPlaces.slice(0, 8),
  };
}

function Chart({ testId, data, dataKey, layout = "horizontal", format }: {
  testId: string; data: Array<Record<string, string | number>>; dataKey: string;
  layout?: "horizontal" | "vertical"; format?: (v: number) => string;
}): JSX.Element {
  const { t } = useI18n();
  if (data.length === 0) return <p className="hint form" data-testid={`${testId}-empty`}>{t("journal.dashboard.noData")}</p>;
  const vertical = layout === "vertical";
  const height = vertical ? Math.max(120, data.length * 32 + 24) : 220;
  return (
    <div className="chart" data-testid={testId}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={data} layout={vertical ? "vertical" : "horizontal"} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={vertical} horizontal={!vertical} opacity={0.3} />
          {vertical ? (
            <>
              <XAxis type="number" tick={AXIS} allowDecimals={false} />
              <YAxis type="category" dataKey="name" tick={AXIS} width={110} />
            </>
          ) : (
            <>
              <XAxis dataKey="name" tick={AXIS} />
              <YAxis tick={AXIS} width={56} tickFormatter={format ? (v: number) => format(v) : undefined} />
            </>
          )}
          <Tooltip formatter={format ? (v: number) => format(v) : undefined} />
          <Bar dataKey={dataKey} fill={BAR} radius={4} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** #/journal/dashboard: where the money went, how active the year was, who and where most; the export. */
export function Dashboard(): JSX.Element {
  const { t, lang } = useI18n();
  const stats = useQuery(async (signal) => {
    const [dashboard, categories] = await Promise.all([journalApi.dashboard(signal), journalApi.categories(signal)]);
    return { dashboard, charts: chartData(dashboard, categories) };
  }, []);
  const [busy, setBusy] = useState<ExportFormat | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [notice, setNotice] = useState<Status | null>(null);

  async function download(format: ExportFormat): Promise<void> {
    setBusy(format);
    setError(undefined);
    setNotice(null);
    try {
      const how = await exportEntries(journalApi, format);
      haptic("success");
      setNotice({ key: how === "telegram" ? "journal.export.telegram" : "journal.export.started" });
    } catch (err) {
      haptic("error");
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  const data = stats.data;
  const currency = data?.charts.currency ?? null;
  const money = useMemo(() => (v: number) => formatMoney(v, currency, lang), [currency, lang]);
  const compact = useMemo(() => new Intl.NumberFormat(lang, { notation: "compact" }), [lang]);
  return (
    <Screen title={t("journal.dashboard.title")}>
      <JournalNav current="dashboard" />
      <ErrorText error={stats.error} testId="load-error" />
      {!data && stats.error === undefined && <div className="center"><Spinner size="m" /></div>}
      {data && data.dashboard.count === 0 && (
        <Placeholder description={t("journal.dashboard.empty")} data-testid="empty-state" />
      )}
      {data && data.dashboard.count > 0 && (
        <>
          <Section header={t("journal.dashboard.summary", { from: data.dashboard.dateFrom, to: data.dashboard.dateTo })}>
            <div className="stat-tiles" data-testid="summary">
              <div className="stat-tile"><b>{data.dashboard.count}</b><span>{t("journal.dashboard.entries")}</span></div>
              {data.dashboard.spent.slice(0, 2).map((m) => (
                <div key={`s-${m.currency}`} className="stat-tile">
                  <b>{formatMoney(m.amount, m.currency, lang)}</b><span>{t("journal.dashboard.spent")}</span>
                </div>
              ))}
              {data.dashboard.earned.slice(0, 1).map((m) => (
                <div key={`e-${m.currency}`} className="stat-tile">
                  <b>{formatMoney(m.amount, m.currency, lang)}</b><span>{t("journal.dashboard.earned")}</span>
                </div>
              ))}
            </div>
          </Section>
          <Section header={t("journal.dashboard.byCategory", { currency: currency ?? "" })}>
            <Chart testId="chart-category" data={data.charts.byCategory} dataKey="amount" layout="vertical" format={money} />
          </Section>
          <Section header={t("journal.dashboard.byMonth", { currency: currency ?? "" })}>
            <Chart testId="chart-month" data={data.charts.byMonth} dataKey="amount" format={(v) => compact.format(v)} />
          </Section>
          <Section header={t("journal.dashboard.activity")}>
            <Chart testId="chart-activity" data={data.charts.activity} dataKey="count" />
          </Section>
          <Section header={t("journal.dashboard.people")}>
            <Chart testId="chart-people" data={data.charts.people} dataKey="count" layout="vertical" />
          </Section>
          <Section header={t("journal.dashboard.places")}>
            <Chart testId="chart-places" data={data.charts.places} dataKey="count" layout="vertical" />
          </Section>
        </>
      )}
      <Section header={t("journal.export.title")} footer={t("journal.export.hint")}>
        <div className="form export-buttons">
          <Button size="m" mode="bezeled" loading={busy === "json"} onClick={() => void download("json")}
            data-testid="export-json">{t("journal.export.json")}</Button>
          <Button size="m" mode="bezeled" loading={busy === "csv"} onClick={() => void download("csv")}
            data-testid="export-csv">{t("journal.export.csv")}</Button>
          <Button size="m" mode="bezeled" loading={busy === "zip"} onClick={() => void download("zip")}
            data-testid="export-zip">{t("journal.export.zip")}</Button>
          <ErrorText error={error} />
          <StatusText status={notice} />
        </div>
      </Section>
    </Screen>
  );
}
