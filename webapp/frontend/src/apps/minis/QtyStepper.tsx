import { useI18n } from "../../i18n";

interface QtyStepperProps {
  label: string;
  value: string;
  /** Inclusive upper bound; `undefined` means unbounded. */
  max?: number;
  min?: number;
  disabled?: boolean;
  onChange: (value: string) => void;
  testId: string;
}

/**
 * A whole-number input with −/+ buttons. The buttons stay within [min, max]; a typed value above `max` is kept
 * as typed (the caller says it is too many and refuses it: silently changing what someone typed hides a mistake).
 */
export function QtyStepper({ label, value, max, min = 1, disabled, onChange, testId }: QtyStepperProps): JSX.Element {
  const { t } = useI18n();
  const n = Number(value);
  const clamp = (x: number): number => Math.max(min, max === undefined ? x : Math.min(max, x));

  function handleInput(raw: string): void {
    const digits = raw.replace(/[^0-9]/g, "");
    if (digits === "") {
      onChange("");
      return;
    }
    onChange(String(Math.max(min, parseInt(digits, 10))));
  }

  const current = Number.isFinite(n) && value !== "" ? n : min;
  return (
    <div className="qty-stepper">
      <label className="field-label" htmlFor={`${testId}-input`}>
        {label}
      </label>
      <div className="qty-row">
        <button
          type="button"
          className="qty-btn"
          aria-label={t("move.decrease")}
          disabled={disabled || current <= min}
          onClick={() => onChange(String(clamp(current - 1)))}
          data-testid={`${testId}-dec`}
        >
          −
        </button>
        <input
          id={`${testId}-input`}
          className="qty-input"
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          step={1}
          value={value}
          disabled={disabled}
          onChange={(e) => handleInput(e.target.value)}
          data-testid={testId}
        />
        <button
          type="button"
          className="qty-btn"
          aria-label={t("move.increase")}
          disabled={disabled || (max !== undefined && current >= max)}
          onClick={() => onChange(String(clamp(current + 1)))}
          data-testid={`${testId}-inc`}
        >
          +
        </button>
        {max !== undefined && (
          <button
            type="button"
            className="qty-btn qty-max"
            disabled={disabled || current === max}
            onClick={() => onChange(String(max))}
            data-testid={`${testId}-max`}
          >
            {t("move.max")}
          </button>
        )}
      </div>
    </div>
  );
}
