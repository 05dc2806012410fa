import { Button } from "@telegram-apps/telegram-ui";

import { useI18n, type MessageKey } from "../../i18n";
import { navigate } from "../../lib/router";

export const JOURNAL_TABS = { catalog: "/journal", entries: "/journal/entries", dashboard: "/journal/dashboard" } as const;
export type JournalTab = keyof typeof JOURNAL_TABS;

/** The journal's three top screens: new entry (recipes), the list, the dashboard. */
export function JournalNav({ current }: { current: JournalTab }): JSX.Element {
  const { t } = useI18n();
  return (
    <div className="tabs" role="tablist">
      {(Object.keys(JOURNAL_TABS) as JournalTab[]).map((name) => (
        <Button key={name} size="s" mode={name === current ? "filled" : "bezeled"} role="tab"
          aria-selected={name === current} onClick={() => navigate(JOURNAL_TABS[name])} data-testid={`tab-${name}`}>
          {t(`journal.tab.${name}` as MessageKey)}
        </Button>
      ))}
    </div>
  );
}
