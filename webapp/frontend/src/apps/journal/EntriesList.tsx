import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Button, Cell, Checkbox, Input, Placeholder, Section, Select, Spinner } from "@telegram-apps/telegram-ui";

import { ErrorText } from "../../components/ErrorText";
import { Screen } from "../../components/Screen";
import { useI18n } from "../../i18n";
import { useDebounced, useQuery } from "../../lib/hooks";
import { navigate } from "../../lib/router";
import { haptic } from "../../lib/telegram";
import type { Entry, EntryQuery } from "./api";
import { journalApi } from "./client";
import { entryLine } from "./format";
import { JournalNav } from "./JournalNav";
import { subscribeEntries } from "./stream";

export const PER_PAGE = 20;
const LIVE_WAIT_MS = 2000; // how long the list waits for the live feed before it loads anyway

export interface Filters {
  category: string;
  action: string;
  people: string;
  tags: string;
  dateFrom: string;
  dateTo: string;
  hasAttachments: boolean;
}
const NO_FILTERS: Filters = { category: "", action: "", people: "", tags: "", dateFrom: "", dateTo: "",
  hasAttachments: false };

export function isFiltered(filters: Filters, q: string): boolean {
  return q !== "" || Object.entries(filters).some(([key, value]) => value !== NO_FILTERS[key as keyof Filters]);
}

