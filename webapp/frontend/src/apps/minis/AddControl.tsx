import { useState, type FormEvent } from "react";
import { Button } from "@telegram-apps/telegram-ui";

import { useI18n } from "../../i18n";
import { QtyStepper } from "./QtyStepper";

/** Adds newly bought miniatures to IN_BOX. */
export function AddControl({ onAdd }: { onAdd: (qty: number) => Promise<unknown> }): JSX.Element {
  const { t } = useI18n();
  const [qtyText, setQtyText] = useState("1");
  const [busy, setBusy] = useState(false);
  const qty = Number(qtyText);
  const valid = qtyText !== "" && Number.isInteger(qty) && qty >= 1;

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    if (!valid || busy) return;
    setBusy(true);
    try {
      await onAdd(qty);
    } catch {
      // shown by the caller
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="form add-control" onSubmit={(e) => void submit(e)} noValidate>
      <QtyStepper label={t("add.qty")} value={qtyText} disabled={busy} onChange={setQtyText} testId="add-qty" />
      <Button type="submit" size="m" mode="bezeled" stretched disabled={!valid || busy} loading={busy} data-testid="add-submit">
        {t("add.submit")}
      </Button>
    </form>
  );
}
