import { useState } from "react";
import { Button, Cell, Input, Placeholder, Section, Spinner } from "@telegram-apps/telegram-ui";

import { ErrorText } from "../../components/ErrorText";
import { Screen } from "../../components/Screen";
import { useI18n } from "../../i18n";
import { useDebounced, useQuery, useRefetchOnFocus } from "../../lib/hooks";
import { totalCount } from "./api";
import { minisApi } from "./client";
import { CreateTypeForm } from "./CreateTypeForm";
import { ImportExport } from "./ImportExport";
import { StageBadges } from "./StageBadges";

export const SEARCH_DEBOUNCE_MS = 300;

export function typePath(id: string | number): string {
  return `/minis/types/${encodeURIComponent(String(id))}`;
}

/** Main screen: search, the A–Z list with per-stage badges, create form, backup. */
export function MinisList(): JSX.Element {
  const { t } = useI18n();
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim(), SEARCH_DEBOUNCE_MS);
  const list = useQuery((signal) => minisApi.listTypes(q, signal), [q]);
  useRefetchOnFocus(() => void list.refetch());
  const types = list.data;

  return (
    <Screen title={t("minis.title")}>
      <Section>
        <Input
          type="search"
          placeholder={t("minis.searchPlaceholder")}
          aria-label={t("minis.searchLabel")}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          data-testid="search-input"
        />
      </Section>

      <Section header={t("minis.listTitle")}>
        {list.error !== undefined && (
          <div className="form">
            <ErrorText error={list.error} />
            <Button size="s" mode="bezeled" onClick={() => void list.refetch()} data-testid="retry-button">
              {t("common.retry")}
            </Button>
          </div>
        )}
        {types === undefined && list.loading && (
          <div className="center" data-testid="loading">
            <Spinner size="m" />
          </div>
        )}
        {types !== undefined && types.length === 0 && (
          <Placeholder
            data-testid="empty-state"
            description={q ? t("minis.emptySearch", { q }) : t("minis.empty")}
          />
        )}
        {types?.map((type) => (
          <Cell
            key={type.id}
            Component="a"
            href={`#${typePath(type.id)}`}
            data-testid={`type-row-${type.name}`}
            className="type-row"
            subtitle={<StageBadges counts={type.stage_counts} />}
            after={<span className="type-total">{t("minis.total", { n: totalCount(type.stage_counts) })}</span>}
            multiline
          >
            {type.name}
          </Cell>
        ))}
      </Section>

      <CreateTypeForm onCreated={() => void list.refetch()} />
      <ImportExport onImported={() => void list.refetch()} />
    </Screen>
  );
}
