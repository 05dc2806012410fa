import { useId, useState, type KeyboardEvent } from "react";
import { Button, Input, Select, Textarea } from "@telegram-apps/telegram-ui";

import { useI18n } from "../../i18n";
import { haptic } from "../../lib/telegram";
import type { Category, FieldDef, Term } from "./api";
import type { FieldValue, GeoValue } from "./form";

/** What the inputs suggest: the user's dictionaries and the choices of the two open-ended selects. */
export interface Suggestions {
  tags: string[];
  people: string[];
  places: Term[];
  currencies: string[];
  categories: Category[];
}

export const NO_SUGGESTIONS: Suggestions = { tags: [], people: [], places: [], currencies: [], categories: [] };

interface Props {
  field: FieldDef;
  value: FieldValue;
  onChange: (value: FieldValue) => void;
  suggestions: Suggestions;
  required?: boolean;
  invalid?: boolean;
  /** A place picked from the dictionary brings its coordinates. */
  onPlaceGeo?: (geo: GeoValue, place: string) => void;
}

function Datalist({ id, values }: { id: string; values: string[] }): JSX.Element | null {
  if (values.length === 0) return null;
  return (
    <datalist id={id}>
      {values.map((v) => <option key={v} value={v} />)}
    </datalist>
  );
}

