import { isApiError } from "../lib/api";
import { useI18n } from "../i18n";

/** A translated error message; renders nothing when there is no error. */
export function ErrorText({ error, testId = "error-text" }: { error: unknown; testId?: string }): JSX.Element | null {
  const { te } = useI18n();
  if (error === undefined || error === null) return null;
  const code = isApiError(error) ? error.code : "ERR_UNKNOWN";
  return (
    <p className="app-error" role="alert" data-testid={testId} data-error-code={code}>
      {te(error)}
    </p>
  );
}
