import { Cell, Placeholder } from "@telegram-apps/telegram-ui";

import { useI18n } from "../../i18n";
import { parseTimestamp, type HistoryGroup } from "./api";

/**
 * Grouped moves, newest first: "In box → Building" (or "Added to In box"), quantity, local time,
 * "×N events" when a group merges several events.
 */
export function HistoryList({ groups }: { groups: HistoryGroup[] }): JSX.Element {
  const { t, tp, formatDateTime } = useI18n();
  if (groups.length === 0) return <Placeholder data-testid="history-empty" description={t("history.empty")} />;
  const newestFirst = [...groups].reverse();
  return (
    <div className="history" data-testid="history-list">
      {newestFirst.map((group, index) => {
        const when = parseTimestamp(group.timestamp);
        return (
          <Cell
            key={`${group.timestamp}-${group.from_stage}-${group.to_stage}-${index}`}
            data-testid="history-row"
            data-from={group.from_stage}
            data-to={group.to_stage}
            data-qty={group.qty}
            data-events={group.events}
            multiline
            subtitle={
              <time dateTime={when.toISOString()} data-testid="history-time">
                {formatDateTime(when)}
              </time>
            }
            description={
              group.events > 1 ? <span data-testid="history-events">{tp("history.events", group.events)}</span> : undefined
            }
            after={<span data-testid="history-qty">{t("history.qty", { n: group.qty })}</span>}
          >
            <span data-testid="history-move">
              {group.from_stage
                ? `${t(`stage.${group.from_stage}`)} → ${t(`stage.${group.to_stage}`)}`
                : t("history.added", { stage: t(`stage.${group.to_stage}`) })}
            </span>
          </Cell>
        );
      })}
    </div>
  );
}
