import { useState } from "react";
import { Button, Cell, Placeholder, Section, Spinner } from "@telegram-apps/telegram-ui";

import { ErrorText } from "../../components/ErrorText";
import { Screen } from "../../components/Screen";
import { StatusText, type Status } from "../../components/StatusText";
import { useI18n } from "../../i18n";
import { isApiError } from "../../lib/api";
import { useQuery, useRefetchOnFocus } from "../../lib/hooks";
import { navigate } from "../../lib/router";
import { STAGES, type Stage } from "./api";
import { AddControl } from "./AddControl";
import { minisApi } from "./client";
import { HistoryList } from "./HistoryList";
import { MoveControl } from "./MoveControl";

export const LIST_PATH = "/minis";

/** Codes after which the numbers on screen are probably stale: reload them. */
const STALE_CODES = new Set(["ERR_INSUFFICIENT_QTY", "ERR_INVALID_STAGE_TRANSITION", "ERR_NOT_FOUND"]);

/** One type: stage counts, move and add controls, grouped history. */
export function TypeDetails({ id }: { id: string }): JSX.Element {
  const { t } = useI18n();
  const typeQuery = useQuery((signal) => minisApi.getType(id, signal), [id]);
  const historyQuery = useQuery((signal) => minisApi.history(id, signal), [id]);
  const [actionError, setActionError] = useState<unknown>(undefined);
  const [status, setStatus] = useState<Status | null>(null);

  const refreshAll = (): void => {
    void typeQuery.refetch();
    void historyQuery.refetch();
  };
  useRefetchOnFocus(refreshAll);

  async function runAction(action: () => Promise<Status>): Promise<void> {
    setActionError(undefined);
    setStatus(null);
    try {
      setStatus(await action());
      void historyQuery.refetch();
    } catch (err) {
      setActionError(err);
      if (isApiError(err) && STALE_CODES.has(err.code)) refreshAll();
      throw err;
    }
  }

  const move = (from: Stage, to: Stage, qty: number): Promise<void> =>
    runAction(async () => {
      typeQuery.setData(await minisApi.move(id, from, to, qty));
      return { key: "move.done", vars: { qty }, keyVars: { from: `stage.${from}`, to: `stage.${to}` } };
    });

  const add = (qty: number): Promise<void> =>
    runAction(async () => {
      typeQuery.setData(await minisApi.addToBox(id, qty));
      return { key: "add.done", vars: { qty } };
    });

  const type = typeQuery.data;
  // One message slot: the last action's error, else a failed (re)load.
  const pageError = actionError ?? typeQuery.error ?? historyQuery.error;

  if (!type) {
    return (
      <Screen backTo={LIST_PATH}>
        {typeQuery.error !== undefined ? (
          <Placeholder
            action={
              isApiError(typeQuery.error) && typeQuery.error.code === "ERR_NOT_FOUND" ? (
                <Button size="m" onClick={() => navigate(LIST_PATH)} data-testid="home-button">
                  {t("nav.home")}
                </Button>
              ) : (
                <Button size="m" onClick={refreshAll} data-testid="retry-button">
                  {t("common.retry")}
                </Button>
              )
            }
          >
            <ErrorText error={typeQuery.error} />
          </Placeholder>
        ) : (
          <div className="center" data-testid="loading">
            <Spinner size="m" />
          </div>
        )}
      </Screen>
    );
  }

  return (
    <Screen backTo={LIST_PATH} title={<span data-testid="type-name">{type.name}</span>}>
      <Section header={t("details.stages")}>
        {STAGES.map((stage) => (
          <Cell
            key={stage}
            data-testid={`stage-row-${stage}`}
            after={
              <span className="stage-count" data-testid={`stage-count-${stage}`}>
                {type.stage_counts[stage]}
              </span>
            }
          >
            {t(`stage.${stage}`)}
          </Cell>
        ))}
      </Section>

      <Section header={t("move.title")}>
        <MoveControl counts={type.stage_counts} onMove={move} />
        {(pageError !== undefined || status !== null) && (
          <div className="form">
            <ErrorText error={pageError} />
            <StatusText status={status} />
          </div>
        )}
      </Section>

      <Section header={t("add.title")}>
        <AddControl onAdd={add} />
      </Section>

      <Section header={t("history.title")}>
        {historyQuery.data ? (
          <HistoryList groups={historyQuery.data} />
        ) : (
          <div className="center">
            <Spinner size="s" />
          </div>
        )}
      </Section>
    </Screen>
  );
}
