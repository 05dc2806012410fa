import { useState, type FormEvent } from "react";
import { Button, Select } from "@telegram-apps/telegram-ui";

import { useI18n } from "../../i18n";
import { useMainButton } from "../../lib/useTelegram";
import { laterStages, STAGES, type Stage, type StageCounts } from "./api";
import { QtyStepper } from "./QtyStepper";

const SOURCES: Stage[] = STAGES.filter((stage) => laterStages(stage).length > 0);

function defaultSource(counts: StageCounts): Stage {
  return SOURCES.find((stage) => counts[stage] > 0) ?? "IN_BOX";
}

export interface MoveControlProps {
  counts: StageCounts;
  /** Performs the move; resolves when done (errors are shown by the caller). */
  onMove: (from: Stage, to: Stage, qty: number) => Promise<unknown>;
  /** Mirror the submit button on Telegram's Main button. */
  useTelegramMainButton?: boolean;
}

/**
 * Moves miniatures forward: pick the source stage, a later target stage, and a quantity bounded
 * by what the source holds. The submit is disabled while the source is empty ("Available: 0").
 */
export function MoveControl({ counts, onMove, useTelegramMainButton = true }: MoveControlProps): JSX.Element {
  const { t } = useI18n();
  const [from, setFrom] = useState<Stage>(() => defaultSource(counts));
  const targets = laterStages(from);
  const [to, setTo] = useState<Stage>(() => laterStages(from)[0] ?? "DONE");
  const [qtyText, setQtyText] = useState("1");
  const [busy, setBusy] = useState(false);

  const available = counts[from];
  const qty = Number(qtyText);
  const target = targets.includes(to) ? to : targets[0];
  // More than the source holds (typed, or the source shrank meanwhile): refused, and said so; never cut down silently.
  const tooMany = available > 0 && Number.isInteger(qty) && qty > available;
  const canSubmit = !busy && available > 0 && target !== undefined && Number.isInteger(qty) && qty >= 1 && !tooMany;

  function selectSource(stage: Stage): void {
    setFrom(stage);
    const nextTargets = laterStages(stage);
    if (!nextTargets.includes(to)) setTo(nextTargets[0] ?? "DONE");
  }

  async function submit(event?: FormEvent): Promise<void> {
    event?.preventDefault();
    if (!canSubmit || target === undefined) return;
    setBusy(true);
    try {
      await onMove(from, target, qty);
    } catch {
      // the caller shows the error; the form keeps its values for a retry
    } finally {
      setBusy(false);
    }
  }

  useMainButton(
    useTelegramMainButton ? { text: t("move.submit"), enabled: canSubmit, onClick: () => void submit() } : null,
  );

  return (
    <form className="form move-control" onSubmit={(e) => void submit(e)} data-testid="move-control" noValidate>
      <div className="field-label">{t("move.from")}</div>
      <div className="stage-picker" role="radiogroup" aria-label={t("move.from")}>
        {SOURCES.map((stage) => (
          <button
            key={stage}
            type="button"
            role="radio"
            aria-checked={stage === from}
            className={`stage-pick${stage === from ? " is-selected" : ""}`}
            onClick={() => selectSource(stage)}
            data-testid={`move-from-${stage}`}
          >
            <span>{t(`stage.${stage}`)}</span>
            <b>{counts[stage]}</b>
          </button>
        ))}
      </div>

      <Select
        header={t("move.to")}
        value={target ?? ""}
        onChange={(e) => setTo(e.target.value as Stage)}
        data-testid="move-to"
        aria-label={t("move.to")}
      >
        {targets.map((stage) => (
          <option key={stage} value={stage}>
            {t(`stage.${stage}`)}
          </option>
        ))}
      </Select>

      <QtyStepper
        label={t("move.qty")}
        value={available === 0 ? "0" : qtyText}
        max={available}
        disabled={available === 0 || busy}
        onChange={setQtyText}
        testId="move-qty"
      />
      <p className={`available${available === 0 ? " is-zero" : ""}`} data-testid="move-available">
        {t("details.available", { n: available })}
      </p>
      {tooMany && (
        <p className="app-error" role="alert" data-testid="move-too-many">
          {t("move.tooMany", { n: available, qty })}
        </p>
      )}
      <Button type="submit" size="l" stretched disabled={!canSubmit} loading={busy} data-testid="move-submit">
        {t("move.submit")}
      </Button>
    </form>
  );
}