/** Chips and a box: Enter, a comma or leaving the box adds what is typed; × removes a chip. */
function ListInput({ field, value, onChange, options, header }: {
  field: FieldDef; value: string[]; onChange: (v: string[]) => void; options: string[]; header: string;
}): JSX.Element {
  const { t } = useI18n();
  const listId = useId();
  const [text, setText] = useState("");
  const add = (raw: string): void => {
    const parts = raw.split(",").map((p) => p.trim().replace(field.type === "tags" ? /^#/ : /^$/, "")).filter(Boolean);
    const next = [...value];
    for (const part of parts) if (!next.some((v) => v.toLowerCase() === part.toLowerCase())) next.push(part);
    if (next.length !== value.length) {
      onChange(next);
      haptic("light");
    }
    setText("");
  };
  const onKey = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === "Enter" || event.key === ",") {
      event.preventDefault();
      add(text);
    } else if (event.key === "Backspace" && !text && value.length) {
      onChange(value.slice(0, -1));
    }
  };
  return (
    <div className="list-input" data-testid={`field-${field.id}`} data-type={field.type}>
      <Input header={header} value={text} list={listId} placeholder={field.placeholder || t("journal.form.addValue")}
        aria-label={field.label} onChange={(e) => {
          const v = e.target.value;
          if (options.includes(v)) add(v);
          else setText(v);
        }} onKeyDown={onKey} onBlur={() => text.trim() && add(text)} data-testid={`input-${field.id}`} />
      <Datalist id={listId} values={options.filter((o) => !value.includes(o))} />
      {value.length > 0 && (
        <div className="chips" data-testid={`chips-${field.id}`}>
          {value.map((v) => (
            <span key={v} className="chip">
              {field.type === "tags" ? `#${v}` : v}
              <button type="button" className="chip-remove" aria-label={t("journal.form.remove", { value: v })}
                onClick={() => onChange(value.filter((x) => x !== v))}>×</button>
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

function GeoInput({ field, value, onChange, header }: {
  field: FieldDef; value: GeoValue; onChange: (v: GeoValue) => void; header: string;
}): JSX.Element {
  const { t } = useI18n();
  const [locating, setLocating] = useState(false);
  const canLocate = typeof navigator !== "undefined" && Boolean(navigator.geolocation);
  const locate = (): void => {
    setLocating(true);
    navigator.geolocation.getCurrentPosition((pos) => {
      setLocating(false);
      haptic("success");
      onChange({ lat: pos.coords.latitude.toFixed(5), lon: pos.coords.longitude.toFixed(5) });
    }, () => {
      setLocating(false);
      haptic("error");
    }, { timeout: 10_000 });
  };
  return (
    <div className="geo-input" data-testid={`field-${field.id}`} data-type="geo">
      <span className="field-label">{header}</span>
      <div className="geo-row">
        <Input header={t("journal.form.lat")} inputMode="decimal" value={value.lat}
          aria-label={`${field.label}: ${t("journal.form.lat")}`} placeholder="55.75580"
          onChange={(e) => onChange({ ...value, lat: e.target.value })} data-testid={`input-${field.id}-lat`} />
        <Input header={t("journal.form.lon")} inputMode="decimal" value={value.lon}
          aria-label={`${field.label}: ${t("journal.form.lon")}`} placeholder="37.61730"
          onChange={(e) => onChange({ ...value, lon: e.target.value })} data-testid={`input-${field.id}-lon`} />
      </div>
      {canLocate && (
        <Button type="button" size="s" mode="plain" loading={locating} onClick={locate} data-testid="locate">
          {t("journal.form.locate")}
        </Button>
      )}
    </div>
  );
}

/** One field of the registry as the input its type calls for. */
export function FieldInput({ field, value, onChange, suggestions, required, invalid, onPlaceGeo }: Props): JSX.Element {
  const { t } = useI18n();
  const listId = useId();
  const header = required ? `${field.label} *` : field.label;
  const common = {
    header, "aria-label": field.label, "aria-required": required || undefined, "aria-invalid": invalid || undefined,
    status: invalid ? ("error" as const) : undefined, "data-testid": `input-${field.id}`,
  };
  const text = typeof value === "string" ? value : "";
  const set = (v: string): void => onChange(v);

  switch (field.type) {
    case "tags":
    case "people":
      return <ListInput field={field} value={Array.isArray(value) ? value : []} onChange={onChange} header={header}
        options={field.type === "tags" ? suggestions.tags : suggestions.people} />;
    case "geo":
      return <GeoInput field={field} value={(value as GeoValue) ?? { lat: "", lon: "" }} onChange={onChange}
        header={header} />;
    case "textarea":
    case "json":
      return (
        <div data-testid={`field-${field.id}`} data-type={field.type}>
          <Textarea {...common} value={text} rows={field.rows ?? (field.type === "json" ? 4 : 3)}
            placeholder={field.placeholder || (field.type === "json" ? '{"key": "value"}' : "")}
            className={field.type === "json" ? "json-input" : undefined} spellCheck={field.type !== "json"}
            onChange={(e) => set(e.target.value)} />
        </div>
      );
    case "select": {
      let options = field.options ?? [];
      if (field.id === "currency") options = suggestions.currencies.map((c) => ({ value: c, label: c }));
      if (field.id === "category") {
        options = suggestions.categories.map((c) => ({ value: c.id, label: `${c.icon} ${c.label}` }));
      }
      return (
        <div data-testid={`field-${field.id}`} data-type="select">
          <Select {...common} value={text} onChange={(e) => set(e.target.value)}>
            <option value="">{t("journal.form.none")}</option>
            {text && !options.some((o) => o.value === text) && <option value={text}>{text}</option>}
            {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </Select>
        </div>
      );
    }
    default: {
      const isPlace = field.id === "place";
      const kind = field.type;
      const inputType = kind === "date" ? "date" : kind === "time" ? "time" : kind === "url" ? "url" : "text";
      const numeric = kind === "number" || kind === "money";
      return (
        <div data-testid={`field-${field.id}`} data-type={kind}>
          <Input {...common} type={inputType} value={text} placeholder={field.placeholder || undefined}
            inputMode={numeric ? "decimal" : kind === "url" ? "url" : undefined} list={isPlace ? listId : undefined}
            min={kind === "number" ? field.min : undefined} max={kind === "number" ? field.max : undefined}
            onChange={(e) => {
              const known = isPlace ? suggestions.places.find((p) => p.value === e.target.value) : undefined;
              if (known?.geo && onPlaceGeo) {
                onPlaceGeo({ lat: String(known.geo.lat), lon: String(known.geo.lon) }, e.target.value);
              } else {
                set(e.target.value);
              }
            }} />
          {isPlace && <Datalist id={listId} values={suggestions.places.map((p) => p.value)} />}
        </div>
      );
    }
  }
}
