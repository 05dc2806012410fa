import { useRef, useState, type ChangeEvent } from "react";
import { Button, Section } from "@telegram-apps/telegram-ui";

import { ErrorText } from "../../components/ErrorText";
import { StatusText, type Status } from "../../components/StatusText";
import { useI18n } from "../../i18n";
import { ApiError } from "../../lib/api";
import { downloadJson, readFileText } from "../../lib/download";
import { minisApi } from "./client";

function exportFileName(now: Date): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `minis-export-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.json`;
}

/**
 * Export everything to a JSON file; import a file (all or nothing on the server). An import adds the file's counts
 * to yours (types merge by name), so importing your own export doubles them: the screen says so and asks first.
 */
export function ImportExport({ onImported }: { onImported: () => void }): JSX.Element {
  const { t } = useI18n();
  const [busy, setBusy] = useState<"export" | "import" | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [status, setStatus] = useState<Status | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState<unknown>(undefined);

  async function doExport(): Promise<void> {
    setBusy("export");
    setError(undefined);
    setStatus(null);
    try {
      const data = await minisApi.exportAll();
      const file = exportFileName(new Date());
      downloadJson(file, data);
      setStatus({ key: "data.exported", vars: { file } });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  async function pickImport(event: ChangeEvent<HTMLInputElement>): Promise<void> {
    const input = event.currentTarget;
    const file = input.files?.[0];
    if (!file) return;
    setError(undefined);
    setStatus(null);
    setPending(undefined);
    try {
      const text = await readFileText(file);
      try {
        setPending(JSON.parse(text));
      } catch {
        throw new ApiError("ERR_IMPORT_NOT_JSON", "");
      }
    } catch (err) {
      setError(err);
    } finally {
      input.value = ""; // choosing the same file again must fire `change` again
    }
  }

  async function doImport(payload: unknown): Promise<void> {
    setPending(undefined);
    setBusy("import");
    try {
      const result = await minisApi.importAll(payload);
      setStatus({
        key: "data.imported",
        vars: {
          imported: result.imported_types,
          created: result.created_types,
          merged: result.merged_types,
        },
      });
      onImported();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }

  return (
    <Section header={t("data.title")} footer={t("data.hint")}>
      <div className="form data-actions">
        <Button
          size="m"
          mode="bezeled"
          onClick={() => void doExport()}
          loading={busy === "export"}
          disabled={busy !== null}
          data-testid="export-button"
        >
          {t("data.export")}
        </Button>
        <label className={`file-button${busy !== null ? " is-disabled" : ""}`}>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            className="visually-hidden"
            onChange={(e) => void pickImport(e)}
            disabled={busy !== null}
            data-testid="import-input"
          />
          <span>{t("data.import")}</span>
        </label>
        {pending !== undefined && (
          <div className="import-confirm" role="alertdialog" data-testid="import-confirm">
            <p className="app-error">{t("data.importAdds")}</p>
            <Button size="m" mode="filled" onClick={() => void doImport(pending)} data-testid="import-confirm-button">
              {t("data.importConfirm")}
            </Button>
            <Button size="m" mode="plain" onClick={() => setPending(undefined)} data-testid="import-cancel-button">
              {t("common.cancel")}
            </Button>
          </div>
        )}
        <ErrorText error={error} />
        <StatusText status={status} testId="import-status" />
      </div>
    </Section>
  );
}
