import { useState } from "react";
import { Button } from "@telegram-apps/telegram-ui";

import { useI18n, type MessageKey } from "../../i18n";
import { partOfDay, type Item } from "./api";
import { formatDay } from "./format";

/**
 * The item's open question, answered in place: one button per time to pick (as the chat's buttons under it), and
 * Keep (a passed time as it was said) and Cancel. `onAnswer` gets "HH:MM", "keep" or "cancel".
 */
export function QuestionChoices({ item, onAnswer }: { item: Item; onAnswer: (choice: string) => Promise<void> }
): JSX.Element | null {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const question = item.question;
  if (!question) return null;

  const choose = async (choice: string): Promise<void> => {
    setBusy(true);
    try {
      await onAnswer(choice);
    } catch {
      // the caller shows the error
    } finally {
      setBusy(false);
    }
  };
  const past = question.purpose === "past";
  const said = question.candidates[0] ?? "";
  const when = `${question.date ? formatDay(question.date, lang) : ""} ${said}`.trim();
  const prompt = past
    ? t("question.past", { when })
    : t(question.purpose === "reschedule" ? "question.reschedule" : "question.time");

  return (
    <div className="question" data-testid={`question-${item.number}`}>
      <p className="question-text">{prompt}</p>
      <div className="question-choices">
        {question.candidates.map((time) => (
          <Button key={time} size="s" mode="bezeled" disabled={busy} onClick={() => void choose(time)}
            data-testid={`answer-${item.number}-${time}`}>
            {past ? t("question.next", { time }) : `${t(`question.part.${partOfDay(time)}` as MessageKey)} ${time}`}
          </Button>
        ))}
        {past && (
          <Button size="s" mode="bezeled" disabled={busy} onClick={() => void choose("keep")}
            data-testid={`answer-${item.number}-keep`}>
            {t("question.keep", { when })}
          </Button>
        )}
        <Button size="s" mode="plain" disabled={busy} onClick={() => void choose("cancel")}
          data-testid={`answer-${item.number}-cancel`}>
          {t("question.cancel")}
        </Button>
      </div>
    </div>
  );
}