export function listQuery(filters: Filters, q: string, page: number): EntryQuery {
  return {
    page, perPage: PER_PAGE, q: q || undefined, category: filters.category || undefined,
    action: filters.action || undefined, people: filters.people.trim() || undefined,
    tags: filters.tags.trim().replace(/^#/, "") || undefined, dateFrom: filters.dateFrom || undefined,
    dateTo: filters.dateTo || undefined, hasAttachments: filters.hasAttachments ? true : undefined,
  };
}

interface ListState { items: Entry[]; total: number; page: number; loading: boolean; error: unknown }

/** #/journal/entries: the entries, newest first, with filters, a search and more as you scroll; live from the chat. */
export function EntriesList(): JSX.Element {
  const { t, lang } = useI18n();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [showFilters, setShowFilters] = useState(false);
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim(), 300);
  const applied = useDebounced(filters, 300); // typing a name asks once, not per letter
  const [state, setState] = useState<ListState>({ items: [], total: 0, page: 0, loading: true, error: undefined });
  const [fresh, setFresh] = useState<number[]>([]);
  const [missed, setMissed] = useState(0);
  const generation = useRef(0);
  const streamed = useRef<Entry[]>([]); // entries the stream brought to this (unfiltered) list
  const filtered = isFiltered(applied, q);

  const options = useQuery(async (signal) => {
    const [categories, recipes, people, tags] = await Promise.all([journalApi.categories(signal),
      journalApi.recipes(signal), journalApi.terms("people", undefined, signal), journalApi.terms("tags", undefined, signal)]);
    return { categories, actions: [...new Set(recipes.map((r) => r.action))].sort(), people, tags };
  }, []);

  const load = useCallback(async (page: number): Promise<void> => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    try {
      const result = await journalApi.list(listQuery(applied, q, page));
      if (mine !== generation.current) return;
      setState((s) => {
        // Page 1 replaces the list, but keeps what the stream brought meanwhile (newer than this answer may know).
        const kept = page === 1 ? streamed.current.filter((e) => !result.items.some((r) => r.id === e.id)) : s.items;
        const known = new Set(kept.map((e) => e.id));
        const items = [...kept, ...result.items.filter((e) => !known.has(e.id))];
        return { items, total: result.total + (page === 1 ? kept.length : 0), page, loading: false, error: undefined };
      });
    } catch (error) {
      if (mine === generation.current) setState((s) => ({ ...s, loading: false, error }));
    }
  }, [applied, q]);

  // The first page is asked for once the live feed has started (or has not in time): an entry saved in between is
  // then in the page or in the feed, never in neither.
  const [live, setLive] = useState(false);
  useEffect(() => {
    if (!live) return;
    setMissed(0);
    if (filtered) streamed.current = []; // a filtered list is the server's answer alone
    void load(1);
  }, [load, live]);

  const more = state.items.length < state.total;
  const loadMore = useCallback(() => {
    if (!state.loading && more && state.error === undefined) void load(state.page + 1);
  }, [state.loading, state.page, state.error, more, load]);

  // Infinite scroll: the next page when the end of the list comes into view.
  const sentinel = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const node = sentinel.current;
    if (!node || typeof IntersectionObserver === "undefined") return undefined;
    const observer = new IntersectionObserver((seen) => {
      if (seen.some((s) => s.isIntersecting)) loadMore();
    }, { rootMargin: "200px" });
    observer.observe(node);
    return () => observer.disconnect();
  }, [loadMore]);

  // Entries saved elsewhere (the chat) arrive live: on top of an unfiltered list, else as a count to show.
  const filteredRef = useRef(filtered);
  filteredRef.current = filtered;
  useEffect(() => {
    const fallback = window.setTimeout(() => setLive(true), LIVE_WAIT_MS);
    const stop = subscribeEntries(onEntry, { onReady: () => setLive(true) });
    return () => {
      window.clearTimeout(fallback);
      stop();
    };
  }, []);
  function onEntry(entry: Entry): void {
    if (filteredRef.current) {
      setMissed((n) => n + 1);
      return;
    }
    streamed.current = [entry, ...streamed.current];
    setState((s) => (s.items.some((e) => e.id === entry.id) ? s
      : { ...s, items: [entry, ...s.items], total: s.total + 1 }));
    setFresh((ids) => [...ids, entry.id]);
    haptic("light");
  }

  const set = (patch: Partial<Filters>): void => setFilters((f) => ({ ...f, ...patch }));
  const categoryLabel = useMemo(() => new Map((options.data?.categories ?? []).map((c) => [c.id, `${c.icon} ${c.label}`])),
    [options.data]);

  return (
    <Screen title={t("journal.entries.title")}>
      <JournalNav current="entries" />
      <Section>
        <div className="form">
          <Input type="search" value={search} onChange={(e) => setSearch(e.target.value)}
            placeholder={t("journal.entries.search")} aria-label={t("journal.entries.search")} data-testid="search-input" />
          <div className="filter-bar">
            <Button size="s" mode={showFilters ? "filled" : "bezeled"} onClick={() => setShowFilters(!showFilters)}
              data-testid="filters-toggle">
              {t("journal.filter.title")}{filtered ? " •" : ""}
            </Button>
            {filtered && (
              <Button size="s" mode="plain" onClick={() => { setFilters(NO_FILTERS); setSearch(""); }}
                data-testid="filters-reset">{t("journal.filter.reset")}</Button>
            )}
          </div>
        </div>
        {showFilters && (
          <div className="form filters" data-testid="filters">
            <Select header={t("journal.filter.category")} value={filters.category} aria-label={t("journal.filter.category")}
              onChange={(e) => set({ category: e.target.value })} data-testid="filter-category">
              <option value="">{t("journal.filter.any")}</option>
              {(options.data?.categories ?? []).map((c) => <option key={c.id} value={c.id}>{c.icon} {c.label}</option>)}
            </Select>
            <Select header={t("journal.filter.action")} value={filters.action} aria-label={t("journal.filter.action")}
              onChange={(e) => set({ action: e.target.value })} data-testid="filter-action">
              <option value="">{t("journal.filter.any")}</option>
              {(options.data?.actions ?? []).map((a) => <option key={a} value={a}>{a}</option>)}
            </Select>
            <Input header={t("journal.filter.people")} value={filters.people} list="journal-people"
              aria-label={t("journal.filter.people")} onChange={(e) => set({ people: e.target.value })}
              data-testid="filter-people" />
            <datalist id="journal-people">{(options.data?.people ?? []).map((p) => <option key={p.value} value={p.value} />)}</datalist>
            <Input header={t("journal.filter.tags")} value={filters.tags} list="journal-tags"
              aria-label={t("journal.filter.tags")} onChange={(e) => set({ tags: e.target.value })} data-testid="filter-tags" />
            <datalist id="journal-tags">{(options.data?.tags ?? []).map((p) => <option key={p.value} value={p.value} />)}</datalist>
            <div className="geo-row">
              <Input header={t("journal.filter.from")} type="date" value={filters.dateFrom}
                aria-label={t("journal.filter.from")} onChange={(e) => set({ dateFrom: e.target.value })}
                data-testid="filter-from" />
              <Input header={t("journal.filter.to")} type="date" value={filters.dateTo}
                aria-label={t("journal.filter.to")} onChange={(e) => set({ dateTo: e.target.value })} data-testid="filter-to" />
            </div>
            <label className="check-row">
              <Checkbox checked={filters.hasAttachments} onChange={(e) => set({ hasAttachments: e.target.checked })}
                data-testid="filter-attachments" />
              {t("journal.filter.attachments")}
            </label>
          </div>
        )}
      </Section>

      {missed > 0 && (
        <Button size="s" mode="bezeled" onClick={() => { setMissed(0); void load(1); }} data-testid="missed">
          {t("journal.entries.missed", { n: missed })}
        </Button>
      )}
      <ErrorText error={state.error} testId="load-error" />
      {!state.loading && state.error === undefined && state.items.length === 0 && (
        <Placeholder description={t(filtered ? "journal.entries.emptyFiltered" : "journal.entries.empty")}
          data-testid="empty-state" />
      )}
      {state.items.length > 0 && (
        <Section header={t("journal.entries.count", { n: state.total })} data-testid="entries">
          {state.items.map((entry) => (
            <Cell key={entry.id} multiline className={fresh.includes(entry.id) ? "entry-row fresh" : "entry-row"}
              subtitle={entryLine(entry, lang)}
              description={entry.tags.length ? entry.tags.map((tag) => `#${tag}`).join(" ") : undefined}
              after={entry.category ? <span className="entry-category">{categoryLabel.get(entry.category)?.split(" ")[0]}</span> : undefined}
              onClick={() => navigate(`/journal/entries/${entry.id}`)} data-testid={`entry-${entry.id}`}>
              {entry.title || `#${entry.number}`}
            </Cell>
          ))}
        </Section>
      )}
      <div ref={sentinel} data-testid="list-end" />
      {state.loading && <div className="center" data-testid="loading"><Spinner size="m" /></div>}
      {more && !state.loading && (
        <Button size="m" mode="plain" onClick={loadMore} data-testid="more">{t("journal.entries.more")}</Button>
      )}
    </Screen>
  );
}
