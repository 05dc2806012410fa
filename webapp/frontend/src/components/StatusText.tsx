import type { MessageKey, Vars } from "../i18n";
import { useI18n } from "../i18n";

/**
 * A success notice kept as a key + vars (not as text), so it re-translates when the language
 * changes. `keyVars` are vars whose values are themselves dictionary keys (e.g. stage names).
 */
export interface Status {
  key: MessageKey;
  vars?: Vars;
  keyVars?: Record<string, MessageKey>;
}

export function StatusText({ status, testId = "status-text" }: { status: Status | null; testId?: string }): JSX.Element | null {
  const { t } = useI18n();
  if (!status) return null;
  const vars: Vars = { ...status.vars };
  for (const [name, key] of Object.entries(status.keyVars ?? {})) vars[name] = t(key);
  return (
    <p className="app-status" role="status" data-testid={testId}>
      {t(status.key, vars)}
    </p>
  );
}
