import { useState, type FormEvent } from "react";
import { Button, Input, Section } from "@telegram-apps/telegram-ui";

import { ErrorText } from "../../components/ErrorText";
import { StatusText, type Status } from "../../components/StatusText";
import { useI18n } from "../../i18n";
import { ApiError } from "../../lib/api";
import type { MiniType } from "./api";
import { minisApi } from "./client";

/** Name + optional initial quantity (goes to IN_BOX). */
export function CreateTypeForm({ onCreated }: { onCreated: (type: MiniType) => void }): JSX.Element {
  const { t } = useI18n();
  const [name, setName] = useState("");
  const [qty, setQty] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [status, setStatus] = useState<Status | null>(null);

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault();
    setStatus(null);
    const trimmed = name.trim();
    if (!trimmed) {
      setError(new ApiError("ERR_NAME_REQUIRED", ""));
      return;
    }
    const quantity = qty.trim() === "" ? 0 : Number(qty);
    if (!Number.isInteger(quantity) || quantity < 0) {
      setError(new ApiError("ERR_INVALID_QTY", ""));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const created = await minisApi.createType(trimmed, quantity || undefined);
      setName("");
      setQty("");
      setStatus({ key: "create.done", vars: { name: created.name } });
      onCreated(created);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section header={t("create.title")}>
      <form className="form form-flush" onSubmit={(e) => void submit(e)} noValidate>
        <Input
          header={t("create.name")}
          placeholder={t("create.namePlaceholder")}
          value={name}
          onChange={(e) => setName(e.target.value)}
          data-testid="create-name"
          aria-label={t("create.name")}
          autoComplete="off"
        />
        <Input
          header={t("create.qty")}
          type="number"
          inputMode="numeric"
          min={0}
          step={1}
          placeholder="0"
          value={qty}
          onChange={(e) => setQty(e.target.value)}
          data-testid="create-qty"
          aria-label={t("create.qty")}
        />
        <div className="form-actions">
          <ErrorText error={error} />
          <StatusText status={status} />
          <Button type="submit" size="m" stretched loading={busy} disabled={busy} data-testid="create-submit">
            {t("create.submit")}
          </Button>
        </div>
      </form>
    </Section>
  );
}
