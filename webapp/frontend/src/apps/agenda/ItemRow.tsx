import { Cell } from "@telegram-apps/telegram-ui";

import { useI18n, type MessageKey } from "../../i18n";
import type { Item } from "./api";
import { timeRange, whenText } from "./format";
import { QuestionChoices } from "./QuestionChoices";

export function itemPath(id: number | string): string {
  return `/agenda/items/${encodeURIComponent(String(id))}`;
}

/** One item in a list: its time, "#5 meeting: Lunch", its status when closed; an open question right under it. */
export function ItemRow({ item, showDay = false, onAnswer }: {
  item: Item;
  showDay?: boolean;
  onAnswer: (item: Item, choice: string) => Promise<void>;
}): JSX.Element {
  const { t, lang } = useI18n();
  const closed = item.status === "done" || item.status === "cancelled";
  const when = showDay ? whenText(item, lang) : timeRange(item);
  const subtitle = [t(`kind.${item.kind}` as MessageKey), when, item.recurrence ? "🔁" : "",
    closed ? t(`status.${item.status}` as MessageKey) : ""].filter(Boolean).join(" · ");
  return (
    <div className={`item-row item-${item.status}`} data-testid={`item-row-${item.number}`} data-status={item.status}>
      <Cell Component="a" href={`#${itemPath(item.id)}`} subtitle={subtitle} multiline
        before={<span className="item-number">#{item.number}</span>}>
        <span className={closed ? "item-title closed" : "item-title"} data-testid={`item-title-${item.number}`}>
          {item.title}
        </span>
      </Cell>
      {item.question && <QuestionChoices item={item} onAnswer={(choice) => onAnswer(item, choice)} />}
    </div>
  );
}
